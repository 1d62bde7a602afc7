import { findDates, mentionTerms } from "./dates.ts";
import { fold, isAlnum, isHan } from "./normalize.ts";
import { UNINDEXED_CHARS } from "./stopwords.ts";

/**
 * Index terms of a text: every character bigram of each run of Chinese characters (a lone
 * character stands for itself), each run of Latin letters or digits, and calendar terms for the
 * dates it mentions. Bigrams need no dictionary, so an unknown name or abbreviation (药卓, 朱娜娜)
 * is found however a query is segmented; queries decide which bigrams belong together.
 */

const MAX_ALNUM_LENGTH = 32;

export interface TermCounts {
  counts: Map<string, number>;
  /** Number of term occurrences, the field length for BM25. */
  length: number;
}

function add(counts: Map<string, number>, term: string): void {
  counts.set(term, (counts.get(term) ?? 0) + 1);
}

/** Calls `emit` for each term occurrence in already folded text. */
export function forEachTerm(folded: string, emit: (term: string) => void): void {
  const length = folded.length;
  let i = 0;
  while (i < length) {
    const code = folded.charCodeAt(i);
    if (isHan(code)) {
      let end = i + 1;
      while (end < length && isHan(folded.charCodeAt(end))) end++;
      if (end - i === 1) {
        if (!UNINDEXED_CHARS.has(code)) emit(folded[i]!);
      } else {
        for (let k = i; k + 1 < end; k++) {
          if (UNINDEXED_CHARS.has(folded.charCodeAt(k)) || UNINDEXED_CHARS.has(folded.charCodeAt(k + 1)))
            continue;
          emit(folded.slice(k, k + 2));
        }
      }
      i = end;
    } else if (isAlnum(code)) {
      let end = i + 1;
      while (end < length && isAlnum(folded.charCodeAt(end))) end++;
      if (end - i <= MAX_ALNUM_LENGTH) emit(folded.slice(i, end));
      i = end;
    } else {
      i++;
    }
  }
}

/** Terms of a document field. `contextYear` dates 5月16日 in the year the article appeared. */
export function countTerms(text: string, contextYear?: number): TermCounts {
  const folded = fold(text);
  const counts = new Map<string, number>();
  let length = 0;
  forEachTerm(folded, (term) => {
    add(counts, term);
    length++;
  });
  for (const mention of findDates(folded, contextYear)) {
    for (const term of mentionTerms(mention)) add(counts, term);
  }
  return { counts, length };
}

/** Distinct terms of already folded text, in order of first appearance. */
export function termsOf(folded: string): string[] {
  const seen = new Set<string>();
  forEachTerm(folded, (term) => seen.add(term));
  return [...seen];
}
