/**
 * Inverted lists of a growing index. A posting is one number, `doc * 256 + min(tf, 255)`.
 *
 * Lists live in one packed `Uint32Array` (the base) plus a small array per term for postings
 * added since the last compaction (the tail). Compaction merges tails into a new base and drops
 * postings of removed documents; it runs when the tails outgrow the base, so each posting is
 * copied a constant number of times on average. One typed array for millions of postings costs a
 * fraction of a JavaScript Map or array per term, and a snapshot loads straight into it.
 */

const MIN_TAIL_BEFORE_COMPACTION = 1 << 20;
export const MAX_TF = 255;

export interface PostingList {
  pool: Uint32Array;
  start: number;
  length: number;
  tail: number[] | undefined;
}

const EMPTY_POOL = new Uint32Array(0);

export class PostingStore {
  private termIds = new Map<string, number>();
  private baseStart: number[] = [];
  private baseLength: number[] = [];
  private tails: (number[] | undefined)[] = [];
  private pool: Uint32Array = EMPTY_POOL;
  private tailPostings = 0;

  get termCount(): number {
    return this.termIds.size;
  }

  get postingCount(): number {
    return this.pool.length + this.tailPostings;
  }

  add(term: string, doc: number, tf: number): void {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.baseStart.length;
      this.termIds.set(term, id);
      this.baseStart.push(0);
      this.baseLength.push(0);
      this.tails.push(undefined);
    }
    const posting = doc * 256 + Math.min(tf, MAX_TF);
    const tail = this.tails[id];
    if (tail) tail.push(posting);
    else this.tails[id] = [posting];
    this.tailPostings++;
  }

  /** Number of postings of a term, those of removed documents included until compaction. */
  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    if (id === undefined) return 0;
    return (this.baseLength[id] ?? 0) + (this.tails[id]?.length ?? 0);
  }

  get(term: string): PostingList | undefined {
    const id = this.termIds.get(term);
    if (id === undefined) return undefined;
    return {
      pool: this.pool,
      start: this.baseStart[id] ?? 0,
      length: this.baseLength[id] ?? 0,
      tail: this.tails[id],
    };
  }

  needsCompaction(): boolean {
    return this.tailPostings > Math.max(MIN_TAIL_BEFORE_COMPACTION, this.pool.length);
  }

  /** Merges tails into the base, keeping only postings whose document is still live. */
  compact(isLive: (doc: number) => boolean): void {
    let total = 0;
    for (let id = 0; id < this.baseStart.length; id++)
      total += (this.baseLength[id] ?? 0) + (this.tails[id]?.length ?? 0);
    const pool = new Uint32Array(total);
    const termIds = new Map<string, number>();
    const baseStart: number[] = [];
    const baseLength: number[] = [];
    let cursor = 0;
    for (const [term, id] of this.termIds) {
      const first = cursor;
      const start = this.baseStart[id] ?? 0;
      const end = start + (this.baseLength[id] ?? 0);
      for (let k = start; k < end; k++) {
        const posting = this.pool[k]!;
        if (isLive(posting >>> 8)) pool[cursor++] = posting;
      }
      for (const posting of this.tails[id] ?? []) if (isLive(posting >>> 8)) pool[cursor++] = posting;
      if (cursor === first) continue;
      termIds.set(term, baseStart.length);
      baseStart.push(first);
      baseLength.push(cursor - first);
    }
    this.pool = cursor === total ? pool : pool.slice(0, cursor);
    this.termIds = termIds;
    this.baseStart = baseStart;
    this.baseLength = baseLength;
    this.tails = new Array<undefined>(baseStart.length).fill(undefined);
    this.tailPostings = 0;
  }

  /** Terms and their lists in base order; call after `compact`. */
  *entries(): Generator<[string, Uint32Array]> {
    for (const [term, id] of this.termIds) {
      const start = this.baseStart[id] ?? 0;
      yield [term, this.pool.subarray(start, start + (this.baseLength[id] ?? 0))];
    }
  }

  /** Rebuilds a store from a snapshot: the terms in order and one pool of their lists. */
  static fromBase(terms: string[], lengths: ArrayLike<number>, pool: Uint32Array): PostingStore {
    const store = new PostingStore();
    let cursor = 0;
    for (let id = 0; id < terms.length; id++) {
      store.termIds.set(terms[id]!, id);
      store.baseStart.push(cursor);
      const length = lengths[id] ?? 0;
      store.baseLength.push(length);
      cursor += length;
    }
    store.tails = new Array<undefined>(terms.length).fill(undefined);
    store.pool = pool;
    return store;
  }
}
