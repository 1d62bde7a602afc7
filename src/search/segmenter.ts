import { characterString } from "./normalize.ts";

/**
 * Dictionary word segmentation by reverse maximum matching: from the end of a run backwards, the
 * longest dictionary word ending at each position wins, and a character that ends no word stands
 * alone. (Reverse matching errs less than forward matching on Chinese: 40余人参加 → 人/参加, not
 * 人参/加.) Unknown names and abbreviations therefore come out as single characters, the same way
 * in an article and in a query, and the tokenizer turns those into bigrams.
 *
 * The dictionary is a trie of reversed words stored as one map from (node, character id) to child
 * node. Characters are numbered densely (a dictionary uses a few thousand), so that the keys stay
 * small integers: V8 hashes those far faster than larger numbers, and a lookup allocates nothing.
 * Each node that ends a word keeps the word itself, so that segmenting hands out the dictionary's
 * own strings instead of cutting a new one for every word of every article.
 */
export interface Dictionary {
  /** Cuts a run of Chinese characters into words. */
  segment(run: string): string[];
  /**
   * The same for `text[start, end)`: appends each word to `words` and its offset to `starts`. The
   * words are the dictionary's own strings (see characterString for single characters), not new ones.
   */
  appendWords(text: string, start: number, end: number, words: string[], starts: number[]): void;
  /** Dictionary words inside a longer word (党史学习教育 → 党史, 学习, 教育, 学习教育); a shared list, not to be changed. */
  subwords(word: string): string[];
}

const MAX_WORD_LENGTH = 8;
const SMALL_ALPHABET = 8192;
const SUBWORD_CACHE_LIMIT = 100_000;

/**
 * A read-only hash table of positive integer keys, open addressing in typed arrays: the trie is
 * walked several times per character of every article, and this is several times faster than a
 * Map. Returns -1 for a missing key.
 */
function frozenTable(entries: Map<number, number>): (key: number) => number {
  let bits = 1;
  while (1 << bits < entries.size * 2) bits++;
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  // Keys may pass 2^31 with a large alphabet, so they are kept as doubles; 0 marks a free slot.
  const keys = new Float64Array(mask + 1);
  const values = new Int32Array(mask + 1);
  const slotOf = (key: number): number => Math.imul(key | 0, 0x9e3779b1) >>> shift;
  for (const [key, value] of entries) {
    let slot = slotOf(key);
    while (keys[slot] !== 0) slot = (slot + 1) & mask;
    keys[slot] = key;
    values[slot] = value;
  }
  return (key) => {
    for (let slot = slotOf(key); ; slot = (slot + 1) & mask) {
      const found = keys[slot]!;
      if (found === key) return values[slot]!;
      if (found === 0) return -1;
    }
  };
}

export function createDictionary(words: Iterable<string>): Dictionary {
  const known = new Set<string>();
  const charIds = new Uint16Array(0x10000);
  let nextCharId = 1;
  for (const word of words) {
    if (word.length < 2 || word.length > MAX_WORD_LENGTH) continue;
    known.add(word);
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      if (charIds[code] === 0) charIds[code] = nextCharId++;
    }
  }
  const radix = nextCharId <= SMALL_ALPHABET ? SMALL_ALPHABET : 0x10000;
  const edges = new Map<number, number>();
  const terminal: number[] = [0];
  const wordAt: string[] = [""];
  for (const word of known) {
    let node = 0;
    for (let i = word.length - 1; i >= 0; i--) {
      const key = node * radix + charIds[word.charCodeAt(i)]!;
      let child = edges.get(key);
      if (child === undefined) {
        child = terminal.length;
        terminal.push(0);
        wordAt.push("");
        edges.set(key, child);
      }
      node = child;
    }
    terminal[node] = word.length;
    wordAt[node] = word;
  }
  // The length of the word each node ends, 0 for none.
  const lengthAt = Uint8Array.from(terminal);
  const childOf = frozenTable(edges);
  // Every walk starts at the root, so its children are looked up directly.
  const rootChildOf = new Int32Array(radix).fill(-1);
  for (let id = 1; id < nextCharId; id++) {
    const child = edges.get(id);
    if (child !== undefined) rootChildOf[id] = child;
  }
  // Word ends found from the end of a run backwards, kept between calls: a trie node, or minus
  // the character for a character that ends no word.
  let backwards = new Int32Array(64);
  const appendWords = (text: string, start: number, end: number, words: string[], starts: number[]): void => {
    if (backwards.length < end - start) backwards = new Int32Array(2 * (end - start));
    let count = 0;
    while (end > start) {
      let node = 0;
      let longest = 1;
      let longestNode = -text.charCodeAt(end - 1);
      for (let i = end - 1; i >= start; i--) {
        const id = charIds[text.charCodeAt(i)]!;
        if (id === 0) break;
        const child = node === 0 ? rootChildOf[id]! : childOf(node * radix + id);
        if (child < 0) break;
        node = child;
        if (lengthAt[node] !== 0) {
          longest = end - i;
          longestNode = node;
        }
      }
      backwards[count++] = longestNode;
      end -= longest;
    }
    while (count > 0) {
      const word = backwards[--count]!;
      starts.push(end);
      if (word > 0) {
        words.push(wordAt[word]!);
        end += lengthAt[word]!;
      } else {
        words.push(characterString(-word));
        end++;
      }
    }
  };
  const segment = (run: string): string[] => {
    const words: string[] = [];
    appendWords(run, 0, run.length, words, []);
    return words;
  };
  // Articles repeat their long words; the parts of each are found once.
  const subwordCache = new Map<string, string[]>();
  const subwords = (word: string): string[] => {
    let found = subwordCache.get(word);
    if (found === undefined) {
      found = findSubwords(word);
      if (subwordCache.size >= SUBWORD_CACHE_LIMIT) subwordCache.clear();
      subwordCache.set(word, found);
    }
    return found;
  };
  const findSubwords = (word: string): string[] => {
    const found: string[] = [];
    for (let length = word.length - 1; length >= 2; length--) {
      for (let start = 0; start + length <= word.length; start++) {
        const part = word.slice(start, start + length);
        if (known.has(part)) found.push(part);
      }
    }
    return found;
  };
  return { segment, appendWords, subwords };
}
