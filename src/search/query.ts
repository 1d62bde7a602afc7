import { parseQueryDate, type DateRange } from "./dates.ts";
import type { CompiledLexicon, PhraseEntry } from "./lexicon.ts";
import { fold, isAlnum, isHan } from "./normalize.ts";
import { QUERY_STOP_WORDS } from "./stopwords.ts";
import { termsOf } from "./tokenizer.ts";

/**
 * A chat query turned into concepts. Each concept is one thing the user asked about (a word, a
 * school, a phrase from the lexicon); it is satisfied by any of its alternatives (synonyms,
 * abbreviations), and an alternative by its terms (bigrams). Proximity terms are the bigrams that
 * straddle two neighbouring words: they only occur where the words stand side by side as typed.
 */

export interface Alternative {
  text: string;
  terms: string[];
  /** Matches the school field instead of title and body. */
  field: "text" | "school";
}

export interface Concept {
  text: string;
  alternatives: Alternative[];
}

export interface QueryPlan {
  concepts: Concept[];
  proximity: string[];
  /** Folded strings to mark in snippets. */
  highlights: string[];
  date?: DateRange;
}

export const SCHOOL_TERM_PREFIX = "\u0003";

export function schoolTerm(canonical: string): string {
  return SCHOOL_TERM_PREFIX + canonical;
}

interface Piece {
  text: string;
  start: number;
  end: number;
  entry?: PhraseEntry;
  /** Made of characters the segmenter left single. */
  singles?: boolean;
}

function isWordChar(code: number): boolean {
  return isHan(code) || isAlnum(code);
}

/** Runs of Chinese characters, letters and digits, with their offsets. */
function chunksOf(text: string): Piece[] {
  const chunks: Piece[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    chunks.push({ text: text.slice(i, end), start: i, end });
    i = end;
  }
  return chunks;
}

function segmentPieces(text: string, offset: number, lexicon: CompiledLexicon): Piece[] {
  const pieces: Piece[] = [];
  let position = offset;
  for (const word of lexicon.segment(text)) {
    const start = text.indexOf(word, position - offset);
    if (start < 0) continue;
    const absolute = offset + start;
    if (word.trim()) pieces.push({ text: word, start: absolute, end: absolute + word.length });
    position = absolute + word.length;
  }
  return pieces;
}

function boundariesOf(pieces: Piece[]): Set<number> {
  const boundaries = new Set<number>();
  for (const piece of pieces) {
    boundaries.add(piece.start);
    boundaries.add(piece.end);
  }
  return boundaries;
}

/**
 * Lexicon phrases first (longest at each position), then the segmenter for the text between them.
 * A phrase of one or two characters must coincide with the segmenter's word boundaries, so that
 * 南大 is not read inside 河南大学 nor 人大 inside 全国人大代表.
 */
function piecesOf(chunk: Piece, lexicon: CompiledLexicon): Piece[] {
  const words = segmentPieces(chunk.text, chunk.start, lexicon);
  const boundaries = boundariesOf(words);
  const pieces: Piece[] = [];
  let gapStart = chunk.start;
  const flushGap = (end: number): void => {
    if (end > gapStart) {
      pieces.push(
        ...segmentPieces(chunk.text.slice(gapStart - chunk.start, end - chunk.start), gapStart, lexicon),
      );
    }
  };
  let i = chunk.start;
  while (i < chunk.end) {
    let found: Piece | undefined;
    const longest = Math.min(lexicon.maxPhraseLength, chunk.end - i);
    for (let length = longest; length >= 2 && !found; length--) {
      const candidate = chunk.text.slice(i - chunk.start, i - chunk.start + length);
      const entry = lexicon.phrases.get(candidate);
      if (!entry) continue;
      if (length <= 2 && !(boundaries.has(i) && boundaries.has(i + length))) continue;
      found = { text: candidate, start: i, end: i + length, entry };
    }
    if (found) {
      flushGap(i);
      pieces.push(found);
      i = found.end;
      gapStart = i;
    } else {
      i++;
    }
  }
  flushGap(chunk.end);
  return pieces;
}

function textAlternative(text: string): Alternative {
  return { text, terms: termsOf(text), field: "text" };
}

/** Other spellings of a word that contains a lexicon phrase: 骑单车 → 骑自行车. */
function substitutions(word: string, lexicon: CompiledLexicon): string[] {
  const variants: string[] = [];
  for (let start = 0; start < word.length; start++) {
    for (let length = 2; length <= lexicon.maxPhraseLength && start + length <= word.length; length++) {
      const part = word.slice(start, start + length);
      if (part === word) continue;
      const entry = lexicon.phrases.get(part);
      if (!entry) continue;
      for (const other of entry.alternatives) {
        if (other !== part) variants.push(word.slice(0, start) + other + word.slice(start + length));
      }
    }
  }
  return variants;
}

function conceptOf(piece: Piece, lexicon: CompiledLexicon): Concept {
  const spellings = piece.entry
    ? piece.entry.alternatives
    : [piece.text, ...substitutions(piece.text, lexicon)];
  const alternatives = [...new Set([piece.text, ...spellings])].map(textAlternative);
  if (piece.entry?.canonical !== undefined) {
    alternatives.push({
      text: piece.entry.canonical,
      terms: [schoolTerm(piece.entry.canonical)],
      field: "school",
    });
  }
  return {
    text: piece.text,
    alternatives: alternatives.filter((alternative) => alternative.terms.length > 0),
  };
}

function isSingleHan(piece: Piece): boolean {
  return piece.text.length === 1 && isHan(piece.text.charCodeAt(0)) && !piece.entry;
}

/**
 * Consecutive single characters are usually an unknown word cut into pieces (药/卓 → 药卓); a lone
 * single character only helps as a proximity bigram with its neighbours (朱 of 朱/娜娜).
 */
function mergeSingles(pieces: Piece[]): Piece[] {
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (last?.singles && isSingleHan(piece) && last.end === piece.start) {
      merged[merged.length - 1] = {
        text: last.text + piece.text,
        start: last.start,
        end: piece.end,
        singles: true,
      };
    } else {
      merged.push(isSingleHan(piece) ? { ...piece, singles: true } : piece);
    }
  }
  return merged;
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
  const concepts: Concept[] = [];
  const proximity = new Set<string>();
  const highlights = new Set<string>();
  for (const chunk of chunksOf(text)) {
    const pieces = mergeSingles(
      piecesOf(chunk, lexicon).filter((piece) => !QUERY_STOP_WORDS.has(piece.text)),
    );
    for (let k = 0; k < pieces.length; k++) {
      const piece = pieces[k]!;
      const next = pieces[k + 1];
      if (next && next.start === piece.end) {
        const bridge = piece.text.slice(-1) + next.text.slice(0, 1);
        if (isHan(bridge.charCodeAt(0)) && isHan(bridge.charCodeAt(1))) proximity.add(bridge);
      }
      if (piece.text.length === 1 && isHan(piece.text.charCodeAt(0)) && pieces.length > 1) continue;
      const concept = conceptOf(piece, lexicon);
      if (concept.alternatives.length === 0) continue;
      concepts.push(concept);
      for (const alternative of concept.alternatives)
        if (alternative.field === "text") highlights.add(alternative.text);
    }
  }
  const plan: QueryPlan = {
    concepts: dedupe(concepts),
    proximity: [...proximity],
    highlights: [...highlights],
  };
  if (date) plan.date = date.range;
  return plan;
}

function dedupe(concepts: Concept[]): Concept[] {
  const seen = new Set<string>();
  return concepts.filter((concept) => {
    const key = concept.alternatives.map((alternative) => alternative.text).join("|");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
