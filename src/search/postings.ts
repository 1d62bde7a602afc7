import type MiniSearch from "minisearch";
import type { AsPlainObject } from "minisearch";
import type { IndexReader } from "./evaluate.ts";
import { SnapshotError, decodeTerms, decodeUint32, encodeTerms, encodeUint32 } from "./snapshot.ts";

/**
 * MiniSearch's postings in binary, for snapshots. Its own `toJSON`/`loadJS` spell every posting as
 * a JSON property ("4711": 1) that loading parses, lists with Object.keys and turns back into a
 * number: most of the load time of a large index. Here postings are numbers in typed arrays, put
 * straight into MiniSearch's term map (the protected `_index`, the same one `loadJS` fills).
 *
 * Layout: the terms, in order; per term u32 field count, then per field u32 field id, u32 posting
 * count n, n u32 short document ids; and the term frequencies of all postings, one byte each.
 */

type Postings = Map<number, Map<number, number>>;

interface TermMap {
  get(term: string): Postings | undefined;
  set(term: string, postings: Postings): unknown;
  fetch(term: string, initial: () => Postings): Postings;
  entries(): Iterable<[string, Postings]>;
}

const MAX_STORED_FREQUENCY = 255;

function termMapOf<T>(index: MiniSearch<T>): TermMap {
  const termMap = (index as unknown as { _index?: Partial<TermMap> })._index;
  if (
    typeof termMap?.get !== "function" ||
    typeof termMap.set !== "function" ||
    typeof termMap.fetch !== "function" ||
    typeof termMap.entries !== "function"
  ) {
    throw new Error("MiniSearch no longer keeps its postings in _index: update postings.ts");
  }
  return termMap as TermMap;
}

export interface EncodedPostings {
  terms: Uint8Array;
  numbers: Uint8Array;
  frequencies: Uint8Array;
}

export function encodePostings<T>(index: MiniSearch<T>): EncodedPostings {
  const entries = [...termMapOf(index).entries()];
  let numberCount = 0;
  let postingCount = 0;
  for (const [, fields] of entries) {
    numberCount += 1;
    for (const documents of fields.values()) {
      numberCount += 2 + documents.size;
      postingCount += documents.size;
    }
  }
  const numbers = new Uint32Array(numberCount);
  const frequencies = new Uint8Array(postingCount);
  let at = 0;
  let posting = 0;
  for (const [, fields] of entries) {
    numbers[at++] = fields.size;
    for (const [fieldId, documents] of fields) {
      numbers[at++] = fieldId;
      numbers[at++] = documents.size;
      for (const [documentId, frequency] of documents) {
        numbers[at++] = documentId;
        frequencies[posting++] = Math.min(frequency, MAX_STORED_FREQUENCY);
      }
    }
  }
  return {
    terms: encodeTerms(entries.map(([term]) => term)),
    numbers: encodeUint32(numbers),
    frequencies,
  };
}

/** Fills the term map of an index loaded without postings. */
export function restorePostings<T>(index: MiniSearch<T>, encoded: EncodedPostings): void {
  const termMap = termMapOf(index);
  const terms = decodeTerms(encoded.terms);
  const numbers = decodeUint32(encoded.numbers);
  const { frequencies } = encoded;
  const malformed = (): never => {
    throw new SnapshotError("corrupt", "postings are malformed");
  };
  let at = 0;
  let posting = 0;
  for (const term of terms) {
    if (at >= numbers.length) malformed();
    const fieldCount = numbers[at++]!;
    const fields: Postings = new Map();
    for (let f = 0; f < fieldCount; f++) {
      if (at + 2 > numbers.length) malformed();
      const fieldId = numbers[at++]!;
      const count = numbers[at++]!;
      if (at + count > numbers.length || posting + count > frequencies.length) malformed();
      const documents = new Map<number, number>();
      for (let k = 0; k < count; k++) documents.set(numbers[at++]!, frequencies[posting++]!);
      fields.set(fieldId, documents);
    }
    termMap.set(term, fields);
  }
  if (at !== numbers.length || posting !== frequencies.length) malformed();
}

/**
 * A term as the engine hands it to MiniSearch's `add` (one object per distinct term, so that
 * MiniSearch's per-field Set still counts distinct terms): its spelling in the index, and its
 * postings once looked up.
 */
export interface TermHandle {
  readonly encoded: string;
  postings?: Postings;
  /** Which term map `postings` came from; see `cacheTermLookups`. */
  generation?: number;
}

type AddTerm = (fieldId: number, documentId: number, term: TermHandle) => void;

/**
 * Makes MiniSearch's `add` take TermHandles and find a term's postings through the handle instead
 * of a walk down its radix tree, which scans up to sixteen children per level for every
 * occurrence of every term: most of the indexing time. Postings are updated as MiniSearch's own
 * `addTerm` does. A handle's postings go stale only when MiniSearch drops the term from its tree,
 * which it does once the term has no postings left (vacuum, remove) or with the whole tree
 * (removeAll); both are checked before use.
 */
export function cacheTermLookups<T>(index: MiniSearch<T>): void {
  const target = index as unknown as { addTerm?: AddTerm; _index?: unknown };
  if (typeof target.addTerm !== "function") {
    throw new Error("MiniSearch no longer adds postings through addTerm: update postings.ts");
  }
  let termMap = termMapOf(index);
  let generation = 0;
  const addTerm: AddTerm = (fieldId, documentId, term) => {
    if (target._index !== termMap) {
      termMap = termMapOf(index);
      generation++;
    }
    let fields = term.postings;
    if (fields === undefined || fields.size === 0 || term.generation !== generation) {
      fields = termMap.fetch(term.encoded, () => new Map());
      term.postings = fields;
      term.generation = generation;
    }
    const documents = fields.get(fieldId);
    if (documents === undefined) fields.set(fieldId, new Map([[documentId, 1]]));
    else documents.set(documentId, (documents.get(documentId) ?? 0) + 1);
  };
  target.addTerm = addTerm;
}

/**
 * MiniSearch's `toJSON` without its postings (which `encodePostings` writes): it would spell every
 * posting as a JSON property only to be thrown away. The term map is swapped for an empty one of
 * the same class for the duration of the synchronous call.
 */
export function plainWithoutPostings<T>(index: MiniSearch<T>): AsPlainObject {
  const target = index as unknown as { _index: TermMap };
  const termMap = termMapOf(index);
  const Empty = termMap.constructor as new () => TermMap;
  target._index = new Empty();
  try {
    return index.toJSON();
  } finally {
    target._index = termMap;
  }
}

interface DocumentTables {
  _index: TermMap;
  _documentCount: number;
  _nextId: number;
  _documentIds: Map<number, unknown>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _storedFields: Map<number, unknown>;
  _fieldIds: Record<string, number>;
}

/**
 * Read access to MiniSearch's postings and document tables, for our own query evaluation (see
 * evaluate.ts). Tables are looked up on every call: MiniSearch replaces them in `removeAll`.
 */
export function readerOf<T>(index: MiniSearch<T>): IndexReader & {
  fieldId(field: string): number;
  storedFields(shortId: number): unknown;
  idOf(shortId: number): unknown;
  shortIds(): Iterable<number>;
} {
  const tables = index as unknown as DocumentTables;
  if (
    typeof tables._nextId !== "number" ||
    !(tables._documentIds instanceof Map) ||
    !(tables._fieldLength instanceof Map) ||
    !Array.isArray(tables._avgFieldLength) ||
    !(tables._storedFields instanceof Map) ||
    typeof tables._fieldIds !== "object"
  ) {
    throw new Error("MiniSearch's document tables changed: update postings.ts");
  }
  termMapOf(index);
  return {
    get documentCount() {
      return tables._documentCount;
    },
    get idLimit() {
      return tables._nextId;
    },
    get hasDiscarded() {
      return index.dirtCount > 0;
    },
    postings: (term, fieldId) => tables._index.get(term)?.get(fieldId),
    fieldLengths: (shortId) => tables._fieldLength.get(shortId),
    averageFieldLength: (fieldId) => tables._avgFieldLength[fieldId] ?? 1,
    isLive: (shortId) => tables._documentIds.has(shortId),
    fieldId: (field) => {
      const id = tables._fieldIds[field];
      if (id === undefined) throw new Error(`no field ${field} in the index`);
      return id;
    },
    storedFields: (shortId) => tables._storedFields.get(shortId),
    idOf: (shortId) => tables._documentIds.get(shortId),
    shortIds: () => tables._documentIds.keys(),
  };
}
