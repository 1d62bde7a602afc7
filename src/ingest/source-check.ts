import { systemClock, type Clock } from "../clock.ts";
import { messageForPeople } from "../errors.ts";
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

export interface SourceCheckDeps {
  http: HttpClient;
  logger: Logger;
  limit?: number;
  insecureTls?: boolean;
  /** As a source's `allowPrivateNetwork`: lets the check reach an intranet site. */
  allowPrivateNetwork?: boolean;
  /** As a source's `hosts`: other hosts its links and redirects may lead to. */
  hosts?: string[];
  clock?: Clock;
}

/**
 * What a source would yield, without storing anything: the kind its markup shows, the items its
 * list page or feed lists, and the extraction of the first `limit` of them. Only the URL's own
 * host and `hosts` are fetched from, as for a source.
 */
export async function checkSource(url: string, deps: SourceCheckDeps): Promise<SourceCheck> {
  const options: FetchOptions = {
    insecureTls: deps.insecureTls ?? false,
    allowPrivateNetwork: deps.allowPrivateNetwork ?? false,
    ...(URL.canParse(url) ? { allowedHosts: [new URL(url).host, ...(deps.hosts ?? [])] } : {}),
  };
  const response = await deps.http.fetch(url, options);
  const contentType = response.headers["content-type"];
  const page = decodePage(response.url, response.body, contentType);
  const context = { dataDir: "", logger: deps.logger, http: deps.http, clock: deps.clock ?? systemClock };
  const candidates = listedCandidates(page, {
    ...(deps.hosts?.length ? { declaredHosts: deps.hosts } : {}),
    now: context.clock(),
  });
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
      item.error = messageForPeople(error);
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
