import type { CheerioAPI } from "cheerio/slim";
import type { Adapter, AdapterContext, Candidate, Discovery } from "../adapter.ts";
import { fetchArticlePage, fetchOptionsFor, webDiscovery } from "../adapter.ts";
import { decodeBody } from "../charset.ts";
import { UpstreamRefusedError } from "../../errors.ts";
import type { ExtractedArticle } from "../extracted.ts";
import { extractArticle, loadHtml, type ArticleSelectors } from "../html.ts";
import { extractListItems, nextPageLink, type ListSelectors } from "../list-items.ts";
import type { HttpResponse } from "../http.ts";
import type { Source, SourceKind } from "../sources.ts";

/** How one CMS lays out column lists and article pages. */
export interface SiteProfile {
  kind: SourceKind;
  list: ListSelectors;
  article: ArticleSelectors;
  /** Whether a page's markup carries a marker only this CMS prints. */
  recognise(html: string): boolean;
  /**
   * Whether it carries markup other CMSs' templates copy too; decides only when no CMS's own marker
   * is there.
   */
  resembles?(html: string): boolean;
  /** Page `n` (2, 3, …) of a column, when the CMS numbers pages predictably. */
  pageUrl?(columnUrl: string, page: number): string | undefined;
}

function withOverride(override: string | undefined, defaults: readonly string[]): readonly string[] {
  return override ? [override, ...defaults] : defaults;
}

/** The profile's selectors, with the source's own (from the sources file) tried first. */
export function selectorsFor(profile: SiteProfile, source: Pick<Source, "selectors">) {
  const own = source.selectors ?? {};
  return {
    list: {
      item: withOverride(own.item, profile.list.item),
      declared: own.item !== undefined,
      link: withOverride(own.link, profile.list.link),
      title: withOverride(own.title, profile.list.title),
      date: withOverride(own.date, profile.list.date),
    } satisfies ListSelectors,
    article: {
      ...profile.article,
      title: withOverride(own.articleTitle, profile.article.title),
      date: withOverride(own.articleDate, profile.article.date),
      content: withOverride(own.content, profile.article.content),
    } satisfies ArticleSelectors,
  };
}

function htmlOf(response: HttpResponse): CheerioAPI {
  return loadHtml(decodeBody(response.body, response.headers["content-type"]));
}

/** Extracts one fetched article page; warns when the profile's content selectors missed. */
export function articleFromPage(
  $: CheerioAPI,
  candidate: Candidate,
  selectors: ArticleSelectors,
  context: AdapterContext,
  sourceId: string,
): ExtractedArticle {
  const { article, usedFallback } = extractArticle($, candidate.url, selectors, { now: context.clock() });
  if (usedFallback) {
    context.logger.warn(
      { sourceId, url: candidate.url },
      "article content selectors matched nothing; used generic extraction — the source's selectors need attention",
    );
  }
  const date = article.date ?? candidate.date;
  return { ...article, title: article.title || candidate.title || "", ...(date ? { date } : {}) };
}

/** An adapter for CMSs that publish column list pages linking to article pages. */
export function createListSiteAdapter(profile: SiteProfile): Adapter {
  return {
    async discover(source, context): Promise<Discovery> {
      const selectors = selectorsFor(profile, source);
      const options = fetchOptionsFor(source);
      const candidates: Candidate[] = [];
      const toRemember: Array<[string, HttpResponse]> = [];
      let notModified = true;
      for (const columnUrl of source.urls) {
        let pageUrl: string | undefined = columnUrl;
        for (let page = 1; pageUrl && page <= source.maxPages; page++) {
          let response: HttpResponse;
          try {
            response = await context.http.fetch(pageUrl, { ...options, conditional: page === 1 });
          } catch (error) {
            // Later pages that do not exist end the column; a missing first page is the source's problem.
            if (page > 1 && error instanceof UpstreamRefusedError) break;
            throw error;
          }
          if (response.notModified) break;
          notModified = false;
          if (page === 1) toRemember.push([columnUrl, response]);
          const $ = htmlOf(response);
          const items = extractListItems($, response.url, selectors.list, {
            ...(source.hosts ? { declaredHosts: source.hosts } : {}),
            now: context.clock(),
          });
          if (items.length === 0 && page === 1) {
            context.logger.warn(
              { sourceId: source.id, url: pageUrl },
              "list page yielded no items — the page layout may have changed; the source's selectors need attention",
            );
          }
          candidates.push(...items);
          pageUrl = profile.pageUrl?.(columnUrl, page + 1) ?? nextPageLink($, response.url);
        }
      }
      return webDiscovery(context.http, { candidates, notModified, pages: toRemember });
    },

    async fetchArticle(candidate, source, context, options) {
      const response = await fetchArticlePage(candidate, source, context, options?.conditional);
      if (!response) return undefined;
      const selectors = selectorsFor(profile, source).article;
      return articleFromPage(htmlOf(response), candidate, selectors, context, source.id);
    },
  };
}
