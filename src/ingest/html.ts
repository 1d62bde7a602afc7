import { load, type CheerioAPI } from "cheerio/slim";
import type { AnyNode, Document, Element } from "domhandler";
import { parseDocument } from "htmlparser2";
import { linesAroundHeadline, pageLinesOf, publicationDay } from "./article-date.ts";
import { cleanBody, splitTrailingAttachments } from "./body.ts";
import { findMainContent, isFurniture } from "./content.ts";
import { findUnder, firstMatch, metaContent, textLongerThan } from "./dom.ts";
import { elementText, firstLines } from "./element-text.ts";
import type { ExtractedArticle } from "./extracted.ts";
import {
  findHeadline,
  headlineBefore,
  headlineFromDocumentTitle,
  isSiteName,
  type Headline,
} from "./headline.ts";
import { removeLeadingSubheads, removePhotoCaptions } from "./photo-captions.ts";
import { cleanTitle, normaliseText } from "./text.ts";

const INERT_START = /<(script|style)\b|<!--/gi;
const INERT_END = { script: /<\/script\s*>/gi, style: /<\/style\s*>/gi };

/**
 * The markup without scripts, styles and comments, which carry no article text and are often a
 * third of a CMS page. Each part is searched forward once, so the cost stays linear even when
 * thousands of them are left unclosed (a lazy `[\s\S]*?` regex rescans to the end for each).
 * An unclosed one runs to the end of the page, as it does in a browser.
 */
export function withoutInertParts(html: string): string {
  const kept: string[] = [];
  let from = 0;
  INERT_START.lastIndex = 0;
  for (let start = INERT_START.exec(html); start; start = INERT_START.exec(html)) {
    kept.push(html.slice(from, start.index));
    const name = start[1]?.toLowerCase() as "script" | "style" | undefined;
    let end = -1;
    if (name) {
      const closing = INERT_END[name];
      closing.lastIndex = INERT_START.lastIndex;
      const match = closing.exec(html);
      if (match) end = match.index + match[0].length;
    } else {
      const close = html.indexOf("-->", INERT_START.lastIndex);
      if (close >= 0) end = close + 3;
    }
    if (end < 0) return kept.join("");
    from = end;
    INERT_START.lastIndex = end;
  }
  kept.push(html.slice(from));
  return kept.join("");
}

/**
 * The one cheerio instance every page is queried through. Each `load` defines a class of its own,
 * and V8 keeps such a class, and through it the page's whole tree, alive until the next full
 * collection: every minor collection copied the trees of pages long done, a quarter of the time
 * spent extracting an article. Pages are bound to this instance instead.
 */
const sharedCheerio = load("");

/** `$` for one page: `$(selector)`, `$.root()` and the static methods read `document`, as `load`'s would. */
function bindTo(document: Document): CheerioAPI {
  const bound = (...[selector, context, root, options]: Parameters<CheerioAPI>) =>
    sharedCheerio(selector, context, root ?? document, options);
  return Object.assign(bound, sharedCheerio, { _root: document });
}

/** htmlparser2 rather than parse5: several times faster, and forgiving of broken CMS markup. */
export function loadHtml(html: string): CheerioAPI {
  return bindTo(parseDocument(withoutInertParts(html)));
}

export interface ArticleSelectors {
  title: readonly string[];
  date: readonly string[];
  content: readonly string[];
  /** Removed from the content before reading it: view counters, share bars, scripts. */
  noise?: readonly string[];
  /** Attachment links the CMS puts outside the content element. */
  attachments?: readonly string[];
}

export interface PageExtraction {
  article: ExtractedArticle;
  /** True when the content selectors given all missed and the generic guess was used. */
  usedFallback: boolean;
}

const DEFAULT_NOISE = [
  "script",
  "style",
  ".arti_views",
  ".share",
  ".bdsharebuttonbox",
  ".bshare-custom",
  "#div_vote_id",
];

function headlineOf(
  $: CheerioAPI,
  url: string,
  selectors: ArticleSelectors,
  metas: readonly Element[],
): Headline {
  for (const selector of selectors.title) {
    const element = firstMatch($, selector);
    const line = element ? firstLines(element, url, 1)[0] : undefined;
    if (element && line) return { text: line, element };
  }
  const titleElement = firstMatch($, "title");
  const documentTitle = titleElement ? normaliseText($(titleElement).text()).replace(/\n/g, " ") : "";
  const articleTitle = metaContent(metas, ["ArticleTitle"]);
  const ogTitle = metaContent(metas, ["og:title", "twitter:title"]);
  const found = findHeadline(
    $,
    [articleTitle, ogTitle, documentTitle].filter((t): t is string => !!t),
  );
  if (found) return found;
  if (articleTitle) return { text: articleTitle };
  const h1 = $("h1")
    .toArray()
    .map((element) => ({ text: normaliseText($(element).text()).replace(/\n/g, " "), element }))
    .find((heading) => heading.text.length >= 4 && !isSiteName(heading.text, documentTitle));
  if (h1) return h1;
  if (ogTitle) return { text: ogTitle };
  const fromTitle = headlineFromDocumentTitle(documentTitle);
  return (!printedOnPage($, fromTitle) && headlineAboveText($)) || { text: fromTitle };
}

/** Whether the page prints `text`: a headline is printed, a site's name kept for `<title>` may not be. */
function printedOnPage($: CheerioAPI, text: string): boolean {
  const squeeze = (value: string) => value.replace(/\s+/g, "");
  return squeeze($("body").text()).includes(squeeze(text));
}

/** The heading-like block over the densest text, read only when nothing names the headline. */
function headlineAboveText($: CheerioAPI): Headline | undefined {
  const body = firstMatch($, "body");
  const content = body && findMainContent(body);
  return content ? headlineBefore($, content) : undefined;
}

/** The content element the profile's selectors name, or the densest text block. */
function contentOf(
  $: CheerioAPI,
  selectors: ArticleSelectors,
  headline?: Element,
): { content?: AnyNode; usedFallback: boolean } {
  for (const selector of selectors.content) {
    const found = firstMatch($, selector);
    if (found && normaliseText($(found).text())) return { content: found, usedFallback: false };
  }
  const body = firstMatch($, "body") ?? $.root().get(0);
  return {
    content: (body && findMainContent(body, headline)) ?? body,
    usedFallback: selectors.content.length > 0,
  };
}

/** A share bar or related-links box is short; a block this long named `…nav…` is the article. */
const MAX_FURNITURE_CHARS = 1500;

/** The next label on a meta line ends a value: `作者：张三发布时间：…` (spans run together). */
const NEXT_LABEL =
  /(责任|責任|发布|發布|时间|時間|日期|来源|來源|作者|编辑|編輯|浏览|瀏覽|点击|點擊|阅读|閱讀)/;

function labelledValue(label: RegExp, line: string): string | undefined {
  const match = new RegExp(`${label.source}\\s*[:：]\\s*([^\\s:：|｜]+)`).exec(line);
  const value = match?.[1]?.split(NEXT_LABEL)[0];
  return value && value.length >= 2 ? value : undefined;
}

/** Title, date, body and credits of one article page. */
export function extractArticle(
  $: CheerioAPI,
  url: string,
  selectors: ArticleSelectors,
  options: { now?: Date } = {},
): PageExtraction {
  const now = options.now ?? new Date(8.64e15);
  const metas = $("meta").toArray();
  const headline = headlineOf($, url, selectors, metas);
  const title = cleanTitle(headline.text);
  const pageLines = pageLinesOf($, url);
  const around = linesAroundHeadline(headline, title, url, pageLines);
  const date = publicationDay($, url, selectors.date, around, metas, pageLines, now);

  const { content, usedFallback } = contentOf($, selectors, headline.element);
  const body = content ?? $.root().get(0);
  if (body) {
    findUnder($, body, [...DEFAULT_NOISE, ...(selectors.noise ?? [])].join(",")).remove();
    findUnder($, body, "[class], [id]")
      .filter((_, element) => isFurniture(element) && !textLongerThan(element, MAX_FURNITURE_CHARS - 1))
      .remove();
  }
  if (content) {
    removePhotoCaptions($, content);
    removeLeadingSubheads($, content);
  }
  const outside = (selectors.attachments ?? []).flatMap((selector) =>
    $(selector)
      .toArray()
      .map((link) => elementText(link, url)),
  );
  const cleaned = cleanBody(content ? elementText(content, url) : "", title);
  const { body: bodyLines, attachments } = splitTrailingAttachments(
    [...cleaned.text.split("\n"), ...outside].filter((line) => line !== ""),
  );
  const dateLine = around.under.join("\n");
  const author =
    labelledValue(/(?:作者|撰稿)/, dateLine) ?? cleaned.author ?? labelledValue(/发布者/, dateLine);
  const origin = labelledValue(/(?:来源|來源)/, dateLine) ?? cleaned.origin;
  return {
    usedFallback,
    article: {
      url,
      title,
      text: bodyLines.join("\n"),
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(date ? { date } : {}),
      ...(author ? { author } : {}),
      ...(origin ? { origin } : {}),
      ...(cleaned.reviewer ? { reviewer: cleaned.reviewer } : {}),
    },
  };
}
