export { createSearchIndex, loadSearchIndex } from "./search-index.ts";
export { SnapshotError, SNAPSHOT_FORMAT_VERSION, type SnapshotFailure } from "./snapshot.ts";
export { makeSnippet } from "./snippet.ts";
export { matchesKeyword, wordsNotFound } from "./keyword.ts";
export { parseLexicon, parseWordList, LexiconError } from "./lexicon.ts";
export type {
  Lexicon,
  ParsedQuery,
  SearchFilters,
  SearchHit,
  SearchIndex,
  SearchOptions,
  SearchResult,
  SnippetPart,
} from "./types.ts";
