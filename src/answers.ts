import type { Announcement } from "./announcement.ts";
import type { ParsedQuery, SnippetPart } from "./search/types.ts";

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
}

export interface AnswerService {
  find(question: string, page: { offset: number; limit: number }): Promise<AnswerPage>;
}
