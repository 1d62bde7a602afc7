import { findDates, findMonthDays, mentionTerms, monthDayTerms } from "./dates.ts";
import type { Dictionary } from "./segmenter.ts";
import { characterString, fold, isAlnum, isHan } from "./normalize.ts";
import { INDEX_STOP_WORDS, STOP_CHARS } from "./stopwords.ts";

/**
 * How text becomes index terms. Chinese is cut into dictionary words (see segmenter.ts; unknown
 * words come out as single characters, the same way in a document and in a query).
 * Each word is a term; a longer word also gives the dictionary words inside it (党支部 → 支部,
 * 党史学习教育 → 党史, 学习, 教育), so that 样板支部 meets 样板党支部. Characters the dictionary
 * does not know (names such as 朱娜娜, abbreviations such as 药卓) become character bigrams, and a
 * lone unknown character is paired with its neighbours. Latin words and numbers are terms as they
 * are; dates give calendar terms (see dates.ts).
 */

const MAX_ALNUM_LENGTH = 32;

/**
 * Raised whenever the same text would give other terms, so that snapshots made before are
 * rebuilt (it is part of the lexicon's fingerprint). 2: months and days of undated articles.
 */
export const TERMS_VERSION = 2;

/**
 * The word tokens of a text as parallel lists, not an object per word: an article has hundreds of
 * words, and indexing made millions of short-lived objects. Chinese words are strings shared with
 * the dictionary (see segmenter.ts), so a token costs two array slots.
 */
export class Tokens {
  /** Each word, in text order. */
  readonly texts: string[] = [];
  /** Where each word starts in the folded text. */
  readonly starts: number[] = [];

  get length(): number {
    return this.texts.length;
  }

  end(i: number): number {
    return this.starts[i]! + this.texts[i]!.length;
  }

  /** Whether the word is Chinese (otherwise Latin letters and digits). */
  han(i: number): boolean {
    return isHan(this.texts[i]!.charCodeAt(0));
  }
}

/** Word tokens of folded text with their offsets; punctuation and spaces are dropped. */
export function tokensOf(folded: string, dictionary: Dictionary): Tokens {
  const tokens = new Tokens();
  const { texts, starts } = tokens;
  const length = folded.length;
  let i = 0;
  while (i < length) {
    const code = folded.charCodeAt(i);
    if (isHan(code)) {
      let end = i + 1;
      while (end < length && isHan(folded.charCodeAt(end))) end++;
      dictionary.appendWords(folded, i, end, texts, starts);
      i = end;
    } else if (isAlnum(code)) {
      let end = i + 1;
      while (end < length && isAlnum(folded.charCodeAt(end))) end++;
      texts.push(folded.slice(i, end));
      starts.push(i);
      i = end;
    } else {
      i++;
    }
  }
  return tokens;
}

// The neighbours of a token are looked at by index, so the checks below take indexes that may fall
// one outside the list.
function isSingle(tokens: Tokens, i: number): boolean {
  if (i < 0 || i >= tokens.length) return false;
  const text = tokens.texts[i]!;
  return text.length === 1 && tokens.han(i) && !STOP_CHARS.has(text);
}

function adjacent(tokens: Tokens, left: number, right: number): boolean {
  return (
    left >= 0 &&
    right < tokens.length &&
    tokens.end(left) === tokens.starts[right] &&
    tokens.han(left) &&
    tokens.han(right)
  );
}

/** Whether the token at `i` is a single character inside a run of two or more. */
function inRun(tokens: Tokens, i: number): boolean {
  return (
    isSingle(tokens, i) &&
    ((isSingle(tokens, i - 1) && adjacent(tokens, i - 1, i)) ||
      (isSingle(tokens, i + 1) && adjacent(tokens, i, i + 1)))
  );
}

export type TermRole = "word" | "part" | "bigram" | "bridge";

/** Calls `emit` for each term the token at `i` contributes. */
export function tokenTerms(
  tokens: Tokens,
  i: number,
  dictionary: Dictionary,
  emit: (term: string, role: TermRole) => void,
): void {
  const text = tokens.texts[i]!;
  if (!tokens.han(i)) {
    if (text.length <= MAX_ALNUM_LENGTH) emit(text, "word");
    return;
  }
  if (text.length >= 2) {
    if (INDEX_STOP_WORDS.has(text)) return;
    emit(text, "word");
    if (text.length >= 3) for (const part of dictionary.subwords(text)) emit(part, "part");
    return;
  }
  if (!isSingle(tokens, i)) return;
  if (inRun(tokens, i)) {
    if (isSingle(tokens, i + 1) && adjacent(tokens, i, i + 1)) emit(text + tokens.texts[i + 1]!, "bigram");
    return;
  }
  if (adjacent(tokens, i - 1, i)) {
    const previous = tokens.texts[i - 1]!;
    const last = characterString(previous.charCodeAt(previous.length - 1));
    if (!STOP_CHARS.has(last)) emit(last + text, "bridge");
  }
  if (adjacent(tokens, i, i + 1)) {
    const first = characterString(tokens.texts[i + 1]!.charCodeAt(0));
    if (!STOP_CHARS.has(first)) emit(text + first, "bridge");
  }
}

/**
 * Terms of a document field. `contextYear` dates 5月16日 in the year the article appeared; without
 * it, the month and day are indexed without a year.
 */
export function documentTerms(text: string, dictionary: Dictionary, contextYear?: number): string[] {
  const folded = fold(text);
  const tokens = tokensOf(folded, dictionary);
  const terms: string[] = [];
  const push = (term: string): void => {
    terms.push(term);
  };
  for (let i = 0; i < tokens.length; i++) tokenTerms(tokens, i, dictionary, push);
  for (const mention of findDates(folded, contextYear)) terms.push(...mentionTerms(mention));
  if (contextYear === undefined)
    for (const monthDay of findMonthDays(folded)) terms.push(...monthDayTerms(monthDay));
  return terms;
}

/**
 * The terms that stand for a word or phrase written on its own (a synonym, an abbreviation):
 * its words, or the bigrams of characters the dictionary does not know.
 */
export function phraseTerms(phrase: string, dictionary: Dictionary): string[] {
  const tokens = tokensOf(fold(phrase), dictionary);
  const terms = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    tokenTerms(tokens, i, dictionary, (term, role) => {
      if (role !== "part") terms.add(term);
    });
  }
  if (terms.size === 0 && tokens.length === 1 && tokens.han(0)) terms.add(tokens.texts[0]!);
  return [...terms];
}
