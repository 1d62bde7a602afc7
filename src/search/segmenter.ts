import { characterString } from "./normalize.ts";

/**
 * Dictionary word segmentation by reverse maximum matching: from the end of a run backwards, the
 * longest dictionary word ending at each position wins, and a character that ends no word stands
 * alone. (Reverse matching errs less than forward matching on Chinese: 40余人参加 → 人/参加, not
 * 人参/加.) Unknown names and abbreviations therefore come out as single characters, the same way
 * in an article and in a query, and the tokenizer turns those into bigrams.
 *
 * The dictionary is a trie of reversed words laid out as a double array: the children of a node
 * sit at the node's base plus their character id, and each cell records its parent, so a step down
 * the trie is an addition and a comparison in one typed array. The trie is walked several times per
 * character of every article; this segments about 40% faster than the open-addressing hash table
 * from (node, character) to child that it replaced, which probed two arrays larger than the
 * processor's cache. Characters are numbered densely (a dictionary uses a few thousand).
 * Each node that ends a word keeps the word itself, so that segmenting hands out the dictionary's
 * own strings instead of cutting a new one for every word of every article.
 */
export interface Dictionary {
  /**
   * Cuts the run of Chinese characters `text[start, end)` into words: appends each word to `words`
   * and its offset to `starts`. The words are the dictionary's own strings (see characterString
   * for single characters), not new ones.
   */
  appendWords(text: string, start: number, end: number, words: string[], starts: number[]): void;
  /** Dictionary words inside a longer word (党史学习教育 → 党史, 学习, 教育, 学习教育); a shared list, not to be changed. */
  subwords(word: string): string[];
}

const MAX_WORD_LENGTH = 8;
const SUBWORD_CACHE_LIMIT = 100_000;

// A cell of the double array holds the base of the node's children, the node's parent (-1 for a
// free cell) and the length of the word the node ends (0 for none), side by side: one step down
// the trie reads one place in memory.
const CELL = 3;
const BASE = 0;
const PARENT = 1;
const LENGTH = 2;
// See layOut: bounds on the search for a base, which otherwise took seconds.
const FEW_CHILDREN = 2;
const CROWDED_TRIES = 64;

interface TrieNode {
  children: Map<number, TrieNode>;
  word: string;
  /** Where the node sits in the double array, and where its children start. */
  cell: number;
  base: number;
}

const trieNode = (): TrieNode => ({ children: new Map(), word: "", cell: 0, base: 0 });

/** The trie of the reversed words, its nodes listed parents first. */
function reversedTrie(words: Set<string>, charIds: Uint16Array): TrieNode[] {
  const root = trieNode();
  const nodes = [root];
  for (const word of words) {
    let node = root;
    for (let i = word.length - 1; i >= 0; i--) {
      const id = charIds[word.charCodeAt(i)]!;
      let child = node.children.get(id);
      if (child === undefined) {
        child = trieNode();
        node.children.set(id, child);
        nodes.push(child);
      }
      node = child;
    }
    node.word = word;
  }
  return nodes;
}

interface DoubleArray {
  cells: Int32Array;
  /** The word each cell's node ends, "" for none. */
  wordAt: string[];
}

/**
 * Places the children of each node at the lowest base where they all find free cells, the root in
 * cell 0. Nodes with the most children go first, while the array is still empty: placed in trie
 * order, the wide ones searched long among the narrow ones and building took seconds. The array is
 * long enough that any base plus any character id stays inside it, so a walk needs no bounds check.
 */
function layOut(nodes: TrieNode[], alphabetSize: number): DoubleArray {
  const taken: boolean[] = [true];
  // From a taken cell, a later cell to look from for a free one; shortened as cells fill, so that
  // the search skips the crowded start of the array at once.
  const onward: number[] = [1];
  const isFree = (cell: number): boolean => cell >= taken.length || !taken[cell];
  const freeFrom = (cell: number): number => {
    let free = cell;
    while (!isFree(free)) free = onward[free]!;
    for (let step = cell; step !== free;) {
      const later = onward[step]!;
      onward[step] = free;
      step = later;
    }
    return free;
  };
  const take = (cell: number): void => {
    while (taken.length <= cell) {
      taken.push(false);
      onward.push(0);
    }
    taken[cell] = true;
    onward[cell] = cell + 1;
  };
  const widestFirst = nodes
    .filter((node) => node.children.size > 0)
    .sort((a, b) => b.children.size - a.children.size);
  let highestBase = 0;
  let crowdedUpTo = 0;
  for (const node of widestFirst) {
    const ids = [...node.children.keys()].sort((a, b) => a - b);
    // Once a wide node needed many tries, the array up to its base is too crowded for the wide
    // ones after it, which start past it; nodes with few children still fill its holes. When a
    // child's cell is taken, the next base tried is the next one where that cell is free.
    const from = node.children.size > FEW_CHILDREN ? crowdedUpTo : 0;
    let base = freeFrom(from + ids[0]!) - ids[0]!;
    let tries = 0;
    for (let blocker = ids.findIndex((id) => !isFree(base + id)); blocker >= 0; tries++) {
      const id = ids[blocker]!;
      base = freeFrom(base + id + 1) - id;
      blocker = ids.findIndex((other) => !isFree(base + other));
    }
    if (tries > CROWDED_TRIES) crowdedUpTo = base;
    node.base = base;
    highestBase = Math.max(highestBase, base);
    for (const id of ids) {
      take(base + id);
      node.children.get(id)!.cell = base + id;
    }
  }
  const size = Math.max(taken.length, highestBase + alphabetSize);
  const cells = new Int32Array(CELL * size);
  const wordAt = new Array<string>(size).fill("");
  for (let cell = 0; cell < size; cell++) cells[CELL * cell + PARENT] = -1;
  for (const node of nodes) {
    cells[CELL * node.cell + BASE] = node.base;
    cells[CELL * node.cell + LENGTH] = node.word.length;
    wordAt[node.cell] = node.word;
    for (const child of node.children.values()) cells[CELL * child.cell + PARENT] = node.cell;
  }
  return { cells, wordAt };
}

export function createDictionary(words: Iterable<string>): Dictionary {
  const known = new Set<string>();
  const counts = new Map<number, number>();
  for (const word of words) {
    if (word.length < 2 || word.length > MAX_WORD_LENGTH) continue;
    known.add(word);
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
  }
  // Common characters get the small ids: the children of a node then lie close together, and the
  // double array stays dense.
  const charIds = new Uint16Array(0x10000);
  let nextCharId = 1;
  for (const [code] of [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])) charIds[code] = nextCharId++;
  const { cells, wordAt } = layOut(reversedTrie(known, charIds), nextCharId);
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
        const child = cells[CELL * node + BASE]! + id;
        if (cells[CELL * child + PARENT] !== node) break;
        node = child;
        if (cells[CELL * node + LENGTH] !== 0) {
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
        end += cells[CELL * word + LENGTH]!;
      } else {
        words.push(characterString(-word));
        end++;
      }
    }
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
  return { appendWords, subwords };
}
