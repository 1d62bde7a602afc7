import type { Candidate } from "./adapter.ts";
import { detectKind, profileForMarkup } from "./adapters/detect.ts";
import { selectorsFor } from "./adapters/list-site.ts";
import { candidateOf, parseFeed } from "./adapters/rss.ts";
import { decodePageBytes } from "./charset.ts";
import type { ExtractedArticle } from "./extracted.ts";
import { extractArticle, loadHtml } from "./html.ts";
import { extractListItems } from "./list-items.ts";
import type { SourceKind } from "./sources.ts";

/** A fetched page as ingestion first sees it: decoded, and recognised as a feed or a CMS's page. */
export interface DecodedPage {
  url: string;
  markup: string;
  charset: string;
  kind: SourceKind;
}

export function decodePage(url: string, bytes: Buffer, contentType?: string): DecodedPage {
  const { charset, text } = decodePageBytes(bytes, contentType);
  return { url, markup: text, charset, kind: detectKind(text) };
}

/** The items a column page or feed lists, read with the selectors of the CMS its markup shows. */
export function listedCandidates(
  page: DecodedPage,
  options: { declaredHosts?: readonly string[]; now?: Date } = {},
): Candidate[] {
  if (page.kind === "rss") return parseFeed(page.markup, page.url).map(candidateOf);
  const selectors = selectorsFor(profileForMarkup(page.markup), {}).list;
  return extractListItems(loadHtml(page.markup), page.url, selectors, options);
}

/** What ingestion would store for one article page, judged on its own markup. */
export function articleOfPage(page: DecodedPage, now: Date): ExtractedArticle {
  const selectors = profileForMarkup(page.markup).article;
  return extractArticle(loadHtml(page.markup), page.url, selectors, { now }).article;
}
