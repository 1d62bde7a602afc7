import type { SearchDoc } from "../announcement.ts";

/**
 * Words that mean the same thing to a reader. Loaded from `data/aliases.yaml` and
 * `data/synonyms.yaml` by an adapter; the search core only sees this value.
 */
export interface Lexicon {
  /** Canonical school/unit name → abbreviations people type (西北工业大学 → [西工大, 西北工大]). */
  aliases: Record<string, string[]>;
  /** Groups of interchangeable words (扫墓 / 祭扫). */
  synonyms: string[][];
  /**
   * Dictionary words for segmentation (`data/words.txt`). Without them only the lexicon's own
   * words are known and all other text is indexed as character bigrams: correct, but larger.
   */
  words?: string[];
}

export interface SearchFilters {
  /** Only these source ids. */
  sourceIds?: string[];
  /** Only this school (canonical name). */
  school?: string;
  /** Inclusive ISO day bounds. */
  from?: string;
  to?: string;
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  filters?: SearchFilters;
  /** Reference time for relative filters such as 最近一个月. */
  now?: Date;
}

/** What the engine understood of a query; the bot shows it and snippets use it. */
export interface ParsedQuery {
  /** The raw text typed by the user. */
  raw: string;
  /** Normalised terms that were matched, for highlighting. */
  terms: string[];
  /** Filters parsed from the query text merged with the explicit ones. */
  filters: SearchFilters;
  /**
   * The time span the query named, when nothing fell within it and the results shown are from
   * any time instead (最近一个月 over an archive that ends earlier).
   */
  widenedFrom?: { from?: string; to?: string };
}

export interface SearchHit {
  id: string;
  score: number;
}

export interface SearchResult {
  query: ParsedQuery;
  /** Number of matching documents (before offset/limit). */
  total: number;
  hits: SearchHit[];
}

/** A piece of a snippet; `match` pieces are shown in bold. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

export interface SearchIndex {
  /** Adds a document or replaces the one with the same id. */
  upsert(doc: SearchDoc): void;
  remove(id: string): void;
  has(id: string): boolean;
  readonly size: number;
  search(query: string, options?: SearchOptions): SearchResult;
  /** Versioned binary snapshot; see `loadSearchIndex`. */
  serialize(): Buffer;
  /**
   * Frees the postings of replaced and removed documents (they are skipped in results at once,
   * and cleaned here in batches). Call it when idle, e.g. after an ingest run.
   */
  vacuum?(): Promise<void>;
}
