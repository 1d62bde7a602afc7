/** One announcement as stored in Redis and indexed for search. */
export interface Announcement {
  /** Stable id derived from the canonical URL (see `announcementId`). */
  id: string;
  /** Canonical URL of the article. */
  url: string;
  title: string;
  /** Publication day, ISO `YYYY-MM-DD`, in Asia/Shanghai. */
  date: string;
  /** Id of the source (from `data/sources.yaml`) that produced it. */
  sourceId: string;
  /** School or unit name, e.g. 中国矿业大学. */
  school: string;
  /** Body text; paragraphs separated by `\n`. */
  text: string;
  /** Hash of the normalised body, for change and duplicate detection. */
  contentHash: string;
  /** Epoch milliseconds when zhibu first stored it; digests select by this. */
  firstSeen: number;
  /** Other URLs at which the same article was found (mirrors). */
  alternates: string[];
  author?: string;
  reviewer?: string;
}

/** The part of an announcement that search ranks on. */
export type SearchDoc = Pick<Announcement, "id" | "url" | "title" | "date" | "sourceId" | "school" | "text">;
