import MiniSearch, { type AsPlainObject, type Options } from "minisearch";
import type { SearchDoc } from "../announcement.ts";
import { DATE_TERM_PREFIX } from "./dates.ts";
import { compileLexicon, type CompiledLexicon } from "./lexicon.ts";
import { fold, isHan } from "./normalize.ts";
import { STOP_CHARS } from "./stopwords.ts";
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
import {
  createEvaluator,
  type Accept,
  type ConceptSpec,
  type Evaluator,
  type FieldWeight,
  type Scored,
} from "./evaluate.ts";
import {
  byRescore,
  dayToTime,
  maxRescoreFactor,
  rescore,
  type RescoredResult,
  type WeightedConcept,
} from "./rescore.ts";
import {
  cacheTermLookups,
  encodePostings,
  plainWithoutPostings,
  readerOf,
  restorePostings,
  type TermHandle,
} from "./postings.ts";
import { MAX_TERM_FREQUENCY, countTerms, encodeTerm } from "./terms.ts";
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
 * A concept found in more than this share of documents (党支部, 学习) is left out of the query
 * when rarer concepts are present: it would cost probes into most of the index and barely changes
 * the order.
 */
const COMMON_SHARE = 0.2;
/**
 * Body postings are dropped for words in more than this share of a large index (see `tooCommon`):
 * below COMMON_SHARE, since words between the two make a fifth of all body postings, yet above
 * the share of any one recurring activity topic (主题党日 and the like, about 5%).
 */
const PRUNE_SHARE = 0.1;
/**
 * In a large index a partial-match query scores at most this many articles: those with a query
 * word in the title first, then the newest.
 */
const MAX_CANDIDATES = 1500;
/** How many of the newest articles a query of common words only looks at; see `newestWithTitle`. */
const TITLE_SCAN = 3_000;
/** In a large index, partial matches are sought among the articles with a concept this rare. */
const SEED_SHARE = 0.02;
/** Documents covering less than this share of the best coverage are not counted as matches. */
const MATCH_COVERAGE = 0.2;
const DEFAULT_LIMIT = 10;
/**
 * Pseudo-relevance feedback when strict matches are few: the words shared by the titles of this
 * many of the best, at most FEEDBACK_TERMS of them, rank the partial matches too (on the
 * development set, Recall@5 rose from 0.993 to 0.995 on the first split and 0.954 to 0.957 on
 * the real one; three titles and five words did no better).
 */
const FEEDBACK_DOCUMENTS = 2;
const FEEDBACK_TERMS = 3;
/**
 * The share of its score an undated article keeps under a date its text does not name: it may
 * still be from then, but an article known to be is the better answer.
 */
const UNDATED_PRIOR = 0.3;
/**
 * AND is kept when it finds at least this many articles; fewer, and OR ranks everything. A
 * constant rather than the page asked for, so that every page of an answer ranks alike.
 */
const ENOUGH_STRICT_MATCHES = DEFAULT_LIMIT;
/** Strict matches are rescored in chunks of this many, best first, until the rest cannot rank. */
const RESCORE_CHUNK = 64;
/**
 * Below this many documents cost does not matter and shares are unreliable: every word is indexed
 * and every query reads bodies. Above it, see `tooCommon` and `rank`.
 */
const SMALL_INDEX = 1_000;

/** What MiniSearch stores per document: the terms of each field, and what filters and ranking need. */
interface IndexedDoc {
  id: string;
  title: TermHandle[];
  body: TermHandle[];
  school: TermHandle[];
  day: number;
  source: string;
  schoolName: string;
  titleText: string;
}

type StoredFields = Pick<IndexedDoc, "day" | "source" | "schoolName" | "titleText">;

interface FieldSets {
  title: number;
  body: number;
  text: FieldWeight[];
  titleOnly: FieldWeight[];
  school: FieldWeight[];
}

function miniSearchOptions(): Options<IndexedDoc> {
  return {
    fields: ["title", "body", "school"],
    storeFields: ["day", "source", "schoolName", "titleText"],
    // Fields arrive as lists of term handles (see `upsert` and postings.ts), passed through
    // untouched (MiniSearch types a field as a string and its terms as strings). Queries do not go
    // through MiniSearch's search; see evaluate.ts.
    stringifyField: (terms: TermHandle[]) => terms as unknown as string,
    tokenize: (terms) => terms as unknown as string[],
    processTerm: (term) => term,
    autoVacuum: false,
  };
}

function dayNumber(iso: string): number {
  const value = Number.parseInt(iso.replaceAll("-", "").slice(0, 8), 10);
  return Number.isFinite(value) ? value : 0;
}

/** What the engine knows of a term, and its handle for MiniSearch's `add`. */
interface TermStats extends TermHandle {
  /** Documents added with it (replaced ones included); see `idf`. */
  documents: number;
  /** Too common to be worth body postings any more; see `tooCommon`. */
  unindexed: boolean;
}

/** A field's terms as MiniSearch reads them: each repeated as often as it occurs, capped. */
function repeat(field: TermStats[], stats: TermStats, count: number): void {
  for (let k = Math.min(count, MAX_TERM_FREQUENCY); k > 0; k--) field.push(stats);
}

class Engine implements SearchIndex {
  private readonly lexicon: CompiledLexicon;
  private readonly index: MiniSearch<IndexedDoc>;
  private readonly reader: ReturnType<typeof readerOf>;
  private readonly fields: FieldSets;
  /** Every term ever indexed; see TermStats. */
  private readonly terms: Map<string, TermStats>;
  private added: number;
  private latestDay = 0;
  /** Short ids of the articles, newest first (made when needed). */
  private newestFirst: number[] | undefined;

  constructor(
    lexicon: CompiledLexicon,
    index: MiniSearch<IndexedDoc>,
    terms: Map<string, TermStats>,
    added: number,
  ) {
    this.lexicon = lexicon;
    this.index = index;
    cacheTermLookups(index);
    this.reader = readerOf(index);
    const weight = (field: keyof typeof BOOST): FieldWeight => ({
      fieldId: this.reader.fieldId(field),
      boost: BOOST[field],
    });
    this.fields = {
      title: this.reader.fieldId("title"),
      body: this.reader.fieldId("body"),
      text: [weight("title"), weight("body")],
      titleOnly: [weight("title")],
      school: [weight("school")],
    };
    this.terms = terms;
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
    this.added++;
    const titleCounts = countTerms(title);
    const titleTerms: TermStats[] = [];
    for (const [term, count] of titleCounts) repeat(titleTerms, this.counted(term), count);
    const bodyTerms: TermStats[] = [];
    for (const [term, count] of countTerms(body)) {
      const stats = titleCounts.has(term) ? this.statsOf(term) : this.counted(term);
      if (!stats.unindexed) repeat(bodyTerms, stats, count);
    }
    this.latestDay = Math.max(this.latestDay, day);
    this.newestFirst = undefined;
    this.index.add({
      id: doc.id,
      title: titleTerms,
      body: bodyTerms,
      school: school ? [this.counted(schoolTerm(school))] : [],
      day,
      source: doc.sourceId,
      schoolName: school,
      titleText: fold(doc.title),
    });
  }

  private statsOf(term: string): TermStats {
    let stats = this.terms.get(term);
    if (stats === undefined) {
      stats = { encoded: encodeTerm(term), documents: 0, unindexed: false };
      this.terms.set(term, stats);
    }
    return stats;
  }

  /** The term's stats, counting one more document with it. */
  private counted(term: string): TermStats {
    const stats = this.statsOf(term);
    stats.documents++;
    if (!stats.unindexed && this.tooCommon(term, stats.documents)) stats.unindexed = true;
    return stats;
  }

  remove(id: string): void {
    if (!this.index.has(id)) return;
    this.index.discard(id);
    this.newestFirst = undefined;
  }

  private stored(shortId: number): StoredFields | undefined {
    return this.reader.storedFields(shortId) as StoredFields | undefined;
  }

  private newest(): number[] {
    if (this.newestFirst === undefined) {
      const dated = [...this.reader.shortIds()].map((shortId) => ({
        shortId,
        day: this.stored(shortId)?.day ?? 0,
      }));
      this.newestFirst = dated.sort((a, b) => b.day - a.day).map(({ shortId }) => shortId);
    }
    return this.newestFirst;
  }

  private hit(shortId: number, score: number): SearchHit {
    return { id: this.reader.idOf(shortId) as string, score };
  }

  /**
   * A query of nothing but the corpus's commonest words (党支部学习) on a large index: the newest
   * articles whose title has every one of them, found by reading stored titles rather than
   * postings that cover most of the index.
   */
  private newestWithTitle(used: WeightedConcept[], filter: Accept): SearchHit[] {
    const spellings = used.map(({ concept }) =>
      concept.alternatives
        .filter((alternative) => alternative.field === "text")
        .map((alternative) => alternative.text),
    );
    const hits: SearchHit[] = [];
    for (const shortId of this.newest().slice(0, TITLE_SCAN)) {
      const stored = this.stored(shortId);
      if (!stored || !spellings.every((list) => list.some((text) => stored.titleText.includes(text))))
        continue;
      if (filter === undefined || filter(shortId)) hits.push(this.hit(shortId, 1));
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
    const frequency = this.terms.get(term)?.documents ?? 0;
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
        Math.min(...alternative.terms.map((term) => this.terms.get(term)?.documents ?? 0)),
      );
      complete ||= alternative.terms.every((term) => this.terms.get(term)?.unindexed !== true);
    }
    // A concept whose every spelling lost its body postings counts as common, whatever its share now.
    return { concept, weight, frequency: complete ? frequency : Math.max(this.added, frequency) };
  }

  /**
   * The spellings of a concept that are cheap and complete: those that would cost a pass over a
   * large part of the index (研究 as a part of 研究生) or lost their body postings are dropped;
   * a spelling of several words keeps its rare ones (教工 of 教工 + 党支部). Undefined when nothing
   * is left: the concept is one of the common words of the corpus.
   */
  private withoutCommonAlternatives(concept: Concept): Concept | undefined {
    const limit = Math.max(this.added, 1) * COMMON_SHARE;
    const cheapTerm = (term: string): boolean => {
      const stats = this.terms.get(term);
      return stats === undefined || (!stats.unindexed && stats.documents <= limit);
    };
    const cheap = (alternative: Alternative): boolean =>
      alternative.field === "school" || alternative.terms.every(cheapTerm);
    // The word as typed decides: when it is common, its rarer synonyms (学习 → 研学) must not
    // stand in for it.
    const typed = concept.alternatives[0];
    if (typed && typed.field === "text" && typed.terms.length > 0 && !cheap(typed)) return undefined;
    const kept = concept.alternatives.flatMap((alternative) => {
      if (cheap(alternative)) return [alternative];
      const rare = alternative.terms.filter(cheapTerm);
      return rare.length > 0 ? [{ ...alternative, terms: rare }] : [];
    });
    return kept.length > 0 ? { ...concept, alternatives: kept } : undefined;
  }

  /**
   * The articles whose text names the year or month of a date parsed from the query (in an
   * undated article, the month in any year); undefined when the date was not parsed from it.
   */
  private dateMentions(filters: SearchFilters, plan: QueryPlan): ((shortId: number) => boolean) | undefined {
    const date = plan.date;
    if (date === undefined || filters.from !== date.from || filters.to !== date.to) return undefined;
    const postings = (term: string | undefined) =>
      term === undefined ? undefined : this.reader.postings(encodeTerm(term), this.fields.body);
    const calendar = postings(date.calendarTerm);
    const yearless = postings(date.yearlessTerm);
    return (shortId) => calendar?.has(shortId) === true || yearless?.has(shortId) === true;
  }

  /**
   * Whether an article passes the filters. A query naming a year or month also accepts articles
   * whose text names it. An article without a date is accepted when its text names the date or,
   * with `undated`, always: it cannot be shown to lie outside (see `datePrior`).
   */
  private filterFor(
    filters: SearchFilters,
    mentions: ((shortId: number) => boolean) | undefined,
    undated: boolean,
  ): Accept {
    const sources = filters.sourceIds ? new Set(filters.sourceIds) : undefined;
    const school = filters.school !== undefined ? this.canonicalSchool(filters.school) : undefined;
    const from = filters.from !== undefined ? dayNumber(filters.from) : undefined;
    const to = filters.to !== undefined ? dayNumber(filters.to) : undefined;
    if (!sources && school === undefined && from === undefined && to === undefined) return undefined;
    return (shortId) => {
      const stored = this.stored(shortId);
      if (!stored) return false;
      if (sources && !sources.has(stored.source)) return false;
      if (school !== undefined && stored.schoolName !== school) return false;
      if (from === undefined && to === undefined) return true;
      if (stored.day === 0) return undated || mentions?.(shortId) === true;
      if (from !== undefined && stored.day < from && mentions?.(shortId) !== true) return false;
      if (to !== undefined && stored.day > to && mentions?.(shortId) !== true) return false;
      return true;
    };
  }

  /**
   * How much of its score an article keeps under a date filter: all of it when its date or text
   * meets the date, UNDATED_PRIOR when its date is unknown and its text does not name the date.
   */
  private datePrior(filters: SearchFilters, mentions: ((shortId: number) => boolean) | undefined) {
    if (filters.from === undefined && filters.to === undefined) return () => 1;
    return (shortId: number): number =>
      this.stored(shortId)?.day === 0 && mentions?.(shortId) !== true ? UNDATED_PRIOR : 1;
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
    const offset = Math.max(0, options.offset ?? 0);
    const limit = Math.max(0, options.limit ?? DEFAULT_LIMIT);
    const mentions = this.dateMentions(filters, plan);
    let ranked = this.rankWithin(plan, filters, mentions, now, offset + limit);
    if (ranked.total === 0 && mentions !== undefined && plan.concepts.length > 0) {
      // The span the question named holds nothing: what it asks about, from any time, says so.
      const { from, to, ...rest } = filters;
      ranked = this.rankWithin(plan, rest, undefined, now, offset + limit);
      if (ranked.total > 0) Object.assign(parsed, { filters: rest, widenedFrom: { from, to } });
    }
    if (ranked.total === 0 && plan.concepts.length > 0) {
      ranked = this.titlesWithCharacters(query, this.filterFor(filters, mentions, true));
    }
    return { query: parsed, total: ranked.total, hits: ranked.hits.slice(offset, offset + limit) };
  }

  private rankWithin(
    plan: QueryPlan,
    filters: SearchFilters,
    mentions: ((shortId: number) => boolean) | undefined,
    now: Date,
    wanted: number,
  ): Ranked {
    const filter = this.filterFor(filters, mentions, plan.concepts.length > 0);
    return plan.concepts.length > 0
      ? this.rank(plan, filter, this.datePrior(filters, mentions), now, wanted)
      : this.browse(filter);
  }

  /**
   * The last resort when no word of the query is found: the newest titles that share the most
   * pairs of neighbouring characters with it, at least half of them (a word the segmenter cut
   * differently in the title, or one it does not know).
   */
  private titlesWithCharacters(query: string, filter: Accept): Ranked {
    const folded = fold(query);
    const pairs = new Set<string>();
    for (let i = 0; i + 1 < folded.length; i++) {
      const pair = folded.slice(i, i + 2);
      if (
        isHan(pair.charCodeAt(0)) &&
        isHan(pair.charCodeAt(1)) &&
        !STOP_CHARS.has(pair[0]!) &&
        !STOP_CHARS.has(pair[1]!)
      )
        pairs.add(pair);
    }
    if (pairs.size === 0) return { total: 0, hits: [] };
    const needed = Math.ceil(pairs.size / 2);
    const found: { shortId: number; shared: number }[] = [];
    for (const shortId of this.newest().slice(0, TITLE_SCAN)) {
      const title = this.stored(shortId)?.titleText ?? "";
      let shared = 0;
      for (const pair of pairs) if (title.includes(pair)) shared++;
      if (shared >= needed && (filter === undefined || filter(shortId))) found.push({ shortId, shared });
    }
    // A stable sort keeps the newest first among equals.
    const hits = found
      .sort((a, b) => b.shared - a.shared)
      .map(({ shortId, shared }) => this.hit(shortId, shared));
    return { total: hits.length, hits };
  }

  /** A query of filters only (最近一个月的新闻): newest first. */
  private browse(filter: Accept): Ranked {
    if (filter === undefined) return { total: 0, hits: [] };
    const hits = this.newest()
      .filter(filter)
      .map((shortId) => this.hit(shortId, 0));
    return { total: hits.length, hits };
  }

  /**
   * AND first, OR as fallback. Concepts found in more than COMMON_SHARE of a large index are left
   * out while rarer ones are present (when none is, only titles are searched). Candidates come
   * from the postings of the rarest concept (see evaluate.ts); for OR, from those of the concepts
   * under SEED_SHARE, at most MAX_CANDIDATES of them in a large index.
   */
  private rank(
    plan: QueryPlan,
    filter: Accept,
    prior: (shortId: number) => number,
    now: Date,
    wanted: number,
  ): Ranked {
    const weighted = plan.concepts.map((concept) => this.weigh(concept)).filter(({ weight }) => weight > 0);
    if (weighted.length === 0) return { total: 0, hits: [] };
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
    if (large && rare.length === 0) {
      const hits = this.newestWithTitle(used, filter);
      return { total: hits.length, hits };
    }
    // Words in most articles (党支部 学习) only tell articles apart where they are in the title.
    const textFields = rareWords || !large ? this.fields.text : this.fields.titleOnly;
    const specOf = ({ concept }: WeightedConcept): ConceptSpec =>
      concept.alternatives.map((alternative) => ({
        terms: alternative.terms.map(encodeTerm),
        fields: alternative.field === "school" ? this.fields.school : textFields,
      }));
    const evaluatorOf = (concepts: WeightedConcept[]): Evaluator => {
      // A query of nothing but optional concepts requires them.
      const optional = new Set(concepts.flatMap(({ concept }, i) => (concept.optional ? [i] : [])));
      const required = concepts.some(({ concept }) => !concept.optional);
      return createEvaluator(
        this.reader,
        concepts.map(specOf),
        this.fields.title,
        required ? optional : new Set(),
      );
    };
    const rescored = (
      matches: Scored[],
      strictly: boolean,
      evaluator: Evaluator,
      concepts: WeightedConcept[],
    ): RescoredResult[] =>
      rescore(
        matches.map((match) => {
          const { shortId, score } = match;
          const stored = this.stored(shortId);
          return {
            id: this.reader.idOf(shortId),
            score,
            queryTerms: evaluator.matchedTerms(match, strictly),
            titleText: stored?.titleText ?? "",
            day: stored?.day ?? 0,
            prior: prior(shortId),
          };
        }),
        concepts,
        plan,
        now,
        (term) => this.idf(term),
      );
    const evaluator = evaluatorOf(used);
    const strictMatches = evaluator.strict(filter);
    if (strictMatches.length >= ENOUGH_STRICT_MATCHES) {
      return {
        total: strictMatches.length,
        hits: topRescored(strictMatches, wanted, maxRescoreFactor(plan), (chunk) =>
          rescored(chunk, true, evaluator, used),
        ),
      };
    }
    const strictRanked = rescored(strictMatches, true, evaluator, used);
    const feedback = this.feedbackConcept(strictRanked, used);
    const expanded = feedback ? [...used, this.weigh(feedback)] : used;
    const expandedEvaluator = feedback ? evaluatorOf(expanded) : evaluator;
    const limit = documents * SEED_SHARE;
    const seeds = expanded.flatMap(({ frequency }, i) =>
      !large || i === 0 || frequency <= limit ? [i] : [],
    );
    const looseMatches = expandedEvaluator.loose(seeds, filter, (candidates, titled) =>
      large ? this.bounded(candidates, titled) : candidates,
    );
    // The strict matches first, then the best partial ones fill the page.
    const strictIds = new Set(strictMatches.map(({ shortId }) => shortId));
    const partial = rescored(
      looseMatches.filter(({ shortId }) => !strictIds.has(shortId)),
      false,
      expandedEvaluator,
      expanded,
    );
    const best = partial.reduce((max, { coverage }) => Math.max(max, coverage), 0);
    const hits = [
      ...strictRanked,
      ...partial.filter(({ coverage }) => coverage >= best * MATCH_COVERAGE),
    ].map(({ hit }) => hit);
    return { total: hits.length, hits };
  }

  /**
   * Pseudo-relevance feedback: the words the titles of the best strict matches share, beyond the
   * query's own, as one optional concept.
   */
  private feedbackConcept(strictRanked: RescoredResult[], used: WeightedConcept[]): Concept | undefined {
    const top = strictRanked.slice(0, FEEDBACK_DOCUMENTS);
    if (top.length === 0) return undefined;
    const queryTerms = new Set(used.flatMap(({ concept }) => concept.alternatives.flatMap((a) => a.terms)));
    const counts = new Map<string, number>();
    for (const { hit } of top) {
      const title = (this.index.getStoredFields(hit.id) as StoredFields | undefined)?.titleText ?? "";
      for (const term of new Set(documentTerms(title, this.lexicon.dictionary)))
        if (term.length >= 2 && !term.startsWith(DATE_TERM_PREFIX) && !queryTerms.has(term))
          counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    const limit = Math.max(this.added, 1) * COMMON_SHARE;
    const terms = [...counts]
      .filter(([term]) => {
        const frequency = this.terms.get(term)?.documents ?? 0;
        return frequency >= 2 && frequency <= limit;
      })
      .sort((a, b) => b[1] - a[1] || this.idf(b[0]) - this.idf(a[0]))
      .slice(0, FEEDBACK_TERMS)
      .map(([term]) => term);
    if (terms.length === 0) return undefined;
    return {
      text: terms.join(" "),
      alternatives: terms.map((term) => ({ text: term, terms: [term], field: "text" as const })),
      optional: true,
    };
  }

  /** At most MAX_CANDIDATES of the candidates: those with a query word in the title first, then the newest. */
  private bounded(candidates: number[], titled: (shortId: number) => boolean): Iterable<number> {
    if (candidates.length <= MAX_CANDIDATES) return candidates;
    const keyed = candidates.map((shortId) => ({
      shortId,
      key: (titled(shortId) ? 1e8 : 0) + (this.stored(shortId)?.day ?? 0),
    }));
    return keyed
      .sort((a, b) => b.key - a.key)
      .slice(0, MAX_CANDIDATES)
      .map(({ shortId }) => shortId);
  }

  serialize(): Buffer {
    // The postings go in binary sections (see postings.ts); the rest as MiniSearch spells it.
    const rest = plainWithoutPostings(this.index);
    const postings = encodePostings(this.index);
    const terms = [...this.terms.keys()];
    return writeSnapshot([
      encodeJson({
        fingerprint: this.lexicon.fingerprint,
        added: this.added,
        latestDay: this.latestDay,
        unindexed: terms.filter((term) => this.terms.get(term)?.unindexed),
      }),
      encodeJson(rest),
      encodeTerms(terms),
      encodeUint32(terms.map((term) => this.terms.get(term)?.documents ?? 0)),
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
    const stats = new Map<string, TermStats>();
    terms.forEach((term, i) =>
      stats.set(term, { encoded: encodeTerm(term), documents: counts[i]!, unindexed: false }),
    );
    for (const term of unindexed) {
      const known = stats.get(term);
      if (known) known.unindexed = true;
    }
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
    const engine = new Engine(lexicon, miniSearch, stats, meta.added);
    engine.latestDay = meta.latestDay;
    return engine;
  }
}

interface Ranked {
  total: number;
  /** The best hits, at least as many as asked for when there are. */
  hits: SearchHit[];
}

/**
 * The `wanted` best of the matches after rescoring, rescoring only those that could still be
 * among them: rescoring multiplies a score by at most `maxFactor`.
 */
function topRescored(
  matches: Scored[],
  wanted: number,
  maxFactor: number,
  rescoreChunk: (chunk: Scored[]) => RescoredResult[],
): SearchHit[] {
  if (wanted === 0) return [];
  matches.sort((a, b) => b.score - a.score);
  let top: RescoredResult[] = [];
  for (let start = 0; start < matches.length; start += RESCORE_CHUNK) {
    const cutoff = top.length >= wanted ? top[wanted - 1]!.hit.score : 0;
    if (matches[start]!.score * maxFactor < cutoff) break;
    top = [...top, ...rescoreChunk(matches.slice(start, start + RESCORE_CHUNK))]
      .sort(byRescore)
      .slice(0, wanted);
  }
  return top.map(({ hit }) => hit);
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
