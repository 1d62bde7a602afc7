import { systemClock, type Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import { profileForMarkup } from "./adapters/detect.ts";
import { articleFromPage } from "./adapters/list-site.ts";
import { decodeBody } from "./charset.ts";
import type { ExtractedArticle } from "./extracted.ts";
import { loadHtml } from "./html.ts";
import type { FetchOptions, HttpClient } from "./http.ts";
import { decodePage, listedCandidates } from "./page.ts";
import type { SourceKind } from "./sources.ts";

export interface CheckedItem {
  url: string;
  title: string;
  date?: string;
  /** The extracted article, when it could be fetched; `error` says why not otherwise. */
  article?: ExtractedArticle;
  error?: string;
}

export interface SourceCheck {
  url: string;
  kind: SourceKind;
  /** The encoding the page was decoded with. */
  charset: string;
  itemCount: number;
  items: CheckedItem[];
}

/**
 * What a source would yield, without storing anything: the kind its markup shows, the items its
 * list page or feed lists, and the extraction of the first `limit` of them.
 */
export async function checkSource(
  url: string,
  deps: {
    http: HttpClient;
    logger: Logger;
    limit?: number;
    insecureTls?: boolean;
    /** For operators trying an intranet site, and for checks against pages served on loopback. */
    allowPrivateNetwork?: boolean;
    clock?: Clock;
  },
): Promise<SourceCheck> {
  const options: FetchOptions = {
    insecureTls: deps.insecureTls ?? false,
    ...(deps.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
  };
  const response = await deps.http.fetch(url, options);
  const contentType = response.headers["content-type"];
  const page = decodePage(response.url, response.body, contentType);
  const context = { dataDir: "", logger: deps.logger, http: deps.http, clock: deps.clock ?? systemClock };
  const candidates = listedCandidates(page);
  const items: CheckedItem[] = [];
  for (const candidate of candidates.slice(0, deps.limit ?? 5)) {
    const item: CheckedItem = {
      url: candidate.url,
      title: candidate.title ?? "",
      ...(candidate.date ? { date: candidate.date } : {}),
    };
    try {
      if (candidate.article) {
        item.article = candidate.article;
      } else {
        const page = await deps.http.fetch(candidate.url, options);
        const pageMarkup = decodeBody(page.body, page.headers["content-type"]);
        const selectors = profileForMarkup(pageMarkup).article;
        item.article = articleFromPage(loadHtml(pageMarkup), candidate, selectors, context, "source-check");
      }
    } catch (error) {
      item.error = error instanceof Error ? error.message : String(error);
    }
    items.push(item);
  }
  return {
    url: response.url,
    kind: page.kind,
    charset: page.charset,
    itemCount: candidates.length,
    items,
  };
}
