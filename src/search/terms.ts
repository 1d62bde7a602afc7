/** How terms reach MiniSearch. */

const HEX_CACHE_LIMIT = 200_000;
const hexCache = new Map<string, string>();

/**
 * MiniSearch keeps terms in a radix tree whose nodes scan their children one by one; thousands of
 * distinct Chinese first characters make the root that wide. Spelled in hex, every node has at
 * most sixteen children.
 */
export function encodeTerm(term: string): string {
  if (!term) return term;
  let ascii = true;
  for (let i = 0; i < term.length && ascii; i++) ascii = term.charCodeAt(i) < 0x80;
  if (ascii) return term;
  let encoded = hexCache.get(term);
  if (encoded === undefined) {
    encoded = "~";
    for (let i = 0; i < term.length; i++) encoded += term.charCodeAt(i).toString(16).padStart(4, "0");
    if (hexCache.size >= HEX_CACHE_LIMIT) hexCache.clear();
    hexCache.set(term, encoded);
  }
  return encoded;
}

/** Term frequency beyond which more occurrences add little under BM25 (k = 1.2) but cost index work. */
export const MAX_TERM_FREQUENCY = 2;

export function countTerms(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
