import type { Announcement } from "./announcement.ts";
import type { Clock } from "./clock.ts";
import type { Metrics } from "./metrics.ts";
import { makeSnippet } from "./search/index.ts";
import type { ParsedQuery, SearchIndex, SnippetPart } from "./search/types.ts";
import type { AnnouncementStore } from "./store/announcements.ts";

/** One announcement found for a question, with the part of it that answers. */
export interface Answer {
  announcement: Announcement;
  snippet: SnippetPart[];
}

export interface AnswerPage {
  query: ParsedQuery;
  total: number;
  offset: number;
  items: Answer[];
  /** Shorter queries that do find something, offered when nothing was found. */
  suggestions: string[];
  /** Words of the question that none of the answers on this page holds. */
  unmatched?: string[];
}

export interface AnswerService {
  find(question: string, page: { offset: number; limit: number }): Promise<AnswerPage>;
}

export interface AnswerServiceDeps {
  /** The index to search now; it changes as announcements arrive. */
  index: () => SearchIndex;
  store: Pick<AnnouncementStore, "getMany">;
  clock: Clock;
  /** The words of a question that none of `docs` holds (search's `wordsNotFound`, lexicon bound). */
  wordsNotFound?: (question: string, docs: readonly Announcement[]) => string[];
  metrics?: Pick<Metrics, "searched">;
}

const MAX_SUGGESTIONS = 3;
const words = new Intl.Segmenter("zh", { granularity: "word" });

/** Finds the announcements that answer a question, with the sentence that answers from each. */
export function createAnswerService(deps: AnswerServiceDeps): AnswerService {
  const suggestionsFor = (question: string, now: Date): string[] => {
    const candidates = [...words.segment(question)]
      .filter((s) => s.isWordLike && [...s.segment].length >= 2)
      .map((s) => s.segment);
    return [...new Set(candidates)]
      .filter((word) => deps.index().search(word, { limit: 1, now }).total > 0)
      .slice(0, MAX_SUGGESTIONS);
  };

  return {
    async find(question, { offset, limit }) {
      const now = deps.clock();
      const started = performance.now();
      const result = deps.index().search(question, { offset, limit, now });
      deps.metrics?.searched((performance.now() - started) / 1000, result.total > 0);
      const records = await deps.store.getMany(result.hits.map((hit) => hit.id));
      const items = records
        .filter((record): record is Announcement => record !== undefined)
        .map((announcement) => ({ announcement, snippet: makeSnippet(announcement, result.query) }));
      return {
        query: result.query,
        total: result.total,
        offset,
        items,
        suggestions: result.total === 0 ? suggestionsFor(question, now) : [],
        unmatched:
          items.length > 0
            ? (deps.wordsNotFound?.(
                question,
                items.map((item) => item.announcement),
              ) ?? [])
            : [],
      };
    },
  };
}
