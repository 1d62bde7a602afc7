import { XMLParser } from "fast-xml-parser";
import type { Adapter, Candidate, Discovery } from "../adapter.ts";
import { fetchArticlePage, fetchOptionsFor, webDiscovery } from "../adapter.ts";
import { cleanBody } from "../body.ts";
import { decodeBody } from "../charset.ts";
import { parseDay } from "../dates.ts";
import { InputError } from "../../errors.ts";
import { absoluteUrl, elementText } from "../element-text.ts";
import { loadHtml } from "../html.ts";
import type { HttpResponse } from "../http.ts";
import { cleanTitle } from "../text.ts";
import { articleFromPage } from "./list-site.ts";
import { profileForMarkup } from "./detect.ts";

/** A feed item whose text is shorter than this is a summary; the page is fetched for the rest. */
const FULL_TEXT_MIN_CHARS = 200;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ["item", "entry", "link"].includes(name),
});

export interface FeedItem {
  url: string;
  title: string;
  date?: string;
  /** Body text when the feed carries it in full. */
  text?: string;
  author?: string;
}

type XmlNode = Record<string, unknown>;

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (value && typeof value === "object") return text((value as XmlNode)["#text"]);
  return "";
}

function htmlToText(html: string, baseUrl: string): string {
  const $ = loadHtml(html);
  const root = $.root().get(0);
  return root ? cleanBody(elementText(root, baseUrl)).text : "";
}

/** Atom links: the `rel="alternate"` (or first) `href`; RSS links: the element text. */
function linkOf(value: unknown): string {
  if (!Array.isArray(value)) return text(value);
  const links = value as unknown[];
  const alternate = links.find((l) => {
    const rel = (l as XmlNode | undefined)?.["@_rel"];
    return typeof l === "object" && (rel === undefined || rel === "alternate");
  });
  const href = (alternate as XmlNode | undefined)?.["@_href"];
  return typeof href === "string" ? href : text(links[0]);
}

function toItem(entry: XmlNode, feedUrl: string): FeedItem | undefined {
  const url = absoluteUrl(linkOf(entry.link).trim() || text(entry.guid).trim(), feedUrl);
  const title = cleanTitle(text(entry.title));
  if (!url || !title) return undefined;
  const date = parseDay(
    text(entry.pubDate) || text(entry.published) || text(entry["dc:date"]) || text(entry.updated),
  );
  const full = text(entry["content:encoded"]) || text(entry.content);
  const summary = text(entry.description) || text(entry.summary);
  const body = htmlToText(full || summary, url);
  const author =
    text(entry["dc:creator"]) || text((entry.author as XmlNode | undefined)?.name) || text(entry.author);
  return {
    url,
    title,
    ...(date ? { date } : {}),
    ...(body.length >= FULL_TEXT_MIN_CHARS || (full && body) ? { text: body } : {}),
    ...(author.trim() ? { author: author.trim() } : {}),
  };
}

/** Items of an RSS 2.0, Atom or RSS 1.0 (RDF) feed. */
export function parseFeed(xml: string, feedUrl: string): FeedItem[] {
  const doc = parser.parse(xml) as XmlNode;
  const rss = doc.rss as XmlNode | undefined;
  const feed = doc.feed as XmlNode | undefined;
  const rdf = doc["rdf:RDF"] as XmlNode | undefined;
  const entries = ((rss?.channel as XmlNode | undefined)?.item ?? feed?.entry ?? rdf?.item) as
    XmlNode[] | undefined;
  if (!entries) throw new InputError("not an RSS, Atom or RDF feed", { url: feedUrl });
  return entries
    .map((entry) => toItem(entry, feedUrl))
    .filter((item): item is FeedItem => item !== undefined);
}

export function candidateOf(item: FeedItem): Candidate {
  const base = { url: item.url, title: item.title, ...(item.date ? { date: item.date } : {}) };
  if (item.text === undefined) return base;
  return {
    ...base,
    article: { ...base, text: item.text, ...(item.author ? { author: item.author } : {}) },
  };
}

/** RSS/Atom/RDF feeds: full text from the feed when it has it, otherwise from the article page. */
export const rssAdapter: Adapter = {
  async discover(source, context): Promise<Discovery> {
    const candidates: Candidate[] = [];
    const toRemember: Array<[string, HttpResponse]> = [];
    let notModified = true;
    for (const url of source.urls) {
      const response = await context.http.fetch(url, { ...fetchOptionsFor(source), conditional: true });
      if (response.notModified) continue;
      notModified = false;
      toRemember.push([url, response]);
      const items = parseFeed(decodeBody(response.body, response.headers["content-type"]), response.url);
      candidates.push(...items.map(candidateOf));
    }
    return webDiscovery(context.http, { candidates, notModified, pages: toRemember });
  },

  async fetchArticle(candidate, source, context, options) {
    const response = await fetchArticlePage(candidate, source, context, options?.conditional);
    if (!response) return undefined;
    const markup = decodeBody(response.body, response.headers["content-type"]);
    return articleFromPage(loadHtml(markup), candidate, profileForMarkup(markup).article, context, source.id);
  },
};
