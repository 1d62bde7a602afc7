import MiniSearch, {
  type AsPlainObject,
  type Options,
  type Query,
  type SearchResult as MiniSearchResult,
} from "minisearch";
import type { SearchDoc } from "../announcement.ts";
import { DATE_TERM_PREFIX } from "./dates.ts";
import { compileLexicon, type CompiledLexicon } from "./lexicon.ts";
import { fold } from "./normalize.ts";
import {
  SCHOOL_TERM_PREFIX,
  planQuery,
  schoolTerm,
  type Alternative,
  type Concept,
  type QueryPlan,
} from "./query.ts";
import {
  SnapshotError,
  decodeJson,
  decodeTerms,
  decodeUint32,
  encodeJson,
  encodeTerms,
  encodeUint32,
  readSnapshot,
  writeSnapshot,
} from "./snapshot.ts";
import { dayToTime, rescore, type RankedResult, type WeightedConcept } from "./rescore.ts";
import { cacheTermLookups, encodePostings, plainWithoutPostings, restorePostings } from "./postings.ts";
import { countTerms, encodeTerm, fieldTerms } from "./terms.ts";
import { documentTerms } from "./tokenizer.ts";
import type {
  Lexicon,
  ParsedQuery,
  SearchFilters,
  SearchHit,
  SearchIndex,
  SearchOptions,
  SearchResult,
} from "./types.ts";

/** Field boosts: a word in the title says more about the article than one in the body. */
const BOOST = { title: 2, body: 1, school: 1.5 };
/**
 * A concept found in more than this share of documents (党支部, 学习) is left out of the MiniSearch
 * query when rarer concepts are present: it would cost a pass over most of the index and barely
 * changes the order.
 */
const COMMON_SHARE = 0.2;
/**
 * Body postings are dropped for words in more than this share of a large index (see `tooCommon`):
 * below COMMON_SHARE, since words between the two make a fifth of all body postings, yet above
 * the share of any one recurring activity topic (主题党日 and the like, about 5%).
 */
const PRUNE_SHARE = 0.1;
/**
 * In a large index a query scores at most this many articles in full: MiniSearch makes an entry
 * per article it scores. Articles with a query word in the title are kept first, then the newest.
 */
const MAX_CANDIDATES = 1500;
/** How many of the newest articles a query of common words only looks at; see `newestWithTitle`. */
const TITLE_SCAN = 3_000;
/** In a large index, partial matches are sought among the articles with a concept this rare. */
const SEED_SHARE = 0.02;
/** Documents covering less than this share of the best coverage are not counted as matches. */
const MATCH_COVERAGE = 0.2;
const DEFAULT_LIMIT = 10;
const TEXT_FIELDS = ["title", "body"];
const TITLE_FIELDS = ["title"];
/**
 * Below this many documents cost does not matter and shares are unreliable: every word is indexed
 * and every query reads bodies. Above it, see `tooCommon` and `rank`.
 */
const SMALL_INDEX = 1_000;
const SCHOOL_FIELDS = ["school"];

/** What MiniSearch stores per document: the terms of each field, and what filters and ranking need. */
interface IndexedDoc {
  id: string;
  title: string[];
  body: string[];
  school: string[];
  day: number;
  source: string;
  schoolName: string;
  titleText: string;
}

type StoredFields = Pick<IndexedDoc, "day" | "source" | "schoolName" | "titleText">;
type Filter = (result: { id: unknown } & StoredFields) => boolean;
type Result = MiniSearchResult & StoredFields & RankedResult;

function miniSearchOptions(): Options<IndexedDoc> {
  return {
    fields: ["title", "body", "school"],
    storeFields: ["day", "source", "schoolName", "titleText"],
    // Documents arrive as lists of encoded terms (see fieldTerms), passed through untouched
    // (MiniSearch types a field as a string); queries are encoded by searchOptions.
    stringifyField: (terms: string[]) => terms as unknown as string,
    tokenize: (terms) => terms as unknown as string[],
    processTerm: (term) => term,
    autoVacuum: false,
    searchOptions: {
      tokenize: (text) => [text],
      processTerm: encodeTerm,
      boost: BOOST,
    },
  };
}

function dayNumber(iso: string): number {
  const value = Number.parseInt(iso.replaceAll("-", "").slice(0, 8), 10);
  return Number.isFinite(value) ? value : 0;
}

class Engine implements SearchIndex {
  private readonly lexicon: CompiledLexicon;
  private readonly index: MiniSearch<IndexedDoc>;
  /** Documents per term, counted as documents are added; see `idf`. */
  private readonly frequencies: Map<string, number>;
  private added: number;
  private latestDay = 0;
  /** Words too common to be worth body postings; see `tooCommon`. */
  private readonly unindexed = new Set<string>();
  /** Publication day of each article, and the ids newest first (made when needed). */
  private readonly days = new Map<string, number>();
  private newestFirst: string[] | undefined;

  constructor(
    lexicon: CompiledLexicon,
    index: MiniSearch<IndexedDoc>,
    frequencies: Map<string, number>,
    added: number,
  ) {
    this.lexicon = lexicon;
    this.index = index;
    cacheTermLookups(index);
    this.frequencies = frequencies;
    this.added = added;
  }

  get size(): number {
    return this.index.documentCount;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Resolves abbreviations, and campus names such as 中国石油大学（华东） to their university. */
  private canonicalSchool(school: string): string {
    const folded = fold(school.trim());
    const campusless = folded.replace(/\s*\([^()]*\)\s*$/, "");
    return this.lexicon.canonicalOf.get(folded) ?? this.lexicon.canonicalOf.get(campusless) ?? folded;
  }

  upsert(doc: SearchDoc): void {
    if (this.index.has(doc.id)) this.index.discard(doc.id);
    const day = dayNumber(doc.date);
    const year = day > 0 ? Math.floor(day / 10000) : undefined;
    const dictionary = this.lexicon.dictionary;
    const title: string[] = [];
    const body = documentTerms(doc.text, dictionary, year);
    // Dates in the title count as dates of the article, wherever they were written.
    for (const term of documentTerms(doc.title, dictionary, year))
      (term.startsWith(DATE_TERM_PREFIX) ? body : title).push(term);
    const school = this.canonicalSchool(doc.school);
    const schoolTerms = school ? [schoolTerm(school)] : [];
    this.added++;
    const titleCounts = countTerms(title);
    const bodyCounts = countTerms(body);
    const count = (term: string): void => {
      const frequency = (this.frequencies.get(term) ?? 0) + 1;
      this.frequencies.set(term, frequency);
      if (this.tooCommon(term, frequency)) this.unindexed.add(term);
    };
    for (const term of titleCounts.keys()) count(term);
    for (const term of bodyCounts.keys()) {
      if (!titleCounts.has(term)) count(term);
      if (this.unindexed.has(term)) bodyCounts.delete(term);
    }
    for (const term of schoolTerms) count(term);
    this.latestDay = Math.max(this.latestDay, day);
    this.days.set(doc.id, day);
    this.newestFirst = undefined;
    this.index.add({
      id: doc.id,
      title: fieldTerms(titleCounts),
      body: fieldTerms(bodyCounts),
      school: schoolTerms.map(encodeTerm),
      day,
      source: doc.sourceId,
      schoolName: school,
      titleText: fold(doc.title),
    });
  }

  remove(id: string): void {
    if (!this.index.has(id)) return;
    this.index.discard(id);
    this.days.delete(id);
    this.newestFirst = undefined;
  }

  /**
   * The articles with a term, without a result entry each: boostDocument sees every posting and
   * keeps none.
   */
  private documentsWith(term: string): Set<string> {
    const found = new Set<string>();
    this.index.search(term, {
      fields: ["body"],
      boostDocument: (id: string) => {
        found.add(id);
        return 0;
      },
    });
    return found;
  }

  /**
   * A query of nothing but the corpus's commonest words (党支部学习) on a large index: the newest
   * articles whose title has every one of them, found by reading stored titles rather than
   * postings that cover most of the index.
   */
  private newestWithTitle(used: WeightedConcept[], filter: Filter): SearchHit[] {
    this.newestFirst ??= [...this.days].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const spellings = used.map(({ concept }) =>
      concept.alternatives
        .filter((alternative) => alternative.field === "text")
        .map((alternative) => alternative.text),
    );
    const hits: SearchHit[] = [];
    for (const id of this.newestFirst.slice(0, TITLE_SCAN)) {
      const stored = this.index.getStoredFields(id) as StoredFields | undefined;
      if (!stored || !spellings.every((list) => list.some((text) => stored.titleText.includes(text))))
        continue;
      if (filter({ id, ...stored })) hits.push({ id, score: 1 });
    }
    return hits;
  }

  /**
   * Once an index is large, a word found in more than PRUNE_SHARE of its articles is no longer
   * added to bodies: queries treat it as common (see `withoutCommonAlternatives`), and its
   * postings would be a large share of all postings. Titles keep every word; dates and schools are never dropped.
   */
  private tooCommon(term: string, frequency: number): boolean {
    return (
      this.added >= SMALL_INDEX &&
      frequency > this.added * PRUNE_SHARE &&
      !term.startsWith(DATE_TERM_PREFIX) &&
      !term.startsWith(SCHOOL_TERM_PREFIX)
    );
  }

  /** Cleans up postings of replaced and removed documents; MiniSearch does it in batches. */
  vacuum(): Promise<void> {
    return this.index.vacuum();
  }

  /**
   * BM25 idf over documents added. Replaced documents still count until the next snapshot
   * reload, which slightly flattens idf for an index with heavy churn.
   */
  private idf(term: string): number {
    const frequency = this.frequencies.get(term) ?? 0;
    if (frequency === 0) return 0;
    const n = Math.max(this.added, frequency);
    return Math.log(1 + (n - frequency + 0.5) / (frequency + 0.5));
  }

  private weigh(concept: Concept): WeightedConcept {
    let weight = 0;
    let frequency = 0;
    let complete = false;
    for (const alternative of concept.alternatives) {
      const idfs = alternative.terms.map((term) => this.idf(term)).filter((idf) => idf > 0);
      if (idfs.length === 0) continue;
      weight = Math.max(weight, idfs.reduce((sum, idf) => sum + idf, 0) / idfs.length);
      frequency = Math.max(
        frequency,
        Math.min(...alternative.terms.map((term) => this.frequencies.get(term) ?? 0)),
      );
      complete ||= alternative.terms.every((term) => !this.unindexed.has(term));
    }
    // A concept whose every spelling lost its body postings counts as common, whatever its share now.
    return { concept, weight, frequency: complete ? frequency : Math.max(this.added, frequency) };
  }

  /**
   * The spellings of a concept that are cheap and complete: those that would cost a pass over a
   * large part of the index (研究 as a part of 研究生) or lost their body postings are dropped.
   * Undefined when nothing is left: the concept is one of the common words of the corpus.
   */
  private withoutCommonAlternatives(concept: Concept): Concept | undefined {
    const limit = Math.max(this.added, 1) * COMMON_SHARE;
    const cheap = (alternative: Alternative): boolean =>
      alternative.field === "school" ||
      alternative.terms.every(
        (term) => !this.unindexed.has(term) && (this.frequencies.get(term) ?? 0) <= limit,
      );
    // The word as typed decides: when it is common, its rarer synonyms (学习 → 研学) must not
    // stand in for it.
    const typed = concept.alternatives[0];
    if (typed && typed.field === "text" && typed.terms.length > 0 && !cheap(typed)) return undefined;
    const kept = concept.alternatives.filter(cheap);
    return kept.length > 0 ? { ...concept, alternatives: kept } : undefined;
  }

  private filterFor(filters: SearchFilters, plan: QueryPlan): Filter {
    const sources = filters.sourceIds ? new Set(filters.sourceIds) : undefined;
    const school = filters.school !== undefined ? this.canonicalSchool(filters.school) : undefined;
    const from = filters.from !== undefined ? dayNumber(filters.from) : undefined;
    const to = filters.to !== undefined ? dayNumber(filters.to) : undefined;
    const calendarTerm = plan.date?.calendarTerm;
    const parsedDate =
      calendarTerm !== undefined && filters.from === plan.date?.from && filters.to === plan.date?.to;
    // A query naming a year or month also accepts articles whose text names it.
    const mentions = parsedDate ? this.documentsWith(calendarTerm) : undefined;
    return (result) => {
      if (sources && !sources.has(result.source)) return false;
      if (school !== undefined && result.schoolName !== school) return false;
      if (from !== undefined && result.day < from && !mentions?.has(result.id as string)) return false;
      if (to !== undefined && result.day > to && !mentions?.has(result.id as string)) return false;
      return true;
    };
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
    const filter = this.filterFor(filters, plan);
    const offset = Math.max(0, options.offset ?? 0);
    const limit = Math.max(0, options.limit ?? DEFAULT_LIMIT);
    const ranked =
      plan.concepts.length > 0
        ? this.rank(plan, filter, now, offset + limit)
        : this.browse(filter, Object.keys(filters).length > 0);
    return { query: parsed, total: ranked.length, hits: ranked.slice(offset, offset + limit) };
  }

  /** A query of filters only (最近一个月的新闻): newest first. */
  private browse(filter: Filter, filtered: boolean): SearchHit[] {
    if (!filtered) return [];
    const results = this.index.search(MiniSearch.wildcard, {
      filter: filter as unknown as (result: MiniSearchResult) => boolean,
    }) as Result[];
    return results.sort((a, b) => b.day - a.day).map((result) => ({ id: result.id as string, score: 0 }));
  }

  /**
   * AND first, OR as fallback. Concepts found in more than COMMON_SHARE of a large index are left
   * out while rarer ones are present (when none is, only titles are searched). MiniSearch builds a
   * result entry for every posting it reads, which is what makes frequent words slow; so in a large
   * index the candidates are found first through `boostDocument`, which sees each posting and can
   * skip it before any entry is made: for AND the articles every concept reaches, for OR those
   * any concept under SEED_SHARE reaches, at most MAX_CANDIDATES. Then MiniSearch scores only them.
   */
  private rank(plan: QueryPlan, filter: Filter, now: Date, wanted: number): SearchHit[] {
    const weighted = plan.concepts.map((concept) => this.weigh(concept)).filter(({ weight }) => weight > 0);
    if (weighted.length === 0) return [];
    const documents = Math.max(this.added, 1);
    const large = documents >= SMALL_INDEX;
    const rare = weighted
      .flatMap(({ concept }) => {
        const pruned = this.withoutCommonAlternatives(concept);
        return pruned ? [this.weigh(pruned)] : [];
      })
      .filter(({ weight }) => weight > 0);
    // A school name alone tells nothing apart within that school's own news: the words asked
    // about must rank, however common they are.
    const rareWords = rare.some(({ concept }) => concept.alternatives.every((a) => a.field !== "school"));
    const used = (rareWords ? rare : weighted).sort((a, b) => a.frequency - b.frequency);
    // Words in most articles (党支部 学习) only tell articles apart where they are in the title.
    const textFields = rareWords || !large ? TEXT_FIELDS : TITLE_FIELDS;
    const alternativeQuery = (
      alternative: Alternative,
      combineWith: "AND" | "OR",
      fields = textFields,
    ): Query => ({
      combineWith,
      queries: alternative.terms,
      fields: alternative.field === "school" ? SCHOOL_FIELDS : fields,
    });
    const strictQuery = (items: WeightedConcept[]): Query => ({
      combineWith: "AND",
      queries: items.map(({ concept }) => ({
        combineWith: "OR",
        queries: concept.alternatives.map((alternative) => alternativeQuery(alternative, "AND")),
      })),
    });
    // Every term of every alternative, so that partial matches are found too.
    const looseQuery = (items: WeightedConcept[], fields?: string[]): Query => ({
      combineWith: "OR",
      queries: items.flatMap(({ concept }) =>
        concept.alternatives.map((alternative) => alternativeQuery(alternative, "OR", fields)),
      ),
    });
    const search = (query: Query, among?: Set<string>): Result[] =>
      this.index.search(query, {
        filter: filter as unknown as (result: MiniSearchResult) => boolean,
        ...(among && { boostDocument: (id: string) => (among.has(id) ? 1 : 0) }),
      }) as Result[];
    // The articles that concepts reach (among those `within`, when given), with their days,
    // without a result entry each: boostDocument sees every posting and keeps none. A superset
    // (any term of any spelling).
    const reach = (
      items: WeightedConcept[],
      fields?: string[],
      within?: Map<string, number>,
    ): Map<string, number> => {
      const days = new Map<string, number>();
      this.index.search(looseQuery(items, fields), {
        boostDocument: (id: string, _term: string, stored?: Record<string, unknown>) => {
          if (!within || within.has(id)) days.set(id, (stored?.day as number | undefined) ?? 0);
          return 0;
        },
      });
      return days;
    };
    // At most MAX_CANDIDATES of them: those with a concept in the title first, then the newest.
    const bounded = (days: Map<string, number>, items: WeightedConcept[]): Set<string> => {
      if (days.size <= MAX_CANDIDATES) return new Set(days.keys());
      const titled = reach(items, TITLE_FIELDS);
      const ranked = [...days].sort(
        (a, b) => Number(titled.has(b[0])) - Number(titled.has(a[0])) || b[1] - a[1],
      );
      return new Set(ranked.slice(0, MAX_CANDIDATES).map(([id]) => id));
    };

    if (large && rare.length === 0) return this.newestWithTitle(used, filter);
    let results: Result[];
    if (large) {
      // Rarest concept first; the others only narrow the candidates while there are too many
      // (the strict query itself requires every concept of the candidates it scores).
      let days = reach(used.slice(0, 1));
      for (const item of used.slice(1)) {
        if (days.size <= MAX_CANDIDATES) break;
        days = reach([item], undefined, days);
      }
      results = search(strictQuery(used), bounded(days, used));
    } else {
      results = search(strictQuery(used));
    }
    const strict = results.length >= wanted;
    if (!strict) {
      const limit = documents * SEED_SHARE;
      const seeding = used.filter(({ frequency }, i) => i === 0 || frequency <= limit);
      results = large ? search(looseQuery(used), bounded(reach(seeding), seeding)) : search(looseQuery(used));
    }
    const scored = rescore(results, used, plan, now, (term) => this.idf(term));
    if (strict) return scored.map(({ hit }) => hit);
    const best = scored.reduce((max, { coverage }) => Math.max(max, coverage), 0);
    return scored.filter(({ coverage }) => coverage >= best * MATCH_COVERAGE).map(({ hit }) => hit);
  }

  serialize(): Buffer {
    // The postings go in binary sections (see postings.ts); the rest as MiniSearch spells it.
    const rest = plainWithoutPostings(this.index);
    const postings = encodePostings(this.index);
    const terms = [...this.frequencies.keys()];
    return writeSnapshot([
      encodeJson({
        fingerprint: this.lexicon.fingerprint,
        added: this.added,
        latestDay: this.latestDay,
        unindexed: [...this.unindexed],
      }),
      encodeJson(rest),
      encodeTerms(terms),
      encodeUint32(terms.map((term) => this.frequencies.get(term) ?? 0)),
      postings.terms,
      postings.numbers,
      postings.frequencies,
    ]);
  }

  static load(snapshot: Buffer, lexicon: CompiledLexicon): Engine {
    const [metaBytes, restBytes, termBytes, countBytes, postingTerms, postingNumbers, postingFrequencies] =
      readSnapshot(snapshot, 7);
    const meta = decodeJson(metaBytes!) as {
      fingerprint?: unknown;
      added?: unknown;
      latestDay?: unknown;
      unindexed?: unknown;
    };
    if (meta.fingerprint !== lexicon.fingerprint) {
      throw new SnapshotError("lexicon", "the school names changed since the snapshot was made");
    }
    const unindexed = meta.unindexed;
    if (
      typeof meta.added !== "number" ||
      typeof meta.latestDay !== "number" ||
      !Array.isArray(unindexed) ||
      !unindexed.every((term) => typeof term === "string")
    ) {
      throw new SnapshotError("corrupt", "snapshot header is malformed");
    }
    const terms = decodeTerms(termBytes!);
    const counts = decodeUint32(countBytes!);
    if (terms.length !== counts.length)
      throw new SnapshotError("corrupt", "term frequency table is malformed");
    const frequencies = new Map<string, number>();
    terms.forEach((term, i) => frequencies.set(term, counts[i]!));
    const rest = decodeJson(restBytes!) as Omit<AsPlainObject, "index">;
    let miniSearch: MiniSearch<IndexedDoc>;
    try {
      miniSearch = MiniSearch.loadJS<IndexedDoc>({ ...rest, index: [] }, miniSearchOptions());
    } catch (error) {
      throw new SnapshotError("corrupt", `index does not load: ${(error as Error).message}`);
    }
    restorePostings(miniSearch, {
      terms: postingTerms!,
      numbers: postingNumbers!,
      frequencies: postingFrequencies!,
    });
    const engine = new Engine(lexicon, miniSearch, frequencies, meta.added);
    for (const [shortId, id] of Object.entries(rest.documentIds)) {
      const stored = rest.storedFields[shortId] as Partial<StoredFields> | undefined;
      engine.days.set(id as string, stored?.day ?? 0);
    }
    engine.latestDay = meta.latestDay;
    for (const term of unindexed) engine.unindexed.add(term);
    return engine;
  }
}

export function createSearchIndex(options: { lexicon: Lexicon }): SearchIndex {
  return new Engine(
    compileLexicon(options.lexicon),
    new MiniSearch<IndexedDoc>(miniSearchOptions()),
    new Map(),
    0,
  );
}

/** Restores an index from `serialize()`; throws `SnapshotError` rather than serve a partial index. */
export function loadSearchIndex(snapshot: Buffer, options: { lexicon: Lexicon }): SearchIndex {
  return Engine.load(snapshot, compileLexicon(options.lexicon));
}
