import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { ExtractedArticle } from "./extracted.ts";
import type { FetchOptions, HttpClient, HttpResponse } from "./http.ts";
import { declaredHosts, type Source } from "./sources.ts";

/** One article a source lists; `article` is set when the listing already holds the full text. */
export interface Candidate {
  url: string;
  title?: string;
  date?: string;
  article?: ExtractedArticle;
}

export interface Discovery {
  candidates: Candidate[];
  /** Items that could not be read at all, with the reason, counted as failed. */
  failures: Array<{ url: string; reason: string }>;
  /** Every list page answered 304: nothing to do, and no reason to worry about zero items. */
  notModified: boolean;
  /** Stores the list pages' validators; called once the items were ingested without failures. */
  commit(): Promise<void>;
}

export interface AdapterContext {
  /** Where `files` sources' relative paths start. */
  dataDir: string;
  logger: Logger;
  http: HttpClient;
  /** What "now" is when a page's dates are judged: a day later than it is not a publication date. */
  clock: Clock;
}

/**
 * One per source kind: lists a source's articles, and extracts one when the list lacks the text.
 * With `conditional`, `fetchArticle` resolves to undefined when the page has not changed since the
 * last fetch.
 */
export interface Adapter {
  discover(source: Source, context: AdapterContext): Promise<Discovery>;
  fetchArticle(
    candidate: Candidate,
    source: Source,
    context: AdapterContext,
    options?: { conditional?: boolean },
  ): Promise<ExtractedArticle | undefined>;
}

export function fetchOptionsFor(source: Source): FetchOptions {
  const settings = source.http;
  return {
    insecureTls: settings?.insecureTls ?? false,
    allowPrivateNetwork: source.allowPrivateNetwork,
    allowedHosts: declaredHosts(source),
    ...(settings?.delayMs !== undefined ? { delayMs: settings.delayMs } : {}),
    ...(settings?.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
  };
}

/**
 * The discovery of a web source: its validators are stored only on `commit`, so that a run whose
 * items failed fetches the same list again next time instead of getting a 304.
 */
export function webDiscovery(
  http: HttpClient,
  found: {
    candidates: Candidate[];
    notModified: boolean;
    pages: Array<[requestedUrl: string, HttpResponse]>;
  },
): Discovery {
  return {
    candidates: found.candidates,
    failures: [],
    notModified: found.notModified,
    async commit() {
      for (const [url, response] of found.pages) await http.remember(url, response);
    },
  };
}

/** An article page, or undefined when a conditional request found it unchanged; its validators are kept. */
export async function fetchArticlePage(
  candidate: Candidate,
  source: Source,
  context: AdapterContext,
  conditional = false,
): Promise<HttpResponse | undefined> {
  const response = await context.http.fetch(candidate.url, { ...fetchOptionsFor(source), conditional });
  if (response.notModified) return undefined;
  await context.http.remember(candidate.url, response);
  return response;
}
