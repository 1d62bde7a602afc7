import type { SearchDoc } from "../announcement.ts";
import { DATE_TERM_PREFIX } from "./dates.ts";
import { compileLexicon, type CompiledLexicon } from "./lexicon.ts";
import { fold } from "./normalize.ts";
import { PostingStore, type PostingList } from "./postings.ts";
import { planQuery, schoolTerm, type Alternative, type Concept, type QueryPlan } from "./query.ts";
import {
  SnapshotError,
  decodeJson,
  decodePostings,
  decodeTerms,
  decodeUint32,
  encodeJson,
  encodePostings,
  encodeTerms,
  encodeUint32,
  readSnapshot,
  writeSnapshot,
} from "./snapshot.ts";
import { countTerms } from "./tokenizer.ts";
import type {
  Lexicon,
  ParsedQuery,
  SearchFilters,
  SearchHit,
  SearchIndex,
  SearchOptions,
  SearchResult,
} from "./types.ts";

const TITLE_PREFIX = "\u0002";

/** BM25 saturation and length normalisation; titles are short, so length matters less there. */
const K1 = 1.2;
const B_BODY = 0.75;
const B_TITLE = 0.4;
const TITLE_WEIGHT = 2;
const SCHOOL_WEIGHT = 1.5;
const PROXIMITY_WEIGHT = 0.6;
/** Share of the score that does not depend on how many of the query's concepts a document covers. */
const COVERAGE_FLOOR = 0.1;
const RECENCY_WEIGHT = 0.03;
const RECENCY_DAYS = 365;
/** Concepts in more than this share of documents decide nothing once rarer ones are present. */
const COMMON_IDF = 0.15;
/** Documents covering less than this share of the best coverage are not counted as matches. */
const MATCH_COVERAGE = 0.5;
const DEFAULT_LIMIT = 10;

interface ResolvedFilters {
  sources?: Set<number>;
  school?: number;
  from?: number;
  to?: number;
  /** Documents whose text names the queried year or month pass the date filter too. */
  mentions?: Set<number>;
}

function dayNumber(iso: string): number {
  const value = Number.parseInt(iso.replaceAll("-", "").slice(0, 8), 10);
  return Number.isFinite(value) ? value : 0;
}

function dayToTime(day: number): number {
  return Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100);
}

interface DocTable {
  ids: (string | null)[];
  days: number[];
  sources: number[];
  schools: number[];
  titleLengths: number[];
  bodyLengths: number[];
  sourceNames: string[];
  schoolNames: string[];
}

/** Scratch arrays reused across queries; one set per index, searches are synchronous. */
class Scratch {
  readonly alternativeScore: Float64Array;
  readonly alternativeCover: Float64Array;
  readonly conceptScore: Float64Array;
  readonly conceptCover: Float64Array;
  readonly total: Float64Array;
  readonly cover: Float64Array;
  readonly termStamp: Int32Array;
  readonly mark: Uint8Array;
  stamp = 0;

  constructor(readonly capacity: number) {
    this.alternativeScore = new Float64Array(capacity);
    this.alternativeCover = new Float64Array(capacity);
    this.conceptScore = new Float64Array(capacity);
    this.conceptCover = new Float64Array(capacity);
    this.total = new Float64Array(capacity);
    this.cover = new Float64Array(capacity);
    this.termStamp = new Int32Array(capacity);
    this.mark = new Uint8Array(capacity);
  }
}

const ALTERNATIVE = 1;
const CONCEPT = 2;
const QUERY = 4;

class Engine implements SearchIndex {
  private readonly lexicon: CompiledLexicon;
  private readonly postings: PostingStore;
  private readonly table: DocTable;
  private readonly docOf = new Map<string, number>();
  private readonly sourceIndex = new Map<string, number>();
  private readonly schoolIndex = new Map<string, number>();
  private live = 0;
  private titleLengthSum = 0;
  private bodyLengthSum = 0;
  private latestDay = 0;
  private removedSinceCompaction = 0;
  private scratch = new Scratch(0);

  constructor(lexicon: CompiledLexicon, postings: PostingStore, table: DocTable) {
    this.lexicon = lexicon;
    this.postings = postings;
    this.table = table;
    table.sourceNames.forEach((name, i) => this.sourceIndex.set(name, i));
    table.schoolNames.forEach((name, i) => this.schoolIndex.set(name, i));
    table.ids.forEach((id, doc) => {
      if (id === null) return;
      this.docOf.set(id, doc);
      this.live++;
      this.titleLengthSum += table.titleLengths[doc] ?? 0;
      this.bodyLengthSum += table.bodyLengths[doc] ?? 0;
      this.latestDay = Math.max(this.latestDay, table.days[doc] ?? 0);
    });
  }

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.docOf.has(id);
  }

  private intern(map: Map<string, number>, names: string[], name: string): number {
    let index = map.get(name);
    if (index === undefined) {
      index = names.length;
      names.push(name);
      map.set(name, index);
    }
    return index;
  }

  private canonicalSchool(school: string): string {
    const folded = fold(school.trim());
    return this.lexicon.canonicalOf.get(folded) ?? folded;
  }

  upsert(doc: SearchDoc): void {
    this.remove(doc.id);
    const table = this.table;
    const docNo = table.ids.length;
    const day = dayNumber(doc.date);
    const year = day > 0 ? Math.floor(day / 10000) : undefined;
    const title = countTerms(doc.title, year);
    const body = countTerms(doc.text, year);
    for (const [term, tf] of title.counts) {
      if (term.startsWith(DATE_TERM_PREFIX)) {
        if (!body.counts.has(term)) body.counts.set(term, tf);
      } else {
        this.postings.add(TITLE_PREFIX + term, docNo, tf);
      }
    }
    for (const [term, tf] of body.counts) this.postings.add(term, docNo, tf);
    const school = this.canonicalSchool(doc.school);
    if (school) this.postings.add(schoolTerm(school), docNo, 1);
    table.ids.push(doc.id);
    table.days.push(day);
    table.sources.push(this.intern(this.sourceIndex, table.sourceNames, doc.sourceId));
    table.schools.push(this.intern(this.schoolIndex, table.schoolNames, school));
    table.titleLengths.push(title.length);
    table.bodyLengths.push(body.length);
    this.docOf.set(doc.id, docNo);
    this.live++;
    this.titleLengthSum += title.length;
    this.bodyLengthSum += body.length;
    this.latestDay = Math.max(this.latestDay, day);
    if (this.postings.needsCompaction()) this.compact();
  }

  remove(id: string): void {
    const doc = this.docOf.get(id);
    if (doc === undefined) return;
    this.docOf.delete(id);
    this.table.ids[doc] = null;
    this.live--;
    this.titleLengthSum -= this.table.titleLengths[doc] ?? 0;
    this.bodyLengthSum -= this.table.bodyLengths[doc] ?? 0;
    this.removedSinceCompaction++;
    if (this.removedSinceCompaction > Math.max(1000, this.live / 5)) this.compact();
  }

  private compact(): void {
    const ids = this.table.ids;
    this.postings.compact((doc) => ids[doc] !== null && ids[doc] !== undefined);
    this.removedSinceCompaction = 0;
  }

  private idf(documentFrequency: number): number {
    const n = Math.max(this.live, 1);
    return Math.log(1 + (n - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  private termIdf(term: string): number {
    const frequency = Math.max(
      this.postings.documentFrequency(term),
      this.postings.documentFrequency(TITLE_PREFIX + term),
    );
    return frequency === 0 ? 0 : this.idf(frequency);
  }

  private ensureScratch(): Scratch {
    if (this.scratch.capacity < this.table.ids.length) {
      this.scratch = new Scratch(Math.max(1024, Math.ceil(this.table.ids.length * 1.25)));
    }
    return this.scratch;
  }

  /**
   * Adds a term's BM25 contribution from one field to `score`, and its idf once per document to
   * `cover`, listing each newly touched document in `touched`.
   */
  private scoreList(
    list: PostingList | undefined,
    lengths: number[],
    averageLength: number,
    b: number,
    weight: number,
    idf: number,
    touched: number[],
  ): void {
    if (!list) return;
    const scratch = this.scratch;
    const ids = this.table.ids;
    const stamp = scratch.stamp;
    const visit = (posting: number): void => {
      const doc = posting >>> 8;
      if (ids[doc] === null) return;
      const tf = posting & 0xff;
      const norm = K1 * (1 - b + (b * (lengths[doc] ?? 0)) / averageLength);
      scratch.alternativeScore[doc]! += (weight * idf * tf * (K1 + 1)) / (tf + norm);
      if (scratch.termStamp[doc] !== stamp) {
        scratch.termStamp[doc] = stamp;
        scratch.alternativeCover[doc]! += idf;
      }
      if (!(scratch.mark[doc]! & ALTERNATIVE)) {
        scratch.mark[doc]! |= ALTERNATIVE;
        touched.push(doc);
      }
    };
    const end = list.start + list.length;
    for (let k = list.start; k < end; k++) visit(list.pool[k]!);
    if (list.tail) for (const posting of list.tail) visit(posting);
  }

  /** Scores one alternative into the scratch alternative arrays; returns touched docs and its idf mass. */
  private scoreAlternative(alternative: Alternative, weight: number, touched: number[]): number {
    const scratch = this.scratch;
    const averageTitle = Math.max(this.titleLengthSum / Math.max(this.live, 1), 1);
    const averageBody = Math.max(this.bodyLengthSum / Math.max(this.live, 1), 1);
    let mass = 0;
    for (const term of alternative.terms) {
      scratch.stamp++;
      if (alternative.field === "school") {
        const frequency = this.postings.documentFrequency(term);
        if (frequency === 0) continue;
        const idf = this.idf(frequency);
        mass += idf;
        this.scoreList(
          this.postings.get(term),
          this.table.titleLengths,
          1,
          0,
          weight * SCHOOL_WEIGHT,
          idf,
          touched,
        );
        continue;
      }
      const idf = this.termIdf(term);
      if (idf === 0) continue;
      mass += idf;
      this.scoreList(
        this.postings.get(term),
        this.table.bodyLengths,
        averageBody,
        B_BODY,
        weight,
        idf,
        touched,
      );
      this.scoreList(
        this.postings.get(TITLE_PREFIX + term),
        this.table.titleLengths,
        averageTitle,
        B_TITLE,
        weight * TITLE_WEIGHT,
        idf,
        touched,
      );
    }
    return mass;
  }

  /** Folds one concept into the query totals: best alternative per document. */
  private scoreConcept(concept: Concept, weight: number, queryTouched: number[], scoreWeight = 1): void {
    const scratch = this.scratch;
    const conceptTouched: number[] = [];
    for (const alternative of concept.alternatives) {
      const touched: number[] = [];
      const mass = this.scoreAlternative(alternative, scoreWeight, touched);
      for (const doc of touched) {
        const cover = mass > 0 ? scratch.alternativeCover[doc]! / mass : 0;
        if (scratch.alternativeScore[doc]! > scratch.conceptScore[doc]!)
          scratch.conceptScore[doc] = scratch.alternativeScore[doc]!;
        if (cover > scratch.conceptCover[doc]!) scratch.conceptCover[doc] = cover;
        scratch.alternativeScore[doc] = 0;
        scratch.alternativeCover[doc] = 0;
        scratch.mark[doc]! &= ~ALTERNATIVE;
        if (!(scratch.mark[doc]! & CONCEPT)) {
          scratch.mark[doc]! |= CONCEPT;
          conceptTouched.push(doc);
        }
      }
    }
    for (const doc of conceptTouched) {
      scratch.total[doc]! += scratch.conceptScore[doc]!;
      scratch.cover[doc]! += weight * scratch.conceptCover[doc]!;
      scratch.conceptScore[doc] = 0;
      scratch.conceptCover[doc] = 0;
      scratch.mark[doc]! &= ~CONCEPT;
      if (!(scratch.mark[doc]! & QUERY)) {
        scratch.mark[doc]! |= QUERY;
        queryTouched.push(doc);
      }
    }
  }

  /** How much a concept matters: the mean idf of its own spelling's terms (or best alternative's). */
  private conceptWeight(concept: Concept): number {
    let best = 0;
    for (const alternative of concept.alternatives) {
      let sum = 0;
      let count = 0;
      for (const term of alternative.terms) {
        const idf =
          alternative.field === "school"
            ? this.idf(this.postings.documentFrequency(term) || this.live)
            : this.termIdf(term);
        if (idf > 0) {
          sum += idf;
          count++;
        }
      }
      if (count > 0) best = Math.max(best, sum / count);
    }
    return best;
  }

  private resolveFilters(filters: SearchFilters, plan: QueryPlan): ResolvedFilters {
    const resolved: ResolvedFilters = {};
    if (filters.sourceIds) {
      resolved.sources = new Set(
        filters.sourceIds
          .map((id) => this.sourceIndex.get(id))
          .filter((index): index is number => index !== undefined),
      );
    }
    if (filters.school !== undefined)
      resolved.school = this.schoolIndex.get(this.canonicalSchool(filters.school)) ?? -1;
    if (filters.from !== undefined) resolved.from = dayNumber(filters.from);
    if (filters.to !== undefined) resolved.to = dayNumber(filters.to);
    const calendarTerm = plan.date?.calendarTerm;
    if (calendarTerm !== undefined && filters.from === plan.date?.from && filters.to === plan.date?.to) {
      const mentions = new Set<number>();
      const list = this.postings.get(calendarTerm);
      if (list) {
        for (let k = list.start; k < list.start + list.length; k++) mentions.add(list.pool[k]! >>> 8);
        for (const posting of list.tail ?? []) mentions.add(posting >>> 8);
      }
      resolved.mentions = mentions;
    }
    return resolved;
  }

  private passes(doc: number, filters: ResolvedFilters): boolean {
    const table = this.table;
    if (table.ids[doc] === null) return false;
    if (filters.sources && !filters.sources.has(table.sources[doc]!)) return false;
    if (filters.school !== undefined && table.schools[doc] !== filters.school) return false;
    if (filters.from !== undefined || filters.to !== undefined) {
      const day = table.days[doc]!;
      const inRange =
        (filters.from === undefined || day >= filters.from) &&
        (filters.to === undefined || day <= filters.to);
      if (!inRange && !filters.mentions?.has(doc)) return false;
    }
    return true;
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const now = options.now ?? (this.latestDay > 0 ? new Date(dayToTime(this.latestDay)) : new Date(0));
    const plan = planQuery(query, this.lexicon, { now });
    const filters: SearchFilters = { ...options.filters };
    if (plan.date && filters.from === undefined && filters.to === undefined) {
      filters.from = plan.date.from;
      filters.to = plan.date.to;
    }
    const parsed: ParsedQuery = { raw: query, terms: plan.highlights, filters };
    const resolved = this.resolveFilters(filters, plan);
    const ranked = plan.concepts.length > 0 ? this.rank(plan, resolved, now) : this.browse(resolved, filters);
    const offset = Math.max(0, options.offset ?? 0);
    const limit = Math.max(0, options.limit ?? DEFAULT_LIMIT);
    return { query: parsed, total: ranked.length, hits: ranked.slice(offset, offset + limit) };
  }

  /** A query of filters only (最近一个月的新闻): newest first. */
  private browse(filters: ResolvedFilters, explicit: SearchFilters): SearchHit[] {
    const filtered = Object.keys(explicit).length > 0;
    if (!filtered) return [];
    const docs: number[] = [];
    for (let doc = 0; doc < this.table.ids.length; doc++) if (this.passes(doc, filters)) docs.push(doc);
    docs.sort((a, b) => this.table.days[b]! - this.table.days[a]! || b - a);
    return docs.map((doc) => ({ id: this.table.ids[doc]!, score: 0 }));
  }

  private rank(plan: QueryPlan, filters: ResolvedFilters, now: Date): SearchHit[] {
    const scratch = this.ensureScratch();
    const weighted = plan.concepts.map((concept) => ({ concept, weight: this.conceptWeight(concept) }));
    const informative = weighted.filter(({ weight }) => weight >= COMMON_IDF);
    const used = informative.length > 0 ? informative : weighted;
    const totalWeight = used.reduce((sum, { weight }) => sum + weight, 0);
    const touched: number[] = [];
    for (const { concept, weight } of used) this.scoreConcept(concept, weight, touched);
    for (const term of plan.proximity) {
      this.scoreConcept(
        { text: term, alternatives: [{ text: term, terms: [term], field: "text" }] },
        0,
        touched,
        PROXIMITY_WEIGHT,
      );
    }
    const nowTime = now.getTime();
    const candidates: { doc: number; score: number; coverage: number }[] = [];
    let bestCoverage = 0;
    for (const doc of touched) {
      const coverage = totalWeight > 0 ? scratch.cover[doc]! / totalWeight : 0;
      const relevance = scratch.total[doc]!;
      scratch.total[doc] = 0;
      scratch.cover[doc] = 0;
      scratch.mark[doc] = 0;
      if (coverage <= 0 || !this.passes(doc, filters)) continue;
      const ageDays = Math.max(0, (nowTime - dayToTime(this.table.days[doc]!)) / 86_400_000);
      const recency = Math.exp(-ageDays / RECENCY_DAYS);
      const score =
        relevance *
        (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage * coverage) *
        (1 + RECENCY_WEIGHT * recency);
      candidates.push({ doc, score, coverage });
      bestCoverage = Math.max(bestCoverage, coverage);
    }
    const threshold = bestCoverage * MATCH_COVERAGE;
    return candidates
      .filter((candidate) => candidate.coverage >= threshold)
      .sort((a, b) => b.score - a.score || this.table.days[b.doc]! - this.table.days[a.doc]!)
      .map(({ doc, score }) => ({ id: this.table.ids[doc]!, score }));
  }

  serialize(): Buffer {
    this.compact();
    const entries = [...this.postings.entries()];
    const terms = entries.map(([term]) => term);
    const lengths = entries.map(([, list]) => list.length);
    const totalPostings = lengths.reduce((sum, length) => sum + length, 0);
    return writeSnapshot([
      encodeJson({ fingerprint: this.lexicon.fingerprint }),
      encodeJson(this.table),
      encodeTerms(terms),
      encodeUint32(lengths),
      encodePostings(
        entries.map(([, list]) => list),
        totalPostings,
      ),
    ]);
  }

  static load(snapshot: Buffer, lexicon: CompiledLexicon): Engine {
    const [metaBytes, tableBytes, termBytes, lengthBytes, postingBytes] = readSnapshot(snapshot, 5);
    const meta = decodeJson(metaBytes!) as { fingerprint?: unknown };
    if (meta.fingerprint !== lexicon.fingerprint) {
      throw new SnapshotError("lexicon", "the school names changed since the snapshot was made");
    }
    const table = validateTable(decodeJson(tableBytes!));
    const terms = decodeTerms(termBytes!);
    const lengths = decodeUint32(lengthBytes!);
    if (terms.length !== lengths.length) throw new SnapshotError("corrupt", "term and list counts differ");
    const pool = decodePostings(postingBytes!, lengths);
    const documents = table.ids.length;
    for (const posting of pool) {
      if (posting >>> 8 >= documents)
        throw new SnapshotError("corrupt", "posting refers to an unknown document");
    }
    return new Engine(lexicon, PostingStore.fromBase(terms, lengths, pool), table);
  }
}

function isArrayOf<T>(value: unknown, check: (item: unknown) => item is T): value is T[] {
  return Array.isArray(value) && value.every(check);
}

const isNumber = (item: unknown): item is number => typeof item === "number";
const isString = (item: unknown): item is string => typeof item === "string";
const isIdOrNull = (item: unknown): item is string | null => item === null || typeof item === "string";

function validateTable(value: unknown): DocTable {
  const table = value as Partial<DocTable> | null;
  if (
    !table ||
    !isArrayOf(table.ids, isIdOrNull) ||
    !isArrayOf(table.sourceNames, isString) ||
    !isArrayOf(table.schoolNames, isString)
  ) {
    throw new SnapshotError("corrupt", "document table is malformed");
  }
  const size = table.ids.length;
  for (const column of [table.days, table.sources, table.schools, table.titleLengths, table.bodyLengths]) {
    if (!isArrayOf(column, isNumber) || column.length !== size)
      throw new SnapshotError("corrupt", "document table is malformed");
  }
  return table as DocTable;
}

function emptyTable(): DocTable {
  return {
    ids: [],
    days: [],
    sources: [],
    schools: [],
    titleLengths: [],
    bodyLengths: [],
    sourceNames: [],
    schoolNames: [],
  };
}

export function createSearchIndex(options: { lexicon: Lexicon }): SearchIndex {
  return new Engine(compileLexicon(options.lexicon), new PostingStore(), emptyTable());
}

/** Restores an index from `serialize()`; throws `SnapshotError` rather than serve a partial index. */
export function loadSearchIndex(snapshot: Buffer, options: { lexicon: Lexicon }): SearchIndex {
  return Engine.load(snapshot, compileLexicon(options.lexicon));
}
