import { parseQueryDate, type DateRange } from "./dates.ts";
import type { CompiledLexicon, PhraseEntry } from "./lexicon.ts";
import { fold, isAlnum, isHan } from "./normalize.ts";
import { QUERY_STOP_WORDS, STOP_CHARS } from "./stopwords.ts";
import { phraseTerms, tokensOf, tokenTerms, type Tokens } from "./tokenizer.ts";

/**
 * A chat query turned into concepts. Each concept is one thing the user asked about (a word, a
 * school, a phrase from the lexicon); it is satisfied by any of its alternatives (synonyms,
 * abbreviations, the parts of a long word), and an alternative by all of its terms.
 */

export interface Alternative {
  text: string;
  terms: string[];
  /** Matches the school field instead of title and body. */
  field: "text" | "school";
  /** How fully a match stands for the concept: the parts of a long word say less than the word. */
  weight?: number;
}

export interface Concept {
  text: string;
  alternatives: Alternative[];
  /**
   * Ranks the articles that have it but leaves none out for lacking it: a lone everyday character
   * (捐, 修) can only be looked up paired with a neighbour (捐衣), which most articles that answer
   * do not write.
   */
  optional?: boolean;
}

export interface QueryPlan {
  concepts: Concept[];
  /** Neighbouring query words written together; a title containing one is a closer match. */
  phrases: string[];
  /** Folded strings to mark in snippets. */
  highlights: string[];
  date?: DateRange;
}

export const SCHOOL_TERM_PREFIX = "\u0003";
const PARTS_WEIGHT = 0.6;
/** The most alternatives the parts of one long word give (each part has a few spellings). */
const MAX_PART_COMBINATIONS = 12;

export function schoolTerm(canonical: string): string {
  return SCHOOL_TERM_PREFIX + canonical.replace(/\s+/g, "_");
}

interface Unit {
  text: string;
  start: number;
  end: number;
  concept: Concept | undefined;
}

function isWordChar(code: number): boolean {
  return isHan(code) || isAlnum(code);
}

function boundariesOf(tokens: Tokens): Set<number> {
  const boundaries = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    boundaries.add(tokens.starts[i]!);
    boundaries.add(tokens.end(i));
  }
  return boundaries;
}

interface PhraseMatch {
  start: number;
  end: number;
  entry: PhraseEntry;
}

/**
 * Lexicon phrases, longest first at each position. A phrase of one or two characters must
 * coincide with the segmenter's word boundaries, so that 南大 is not read inside 河南大学 nor 人大
 * inside 全国人大代表.
 */
function findPhrases(text: string, tokens: Tokens, lexicon: CompiledLexicon): PhraseMatch[] {
  const boundaries = boundariesOf(tokens);
  const matches: PhraseMatch[] = [];
  let i = 0;
  while (i < text.length) {
    let found: PhraseMatch | undefined;
    if (isWordChar(text.charCodeAt(i))) {
      for (let length = Math.min(lexicon.maxPhraseLength, text.length - i); length >= 2 && !found; length--) {
        const entry = lexicon.phrases.get(text.slice(i, i + length));
        if (!entry) continue;
        if (length <= 2 && !(boundaries.has(i) && boundaries.has(i + length))) continue;
        found = { start: i, end: i + length, entry };
      }
    }
    if (found) {
      matches.push(found);
      i = found.end;
    } else {
      i++;
    }
  }
  return matches;
}

function alternative(text: string, lexicon: CompiledLexicon): Alternative {
  return { text, terms: phraseTerms(text, lexicon.dictionary), field: "text" };
}

function phraseConcept(text: string, entry: PhraseEntry, lexicon: CompiledLexicon): Concept {
  const alternatives = [...new Set([text, ...entry.alternatives])].map((spelling) =>
    alternative(spelling, lexicon),
  );
  if (entry.canonical !== undefined) {
    alternatives.push({ text: entry.canonical, terms: [schoolTerm(entry.canonical)], field: "school" });
  } else {
    // An article may write the phrase apart (毛主席的老家); a name is not made of its parts
    // (西工大 is not 哈工大 for sharing 工大).
    alternatives.push(...partsOf(text, lexicon));
  }
  return { text, alternatives: alternatives.filter((item) => item.terms.length > 0) };
}

/**
 * Other spellings of a word that contains a lexicon phrase: the word with the phrase replaced
 * (骑单车 → 骑自行车) and the phrase's group on its own (结对子 → 共建).
 */
function substitutions(word: string, lexicon: CompiledLexicon): string[] {
  const variants: string[] = [];
  for (let start = 0; start < word.length; start++) {
    for (let length = 2; length <= lexicon.maxPhraseLength && start + length <= word.length; length++) {
      const part = word.slice(start, start + length);
      // As in findPhrases: a two-character phrase inside a word only at its edge (not 南大 in 河南大学).
      if (part === word || (length === 2 && start > 0 && start + length < word.length)) continue;
      for (const other of lexicon.phrases.get(part)?.alternatives ?? []) {
        variants.push(other);
        if (other !== part) variants.push(word.slice(0, start) + other + word.slice(start + length));
      }
    }
  }
  return variants;
}

/**
 * A long word cut into the shorter dictionary words that cover most of it, as many as possible:
 * 教工党支部 → 教工, 党支部 (not 工党, which straddles them); 党史学习教育 → 党史, 学习, 教育.
 * Characters no shorter word covers are left out (党支部 → 支部); of two cuts alike, the one whose
 * words come first wins (读书会 → 读书, not 书会: a trailing character is usually a suffix). Empty
 * when nothing shorter is known.
 */
function pieces(word: string, lexicon: CompiledLexicon): string[] {
  const known = new Set(lexicon.dictionary.subwords(word));
  if (known.size === 0) return [];
  // best[i]: the best cut of word[i, end) as covered characters, then pieces.
  const best: { covered: number; parts: string[] }[] = [];
  best[word.length] = { covered: 0, parts: [] };
  for (let i = word.length - 1; i >= 0; i--) {
    let choice = { covered: best[i + 1]!.covered, parts: best[i + 1]!.parts };
    for (let end = i + 2; end <= word.length; end++) {
      const part = word.slice(i, end);
      if (!known.has(part)) continue;
      const rest = best[end]!;
      const covered = rest.covered + part.length;
      if (
        covered > choice.covered ||
        (covered === choice.covered && rest.parts.length + 1 >= choice.parts.length)
      )
        choice = { covered, parts: [part, ...rest.parts] };
    }
    best[i] = choice;
  }
  return best[0]!.parts;
}

/**
 * A long word as its parts, each in any of its own spellings, as weaker alternatives: an article
 * may write 教工党支部 as 教工第一党支部, 教职工党支部, 党支部（教工）or 教工支部. Every part is
 * required, so that the parts of a compound stand for it only together.
 */
function partsOf(word: string, lexicon: CompiledLexicon): Alternative[] {
  const parts = word.length >= 3 && isHan(word.charCodeAt(0)) ? pieces(word, lexicon) : [];
  if (parts.length === 0) return [];
  let combinations: { terms: string[]; weight: number }[] = [{ terms: [], weight: PARTS_WEIGHT }];
  for (const part of parts) {
    const spellings = parts.length === 1 ? [{ terms: [part], weight: 1 }] : partSpellings(part, lexicon);
    combinations = combinations
      .flatMap((combination) =>
        spellings.map((spelling) => ({
          terms: [...combination.terms, ...spelling.terms],
          weight: combination.weight * spelling.weight,
        })),
      )
      .sort((a, b) => b.weight - a.weight)
      .slice(0, MAX_PART_COMBINATIONS);
  }
  return combinations.map(({ terms, weight }) => ({
    text: word,
    terms: [...new Set(terms)],
    field: "text",
    weight,
  }));
}

/** The spellings of one part of a long word: itself, its synonyms, and its own parts. */
function partSpellings(part: string, lexicon: CompiledLexicon): { terms: string[]; weight: number }[] {
  const synonyms = (lexicon.phrases.get(part)?.alternatives ?? []).map((other) =>
    alternative(other, lexicon),
  );
  const spellings = [...wordConcept(part, lexicon).alternatives, ...synonyms].map((item) => ({
    terms: item.terms,
    weight: item.weight ?? 1,
  }));
  const seen = new Set<string>();
  return spellings.filter(({ terms }) => {
    const key = terms.join("+");
    if (terms.length === 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function wordConcept(word: string, lexicon: CompiledLexicon): Concept {
  const alternatives: Alternative[] = [{ text: word, terms: [word], field: "text" }];
  alternatives.push(...partsOf(word, lexicon));
  for (const variant of substitutions(word, lexicon)) alternatives.push(alternative(variant, lexicon));
  return { text: word, alternatives };
}

/** Concepts of the words between lexicon phrases, computed on the same tokens a document would have. */
function wordUnits(tokens: Tokens, lexicon: CompiledLexicon): Unit[] {
  const units: Unit[] = [];
  let run: { text: string; start: number; end: number; terms: string[] } | undefined;
  const closeRun = (): void => {
    if (run && run.terms.length > 0) {
      units.push({
        ...run,
        concept: { text: run.text, alternatives: [{ text: run.text, terms: run.terms, field: "text" }] },
      });
    }
    run = undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const text = tokens.texts[i]!;
    const start = tokens.starts[i]!;
    const end = tokens.end(i);
    const han = tokens.han(i);
    const terms: { term: string; role: string }[] = [];
    tokenTerms(tokens, i, lexicon.dictionary, (term, role) => terms.push({ term, role }));
    if (QUERY_STOP_WORDS.has(text)) {
      closeRun();
      continue;
    }
    const bigram = terms.find((item) => item.role === "bigram");
    const single = han && text.length === 1 && !STOP_CHARS.has(text);
    const inRun = single && (bigram !== undefined || run?.end === start);
    if (inRun) {
      run ??= { text: "", start, end: start, terms: [] };
      run.text += text;
      run.end = end;
      if (bigram) run.terms.push(bigram.term);
      continue;
    }
    closeRun();
    const bridges = terms.filter((item) => item.role === "bridge").map((item) => item.term);
    if (han && text.length === 1) {
      const concept =
        bridges.length > 0
          ? {
              text,
              alternatives: bridges.map((term) => ({ text: term, terms: [term], field: "text" as const })),
              optional: true,
            }
          : undefined;
      units.push({ text, start, end, concept });
      continue;
    }
    const concept = terms.some((item) => item.role === "word") ? wordConcept(text, lexicon) : undefined;
    units.push({ text, start, end, concept });
  }
  closeRun();
  return units;
}

export interface QueryParseOptions {
  now: Date;
}

export function planQuery(raw: string, lexicon: CompiledLexicon, options: QueryParseOptions): QueryPlan {
  let text = fold(raw);
  const date = parseQueryDate(text, options.now);
  if (date) {
    for (const [start, end] of date.spans)
      text = text.slice(0, start) + " ".repeat(end - start) + text.slice(end);
  }
  const tokens = tokensOf(text, lexicon.dictionary);
  const phrases = findPhrases(text, tokens, lexicon);
  const units: Unit[] = [];
  let gapStart = 0;
  const addGap = (end: number): void => {
    if (end <= gapStart) return;
    const gap = " ".repeat(gapStart) + text.slice(gapStart, end);
    units.push(...wordUnits(tokensOf(gap, lexicon.dictionary), lexicon));
  };
  for (const match of phrases) {
    addGap(match.start);
    const phrase = text.slice(match.start, match.end);
    units.push({
      text: phrase,
      start: match.start,
      end: match.end,
      concept: phraseConcept(phrase, match.entry, lexicon),
    });
    gapStart = match.end;
  }
  addGap(text.length);
  const concepts: Concept[] = [];
  const seen = new Set<string>();
  const highlights = new Set<string>();
  const titlePhrases: string[] = [];
  units.forEach((unit, k) => {
    const next = units[k + 1];
    if (next?.concept && unit.concept && next.start === unit.end) titlePhrases.push(unit.text + next.text);
    if (!unit.concept || unit.concept.alternatives.length === 0) return;
    const key = unit.concept.alternatives.map((item) => item.terms.join("+")).join("|");
    if (seen.has(key)) return;
    seen.add(key);
    concepts.push(unit.concept);
    if (unit.text.length >= 2) highlights.add(unit.text);
    for (const item of unit.concept.alternatives)
      if (item.field === "text" && item.text.length >= 2) highlights.add(item.text);
  });
  const plan: QueryPlan = { concepts, phrases: titlePhrases, highlights: [...highlights] };
  if (date) plan.date = date.range;
  return plan;
}
