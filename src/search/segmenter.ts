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

/**
 * The trie of the reversed words, as flat arrays: nodes are numbered parents first (the root is
 * 0), and the children of node n are the entries `childStart[n]` to `childStart[n + 1]` of
 * `childIds` (character ids, ascending) and `children` (node numbers). One map of edges while
 * building, rather than a map per node: a dictionary has hundreds of thousands of nodes.
 */
interface Trie {
  nodeCount: number;
  childStart: Int32Array;
  childIds: Int32Array;
  children: Int32Array;
  /** The word each node ends, "" for none. */
  wordOf: string[];
}

function reversedTrie(words: Set<string>, charIds: Uint16Array, alphabetSize: number): Trie {
  const edges = new Map<number, number>();
  const wordOf: string[] = [""];
  const parentOf: number[] = [0];
  const idOf: number[] = [0];
  for (const word of words) {
    let node = 0;
    for (let i = word.length - 1; i >= 0; i--) {
      const id = charIds[word.charCodeAt(i)]!;
      const key = node * alphabetSize + id;
      let child = edges.get(key);
      if (child === undefined) {
        child = wordOf.push("") - 1;
        parentOf.push(node);
        idOf.push(id);
        edges.set(key, child);
      }
      node = child;
    }
    wordOf[node] = word;
  }
  const nodeCount = wordOf.length;
  const childStart = new Int32Array(nodeCount + 1);
  for (let node = 1; node < nodeCount; node++) childStart[parentOf[node]! + 1]!++;
  for (let node = 0; node < nodeCount; node++) childStart[node + 1]! += childStart[node]!;
  const filled = childStart.slice(0, nodeCount);
  const childIds = new Int32Array(nodeCount - 1);
  const children = new Int32Array(nodeCount - 1);
  // Children in order of character id, so that a node's lowest id is its first: nodes counted
  // out by id (ids are small), then dealt to their parents in that order.
  const idStart = new Int32Array(alphabetSize + 1);
  for (let node = 1; node < nodeCount; node++) idStart[idOf[node]! + 1]!++;
  for (let id = 0; id < alphabetSize; id++) idStart[id + 1]! += idStart[id]!;
  const byId = new Int32Array(nodeCount - 1);
  for (let node = 1; node < nodeCount; node++) byId[idStart[idOf[node]!]!++] = node;
  for (const node of byId) {
    const slot = filled[parentOf[node]!]!++;
    childIds[slot] = idOf[node]!;
    children[slot] = node;
  }
  return { nodeCount, childStart, childIds, children, wordOf };
}

interface DoubleArray {
  cells: Int32Array;
  /** The word each cell's node ends, "" for none. */
  wordAt: string[];
}

/** A growable array of flags and one of cell numbers, for the free-cell search of `layOut`. */
class CellTable {
  taken = new Uint8Array(1024);
  onward = new Int32Array(1024);

  ensure(cell: number): void {
    if (cell < this.taken.length) return;
    let length = this.taken.length;
    while (length <= cell) length *= 2;
    const taken = new Uint8Array(length);
    taken.set(this.taken);
    const onward = new Int32Array(length);
    onward.set(this.onward);
    this.taken = taken;
    this.onward = onward;
  }
}

/**
 * Places the children of each node at the lowest base where they all find free cells, the root in
 * cell 0. Nodes with the most children go first, while the array is still empty: placed in trie
 * order, the wide ones searched long among the narrow ones and building took seconds. The array is
 * long enough that any base plus any character id stays inside it, so a walk needs no bounds check.
 */
function layOut(trie: Trie, alphabetSize: number): DoubleArray {
  const { nodeCount, childStart, childIds, children, wordOf } = trie;
  const table = new CellTable();
  table.taken[0] = 1;
  table.onward[0] = 1;
  let used = 1;
  // From a taken cell, a later cell to look from for a free one; shortened as cells fill, so that
  // the search skips the crowded start of the array at once.
  const isFree = (cell: number): boolean => cell >= used || table.taken[cell] === 0;
  const freeFrom = (cell: number): number => {
    let free = cell;
    while (!isFree(free)) free = table.onward[free]!;
    for (let step = cell; step !== free;) {
      const later = table.onward[step]!;
      table.onward[step] = free;
      step = later;
    }
    return free;
  };
  const take = (cell: number): void => {
    table.ensure(cell + 1);
    used = Math.max(used, cell + 1);
    table.taken[cell] = 1;
    table.onward[cell] = cell + 1;
  };
  const childCount = (node: number): number => childStart[node + 1]! - childStart[node]!;
  const widestFirst = Array.from({ length: nodeCount }, (_, node) => node)
    .filter((node) => childCount(node) > 0)
    .sort((a, b) => childCount(b) - childCount(a));
  const baseOf = new Int32Array(nodeCount);
  const cellOf = new Int32Array(nodeCount);
  let highestBase = 0;
  let crowdedUpTo = 0;
  for (const node of widestFirst) {
    const ids = childIds.subarray(childStart[node], childStart[node + 1]);
    // Once a wide node needed many tries, the array up to its base is too crowded for the wide
    // ones after it, which start past it; nodes with few children still fill its holes. When a
    // child's cell is taken, the next base tried is the next one where that cell is free.
    const from = ids.length > FEW_CHILDREN ? crowdedUpTo : 0;
    let base = freeFrom(from + ids[0]!) - ids[0]!;
    let tries = 0;
    for (let blocker = ids.findIndex((id) => !isFree(base + id)); blocker >= 0; tries++) {
      const id = ids[blocker]!;
      base = freeFrom(base + id + 1) - id;
      blocker = ids.findIndex((other) => !isFree(base + other));
    }
    if (tries > CROWDED_TRIES) crowdedUpTo = base;
    baseOf[node] = base;
    highestBase = Math.max(highestBase, base);
    for (let k = childStart[node]!; k < childStart[node + 1]!; k++) {
      take(base + childIds[k]!);
      cellOf[children[k]!] = base + childIds[k]!;
    }
  }
  const size = Math.max(used, highestBase + alphabetSize);
  const cells = new Int32Array(CELL * size);
  const wordAt = new Array<string>(size).fill("");
  for (let cell = 0; cell < size; cell++) cells[CELL * cell + PARENT] = -1;
  for (let node = 0; node < nodeCount; node++) {
    const cell = cellOf[node]!;
    cells[CELL * cell + BASE] = baseOf[node]!;
    cells[CELL * cell + LENGTH] = wordOf[node]!.length;
    wordAt[cell] = wordOf[node]!;
    for (let k = childStart[node]!; k < childStart[node + 1]!; k++)
      cells[CELL * cellOf[children[k]!]! + PARENT] = cell;
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
  const { cells, wordAt } = layOut(reversedTrie(known, charIds, nextCharId), nextCharId);
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
