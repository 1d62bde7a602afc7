import { parse } from "yaml";
import { fold, isHan } from "./normalize.ts";
import { createDictionary, type Dictionary } from "./segmenter.ts";
import { TERMS_VERSION } from "./tokenizer.ts";
import type { Lexicon } from "./types.ts";

export class LexiconError extends Error {
  override readonly name = "LexiconError";
}

function stringList(value: unknown, where: string): string[] {
  if (value === null || value === undefined) return [];
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item !== "string" && typeof item !== "number") {
      throw new LexiconError(`${where}: expected text, got ${JSON.stringify(item)}`);
    }
    return String(item).trim();
  });
}

/**
 * Parses `data/aliases.yaml` (a mapping canonical name → list of abbreviations) and
 * `data/synonyms.yaml` (a list of groups of interchangeable words).
 */
export function parseLexicon(aliasesYamlText: string, synonymsYamlText: string): Lexicon {
  const aliasesDoc: unknown = parse(aliasesYamlText) ?? {};
  if (typeof aliasesDoc !== "object" || Array.isArray(aliasesDoc) || aliasesDoc === null) {
    throw new LexiconError("aliases: expected a mapping of canonical name to abbreviations");
  }
  const aliases: Record<string, string[]> = {};
  for (const [canonical, list] of Object.entries(aliasesDoc)) {
    aliases[canonical.trim()] = stringList(list, `aliases.${canonical}`).filter(Boolean);
  }
  const synonymsDoc: unknown = parse(synonymsYamlText) ?? [];
  if (!Array.isArray(synonymsDoc)) throw new LexiconError("synonyms: expected a list of groups");
  const synonyms = synonymsDoc
    .map((group, i) => stringList(group, `synonyms[${i}]`).filter(Boolean))
    .filter((group) => group.length > 1);
  return { aliases, synonyms };
}

/** A lexicon phrase found in a query: what else it may be written as. */
export interface PhraseEntry {
  /** Folded spellings that mean the same, the phrase itself included. */
  alternatives: string[];
  /** Folded canonical school/unit name when the phrase is one of its names. */
  canonical?: string;
}

export interface CompiledLexicon {
  phrases: Map<string, PhraseEntry>;
  maxPhraseLength: number;
  /** Folded alias or canonical → folded canonical. */
  canonicalOf: Map<string, string>;
  /** Cuts Chinese text into words. */
  dictionary: Dictionary;
  /** Changes whenever the way documents are indexed would change (words, names, TERMS_VERSION). */
  fingerprint: string;
}

/** Parses `data/words.txt`: one word a line, `#` starts a comment line. */
export function parseWordList(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function addPhrase(phrases: Map<string, PhraseEntry>, phrase: string, entry: PhraseEntry): void {
  const existing = phrases.get(phrase);
  if (!existing) {
    phrases.set(phrase, { ...entry, alternatives: unique([phrase, ...entry.alternatives]) });
    return;
  }
  existing.alternatives = unique([...existing.alternatives, ...entry.alternatives]);
  if (entry.canonical !== undefined) existing.canonical ??= entry.canonical;
}

function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

const compiled = new WeakMap<Lexicon, CompiledLexicon>();

/** Compiled once per lexicon object and cached. */
export function compileLexicon(lexicon: Lexicon): CompiledLexicon {
  const cached = compiled.get(lexicon);
  if (cached) return cached;
  const phrases = new Map<string, PhraseEntry>();
  const canonicalOf = new Map<string, string>();
  for (const [rawCanonical, rawAliases] of Object.entries(lexicon.aliases)) {
    const canonical = fold(rawCanonical);
    const names = unique([canonical, ...rawAliases.map(fold)]).filter(Boolean);
    for (const name of names) {
      canonicalOf.set(name, canonical);
      addPhrase(phrases, name, { alternatives: names, canonical });
    }
  }
  for (const group of lexicon.synonyms) {
    const words = unique(group.map(fold)).filter(Boolean);
    for (const word of words) addPhrase(phrases, word, { alternatives: words });
  }
  let maxPhraseLength = 0;
  for (const phrase of phrases.keys()) maxPhraseLength = Math.max(maxPhraseLength, phrase.length);
  const words = [...(lexicon.words ?? []).map(fold), ...phrases.keys()].filter(
    (word) => word.length >= 2 && [...word].every((char) => isHan(char.charCodeAt(0))),
  );
  // What reaches the index: the words that cut the text, and the school names (school field).
  const fingerprint = hashText(
    JSON.stringify([TERMS_VERSION, [...canonicalOf].sort(), [...new Set(words)].sort()]),
  );
  const result: CompiledLexicon = {
    phrases,
    maxPhraseLength,
    canonicalOf,
    dictionary: createDictionary(words),
    fingerprint,
  };
  compiled.set(lexicon, result);
  return result;
}
