/**
 * Query evaluation over the index's postings. Scores are MiniSearch's own (BM25 with its
 * defaults, field boosts, summed over the query's terms and multiplied by how many distinct terms
 * matched), but they are computed only for candidate documents, found by walking the shortest
 * posting lists and probing the others: MiniSearch's `search` makes a result entry for every
 * posting of every term, which is what made a query with a frequent word slow on a large index.
 */

/** Read access to the postings and document statistics of an index. */
export interface IndexReader {
  readonly documentCount: number;
  /** Short ids are below this. */
  readonly idLimit: number;
  /** Whether some documents were removed or replaced since the last vacuum. */
  readonly hasDiscarded: boolean;
  /** Documents with `term` in a field, as short id → term frequency. */
  postings(term: string, fieldId: number): ReadonlyMap<number, number> | undefined;
  /** Length of each field of a document, by field id. */
  fieldLengths(shortId: number): readonly number[] | undefined;
  averageFieldLength(fieldId: number): number;
  /** False once a document is removed or replaced (its postings linger until a vacuum). */
  isLive(shortId: number): boolean;
}

export interface FieldWeight {
  fieldId: number;
  boost: number;
}

/** A spelling of a concept: every one of its terms, in any of the fields. */
export interface AlternativeSpec {
  terms: string[];
  fields: FieldWeight[];
}

/** One thing the query asks about: any of its alternatives. */
export type ConceptSpec = AlternativeSpec[];

export interface Scored {
  shortId: number;
  score: number;
  /** The distinct query terms it matched, one bit each (see `matchedTerms`). */
  terms: number;
}

/** Whether a document passes the query's filters; absent when there are none. */
export type Accept = ((shortId: number) => boolean) | undefined;

export interface Evaluator {
  /** Documents matching every concept (some alternative of each, with all its terms). */
  strict(accept: Accept): Scored[];
  /**
   * Documents with any term of the query, scored as an OR of all terms; the candidates are the
   * documents that the `seeds` (indexes of concepts) reach, chosen by `bound` when many.
   */
  loose(
    seeds: number[],
    accept: Accept,
    bound: (candidates: number[], titled: (shortId: number) => boolean) => Iterable<number>,
  ): Scored[];
  /** The distinct query terms a match has, as `strict` or `loose` counted them. */
  matchedTerms(match: Scored, strict: boolean): string[];
}

/** Integers up to 2^53 are exact in a double. */
const MAX_BITS = 53;

/** MiniSearch's defaults. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

interface Lane {
  postings: ReadonlyMap<number, number>;
  fieldId: number;
  /** idf × field boost. */
  weight: number;
  averageLength: number;
}

interface CompiledTerm {
  /** Index among the query's distinct terms. */
  index: number;
  lanes: Lane[];
  /** Postings over all its fields: an upper bound of the documents it matches. */
  size: number;
}

type CompiledAlternative = CompiledTerm[];
type CompiledConcept = CompiledAlternative[];

/**
 * `titleField` is the field whose matches put a candidate first when there are too many;
 * `optional` holds the indexes of the concepts that score but are not required.
 */
export function createEvaluator(
  reader: IndexReader,
  concepts: ConceptSpec[],
  titleField: number,
  optional: ReadonlySet<number> = new Set(),
): Evaluator {
  const documents = reader.documentCount;
  const distinctTerms: string[] = [];
  const compileTerm = (term: string, fields: FieldWeight[]): CompiledTerm => {
    let index = distinctTerms.indexOf(term);
    if (index < 0) index = distinctTerms.push(term) - 1;
    const lanes: Lane[] = [];
    let size = 0;
    for (const { fieldId, boost } of fields) {
      const postings = reader.postings(term, fieldId);
      if (!postings || postings.size === 0) continue;
      const idf = Math.log(1 + (documents - postings.size + 0.5) / (postings.size + 0.5));
      lanes.push({
        postings,
        fieldId,
        weight: idf * boost,
        averageLength: reader.averageFieldLength(fieldId),
      });
      size += postings.size;
    }
    return { index, lanes, size };
  };
  const compiled: CompiledConcept[] = concepts.map((alternatives) =>
    alternatives.map(({ terms, fields }) => terms.map((term) => compileTerm(term, fields))),
  );
  // Which distinct terms the document being scored matched: a stamp per term, so that nothing is
  // allocated per document.
  const matchedStamp = new Int32Array(distinctTerms.length);
  let stamp = 0;

  const termScore = (shortId: number, lengths: readonly number[], term: CompiledTerm): number => {
    let score = 0;
    for (const lane of term.lanes) {
      const frequency = lane.postings.get(shortId);
      if (frequency === undefined) continue;
      const length = lengths[lane.fieldId] ?? 0;
      const saturation =
        (frequency * (BM25.k + 1)) /
        (frequency + BM25.k * (1 - BM25.b + (BM25.b * length) / lane.averageLength));
      score += lane.weight * (BM25.d + saturation);
    }
    return score;
  };

  // A match's terms are kept as bits of a number, exact for up to 53 terms; a longer query has
  // them found again when asked for.
  const termsFitBits = distinctTerms.length <= MAX_BITS;
  let matched = 0;
  let matchedBits = 0;
  let collected: string[] | undefined;
  const count = (term: CompiledTerm): void => {
    if (matchedStamp[term.index] === stamp) return;
    matchedStamp[term.index] = stamp;
    matched++;
    if (termsFitBits) matchedBits += 2 ** term.index;
    collected?.push(distinctTerms[term.index]!);
  };

  /** The document's score, 0 when it does not match; its terms are left in `matchedBits`. */
  const scoreOf = (shortId: number, strict: boolean): number => {
    const lengths = reader.fieldLengths(shortId);
    if (!lengths) return 0;
    stamp++;
    matched = 0;
    matchedBits = 0;
    let total = 0;
    for (const [conceptIndex, alternatives] of compiled.entries()) {
      let conceptMatched = false;
      for (const alternative of alternatives) {
        if (strict) {
          let sum = 0;
          for (const term of alternative) {
            const score = termScore(shortId, lengths, term);
            if (score === 0) {
              sum = 0;
              break;
            }
            sum += score;
          }
          if (sum === 0) continue;
          conceptMatched = true;
          total += sum;
          for (const term of alternative) count(term);
        } else {
          for (const term of alternative) {
            const score = termScore(shortId, lengths, term);
            if (score === 0) continue;
            total += score;
            count(term);
          }
        }
      }
      if (strict && !conceptMatched && !optional.has(conceptIndex)) return 0;
    }
    return total * matched;
  };

  const collect = (candidates: Iterable<number>, strict: boolean, accept: Accept): Scored[] => {
    const checkLive = reader.hasDiscarded;
    const found: Scored[] = [];
    for (const shortId of candidates) {
      if (checkLive && !reader.isLive(shortId)) continue;
      // Filters first: a stored-field lookup costs less than probing every query term.
      if (accept !== undefined && !accept(shortId)) continue;
      const score = scoreOf(shortId, strict);
      if (score > 0) found.push({ shortId, score, terms: matchedBits });
    }
    return found;
  };

  const strict = (accept: Accept): Scored[] => {
    // An alternative matches only documents its rarest term is in; the concept whose alternatives
    // reach the fewest documents gives the candidates.
    let narrowest: CompiledTerm[] | undefined;
    let narrowestSize = Infinity;
    for (const [conceptIndex, alternatives] of compiled.entries()) {
      if (optional.has(conceptIndex)) continue;
      const reach = alternatives.flatMap((alternative) => {
        const rarest = alternative.reduce<CompiledTerm | undefined>(
          (best, term) => (best === undefined || term.size < best.size ? term : best),
          undefined,
        );
        return rarest ?? [];
      });
      const size = reach.reduce((sum, term) => sum + term.size, 0);
      if (size < narrowestSize) {
        narrowest = reach;
        narrowestSize = size;
      }
    }
    if (!narrowest || narrowestSize === 0) return [];
    return collect(documentsOf(narrowest, reader.idLimit), true, accept);
  };

  const loose: Evaluator["loose"] = (seeds, accept, bound) => {
    const seedTerms = seeds.flatMap((index) => compiled[index]?.flat() ?? []);
    const titled = (shortId: number): boolean =>
      seedTerms.some((term) =>
        term.lanes.some((lane) => lane.fieldId === titleField && lane.postings.has(shortId)),
      );
    return collect(bound(documentsOf(seedTerms, reader.idLimit), titled), false, accept);
  };

  const matchedTerms = (match: Scored, strictly: boolean): string[] => {
    if (termsFitBits)
      return distinctTerms.filter((_, index) => Math.floor(match.terms / 2 ** index) % 2 === 1);
    const terms: string[] = [];
    collected = terms;
    scoreOf(match.shortId, strictly);
    collected = undefined;
    return terms;
  };

  return { strict, loose, matchedTerms };
}

/** The documents in any posting list of the terms, each once. */
function documentsOf(terms: CompiledTerm[], idLimit: number): number[] {
  const lanes = terms.flatMap((term) => term.lanes);
  const only = lanes.length === 1 ? lanes[0] : undefined;
  if (only) return [...only.postings.keys()];
  const seen = new Uint8Array(idLimit);
  const found: number[] = [];
  for (const lane of lanes) {
    for (const shortId of lane.postings.keys()) {
      if (seen[shortId] === 1) continue;
      seen[shortId] = 1;
      found.push(shortId);
    }
  }
  return found;
}
