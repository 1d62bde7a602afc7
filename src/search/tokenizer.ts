import { findDates, mentionTerms } from "./dates.ts";
import type { Dictionary } from "./segmenter.ts";
import { fold, isAlnum, isHan } from "./normalize.ts";
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

export interface Token {
  text: string;
  start: number;
  end: number;
  han: boolean;
}

/** Word tokens of folded text with their offsets; punctuation and spaces are dropped. */
export function tokensOf(folded: string, dictionary: Dictionary): Token[] {
  const tokens: Token[] = [];
  const length = folded.length;
  let i = 0;
  while (i < length) {
    const code = folded.charCodeAt(i);
    if (isHan(code)) {
      let end = i + 1;
      while (end < length && isHan(folded.charCodeAt(end))) end++;
      let start = i;
      for (const wordLength of dictionary.segmentLengths(folded, i, end)) {
        tokens.push({
          text: folded.slice(start, start + wordLength),
          start,
          end: start + wordLength,
          han: true,
        });
        start += wordLength;
      }
      i = end;
    } else if (isAlnum(code)) {
      let end = i + 1;
      while (end < length && isAlnum(folded.charCodeAt(end))) end++;
      tokens.push({ text: folded.slice(i, end), start: i, end, han: false });
      i = end;
    } else {
      i++;
    }
  }
  return tokens;
}

function isSingle(token: Token | undefined): token is Token {
  return token !== undefined && token.han && token.text.length === 1 && !STOP_CHARS.has(token.text);
}

function adjacent(left: Token | undefined, right: Token | undefined): boolean {
  return left !== undefined && right !== undefined && left.end === right.start && left.han && right.han;
}

/** Whether the token at `i` is a single character inside a run of two or more. */
function inRun(tokens: Token[], i: number): boolean {
  const token = tokens[i];
  return (
    isSingle(token) &&
    ((isSingle(tokens[i - 1]) && adjacent(tokens[i - 1], token)) ||
      (isSingle(tokens[i + 1]) && adjacent(token, tokens[i + 1])))
  );
}

export type TermRole = "word" | "part" | "bigram" | "bridge";

/** Calls `emit` for each term the token at `i` contributes. */
export function tokenTerms(
  tokens: Token[],
  i: number,
  dictionary: Dictionary,
  emit: (term: string, role: TermRole) => void,
): void {
  const token = tokens[i]!;
  const { text } = token;
  if (!token.han) {
    if (text.length <= MAX_ALNUM_LENGTH) emit(text, "word");
    return;
  }
  if (text.length >= 2) {
    if (INDEX_STOP_WORDS.has(text)) return;
    emit(text, "word");
    if (text.length >= 3) for (const part of dictionary.subwords(text)) emit(part, "part");
    return;
  }
  if (!isSingle(token)) return;
  const previous = tokens[i - 1];
  const next = tokens[i + 1];
  if (inRun(tokens, i)) {
    if (isSingle(next) && adjacent(token, next)) emit(text + next.text, "bigram");
    return;
  }
  if (adjacent(previous, token) && !STOP_CHARS.has(previous!.text.slice(-1)))
    emit(previous!.text.slice(-1) + text, "bridge");
  if (adjacent(token, next) && !STOP_CHARS.has(next!.text.slice(0, 1)))
    emit(text + next!.text.slice(0, 1), "bridge");
}

/** Terms of a document field. `contextYear` dates 5月16日 in the year the article appeared. */
export function documentTerms(text: string, dictionary: Dictionary, contextYear?: number): string[] {
  const folded = fold(text);
  const tokens = tokensOf(folded, dictionary);
  const terms: string[] = [];
  const push = (term: string): void => {
    terms.push(term);
  };
  for (let i = 0; i < tokens.length; i++) tokenTerms(tokens, i, dictionary, push);
  for (const mention of findDates(folded, contextYear)) terms.push(...mentionTerms(mention));
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
  if (terms.size === 0 && tokens.length === 1 && tokens[0]!.han) terms.add(tokens[0]!.text);
  return [...terms];
}
