import { load, type CheerioAPI } from "cheerio/slim";
import type { AnyNode, Document, Element } from "domhandler";
import { parseDocument } from "htmlparser2";
import { cleanBody, splitTrailingAttachments } from "./body.ts";
import { findColumn, hostFilter } from "./column.ts";
import { findMainContent, isFurniture } from "./content.ts";
import { labelledDays, type DateLabel } from "./date-labels.ts";
import { dayFromUrl, isPlausibleDay, parseDay } from "./dates.ts";
import {
  findHeadline,
  headlineBefore,
  headlineFromDocumentTitle,
  isSiteName,
  type Headline,
} from "./headline.ts";
import { entryDate, readRow, splitEdgeDate } from "./title-date.ts";
import { removeLeadingSubheads, removePhotoCaptions } from "./photo-captions.ts";
import type { ExtractedArticle } from "./extracted.ts";
import { cleanTitle, normaliseText } from "./text.ts";
import { findUnder, isElement, isText } from "./dom.ts";

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

const BLOCK = new Set(
  "p div li ul ol h1 h2 h3 h4 h5 h6 tr table tbody thead section article blockquote dd dt dl pre header footer figure figcaption center form hr main".split(
    " ",
  ),
);
const SKIP = new Set(
  "script style noscript iframe nav select button input textarea svg template head object map".split(" "),
);
/** A whole document (domhandler gives it node type 9). */
const DOCUMENT_NODE = 9;
const ATTACHMENT = /\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps|txt)(\?|$)|DownloadAttachUrl|download\.jsp/i;

export function absoluteUrl(href: string | undefined, base: string): string | undefined {
  if (!href || /^(javascript|mailto|tel):|^#/i.test(href.trim())) return undefined;
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of `roots` and what they hold, in reading order, with a line break around each block.
 * A walk with its own stack rather than recursion: broken pages nest unclosed tags thousands deep.
 */
function textParts(roots: readonly AnyNode[], baseUrl: string): string[] {
  const parts: string[] = [];
  // Nodes still to read, and the line breaks that close the blocks being read; the next one last.
  const pending: Array<AnyNode | "\n"> = [...roots].reverse();
  const readNext = (children: readonly AnyNode[]) => {
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  };
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (item === "\n" || isText(item)) {
      parts.push(item === "\n" ? item : item.data);
      continue;
    }
    if (item.nodeType === DOCUMENT_NODE) {
      readNext(item.children);
      continue;
    }
    // Processing instructions (`<?xml …?>` pasted into bodies) share the element node type.
    if (!isElement(item) || !("children" in item)) continue;
    const name = item.name.toLowerCase();
    if (SKIP.has(name)) continue;
    if (name === "br") {
      parts.push("\n");
      continue;
    }
    if (name === "img") {
      const src = absoluteUrl(item.attribs["data-src"] ?? item.attribs.src, baseUrl);
      if (src && !/\/(icon|logo|share|dot|spacer)|\.gif$/i.test(src)) parts.push(`\n图片：${src}\n`);
      continue;
    }
    const href = name === "a" ? absoluteUrl(item.attribs.href, baseUrl) : undefined;
    if (href && ATTACHMENT.test(href)) {
      const label = normaliseText(textParts(item.children, baseUrl).join("")).replace(/\n/g, " ");
      parts.push(`\n附件：${label} ${href}\n`);
      continue;
    }
    if (BLOCK.has(name)) {
      parts.push("\n");
      pending.push("\n");
    }
    readNext(item.children);
  }
  return parts;
}

/**
 * The readable text of an element: one line per block, images and attachments kept as links,
 * scripts, forms and navigation dropped.
 */
export function elementText(root: AnyNode, baseUrl: string): string {
  return normaliseText(textParts([root], baseUrl).join(""));
}

/**
 * The first element `selector` matches, in document order. The search stops there, where
 * `$(selector).first()` would match against the rest of the page too: on CMS pages the title,
 * date and content come well before the sidebar and footer.
 */
function firstMatch($: CheerioAPI, selector: string): Element | undefined {
  return $.extract({ match: { selector, value: (element: Element) => element } }).match;
}

function firstText($: CheerioAPI, selectors: readonly string[], scope?: AnyNode): string | undefined {
  for (const selector of selectors) {
    const found = scope ? $(scope).find(selector) : $(selector);
    const text = normaliseText(found.first().text());
    if (text) return text;
  }
  return undefined;
}

/**
 * The content of the first of the page's `<meta>`s named (or with the property) one of `names`, in
 * their order. The metas are gathered once per page: a selector per name walked a megabyte page a
 * dozen times. Some CMSs copy the headline's markup into a meta (`content="主题<div>——副题</div>"`),
 * which a reader never sees as tags.
 */
function metaContent(metas: readonly Element[], names: readonly string[]): string | undefined {
  const named = (meta: Element, name: string) =>
    meta.attribs.name?.toLowerCase() === name || meta.attribs.property?.toLowerCase() === name;
  for (const name of names) {
    const wanted = name.toLowerCase();
    const content = metas
      .find((meta) => named(meta, wanted))
      ?.attribs.content?.replace(/<[^<>]*>/g, "")
      .trim();
    if (content) return content;
  }
  return undefined;
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

const DATE_METAS = [
  "PubDate",
  "publishdate",
  "publish_date",
  "pubdate",
  "article:published_time",
  "og:release_date",
  "ArticleDate",
  "firstpublishedtime",
  "dc.date.issued",
  "apub:time",
  "dc.date",
  "date",
];
const DEFAULT_NOISE = [
  "script",
  "style",
  ".arti_views",
  ".share",
  ".bdsharebuttonbox",
  ".bshare-custom",
  "#div_vote_id",
];
/** How many lines after the headline the date line may be: source, author and counters come first. */
const DATE_LINE_WINDOW = 6;
/** Dates read as publication dates: unlabelled ones and those labelled 发布时间, 日期… */
const PUBLISHED: ReadonlySet<DateLabel> = new Set(["none", "publication"]);

/** The first plausible day in `texts` whose label is one of `labels`. */
function firstDay(
  texts: Iterable<string | undefined>,
  now: Date,
  labels: ReadonlySet<DateLabel> = PUBLISHED,
): string | undefined {
  for (const text of texts) {
    for (const { day, label } of labelledDays(text ?? "")) {
      if (labels.has(label) && isPlausibleDay(day, now)) return day;
    }
  }
  return undefined;
}

/** The texts of the first three elements each selector matches, looking past the first only when asked. */
function* selectorTexts($: CheerioAPI, selectors: readonly string[]): Generator<string> {
  for (const selector of selectors) {
    const first = firstMatch($, selector);
    if (!first) continue;
    yield normaliseText($(first).text());
    for (const element of $(selector).slice(1, 3).toArray()) yield normaliseText($(element).text());
  }
}

/** Text of the block around a headline that may hold its date line; larger ones are the page. */
const MAX_HEADER_CHARS = 3000;

/**
 * Whether the text under `root` (as `.text()` reads it) is longer than `limit`: counted only up
 * to the limit, because the block around a headline is often the whole page.
 */
function textLongerThan(root: AnyNode, limit: number): boolean {
  let length = 0;
  const pending: AnyNode[] = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (isText(node)) {
      length += node.data.length;
      if (length > limit) return true;
    } else if ("children" in node) {
      // In document order, so that the count is not put off to the bottom of a deep nesting.
      for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]!);
    }
  }
  return false;
}

/** How many elements beside a headline are read when the block around it is the whole page. */
const SIBLINGS_READ = 3;

/**
 * The headline with the few elements printed before and after it, for a headline whose parent
 * is the whole article (`<h1>` then `<div class="article-attr">` then the body).
 */
function besideHeadline(headline: Element, url: string): string[] {
  const read = (step: "prev" | "next"): string[] => {
    const lines: string[] = [];
    let node = headline[step];
    for (let count = 0; node && count < SIBLINGS_READ; node = node[step]) {
      if (!isElement(node)) continue;
      const own = elementText(node, url)
        .split("\n")
        .filter((line) => line !== "");
      if (step === "prev") lines.unshift(...own);
      else lines.push(...own);
      count++;
    }
    return lines;
  };
  return [...read("prev"), ...elementText(headline, url).split("\n"), ...read("next")];
}

interface HeadlineSurroundings {
  /** The lines under the headline, where the date line usually is. */
  under: string[];
  /** The line above it, alone and with the one before. */
  above: string[];
  /** Values labelled as the publication day in the block around the headline. */
  labelled: string[];
}

/**
 * How far above a headline a labelled date is looked for: government open-information pages
 * print a table (索引号, 发布机构, 发文日期, 生成日期…) over it.
 */
const LABEL_ABOVE_WINDOW = 20;
/** Labels naming the day a page was published (not 成文日期, the day a document was signed). */
const PUBLICATION_LABEL =
  /(?:发布日期|發布日期|发布时间|發布時間|发文日期|發文日期|生成日期|公开日期|公開日期|发稿时间|发表时间|发表日期)\s*[:：]\s*(.*)$/;

/** The values of publication-day labels, the value in the next line when a table cell holds the label alone. */
function publicationLabelled(lines: readonly string[]): string[] {
  const values: string[] = [];
  lines.forEach((line, index) => {
    const match = PUBLICATION_LABEL.exec(line);
    if (match) values.push(match[1] || (lines[index + 1] ?? ""));
  });
  return values;
}

/**
 * The lines after the headline, where the date, source and byline are printed, and what is
 * above it (blogs and some media print the date line there): read from the smallest block around
 * the headline element that holds more than the headline, or from the whole page when the
 * headline came from a meta tag.
 */
function linesAroundHeadline(
  $: CheerioAPI,
  headline: Headline,
  title: string,
  url: string,
): HeadlineSurroundings {
  let zone: AnyNode | undefined = headline.element ?? firstMatch($, "body");
  for (let up = 0; headline.element && up < 3; up++) {
    const parent: AnyNode | null | undefined = zone?.parent;
    if (!isElement(parent) || textLongerThan(parent, MAX_HEADER_CHARS)) break;
    zone = parent;
  }
  const lines =
    zone && zone === headline.element
      ? besideHeadline(zone, url)
      : zone
        ? elementText(zone, url).split("\n")
        : [];
  const at = title
    ? lines.findIndex((line) => line === title || (line.length < 200 && line.includes(title)))
    : -1;
  if (at < 0) return { under: [], above: [], labelled: [] };
  return {
    under: lines.slice(at + 1, at + 1 + DATE_LINE_WINDOW),
    labelled: publicationLabelled(
      lines.slice(Math.max(0, at - LABEL_ABOVE_WINDOW), at + 1 + DATE_LINE_WINDOW),
    ),
    // The nearest line first, then it with the one before (a date whose spans broke over two lines).
    above:
      headline.element && at > 0 ? [lines[at - 1] ?? "", lines.slice(Math.max(0, at - 2), at).join(" ")] : [],
  };
}

const LABELLED_ONLY: ReadonlySet<DateLabel> = new Set(["publication"]);
const REVISED: ReadonlySet<DateLabel> = new Set(["revision"]);

/**
 * The publication day: the CMS's date element, a publication date labelled around the headline,
 * the date line under it, date metas, a publication-labelled date anywhere, the URL, a date line
 * just above the headline, and only then a revision date (更新时间) in the date element or line.
 * Dates labelled as other days (截止时间, 会议时间) are never read. Never a day after `now`.
 */
function publicationDay(
  $: CheerioAPI,
  url: string,
  selectors: ArticleSelectors,
  around: HeadlineSurroundings,
  metas: readonly Element[],
  now: Date,
): string | undefined {
  const labelledLines = function* () {
    const body = firstMatch($, "body");
    for (const line of body ? elementText(body, url).split("\n") : []) {
      if (/时间|時間|日期/.test(line)) yield line;
    }
  };
  const dateLines = function* () {
    yield* selectorTexts($, selectors.date);
    yield* around.under;
    yield* labelledLines();
  };
  return (
    firstDay(selectorTexts($, selectors.date), now) ??
    firstDay(around.labelled, now) ??
    firstDay(around.under, now) ??
    firstDay([metaContent(metas, DATE_METAS)], now) ??
    firstDay(labelledLines(), now, LABELLED_ONLY) ??
    firstDay([dayFromUrl(url)], now) ??
    firstDay(around.above, now) ??
    firstDay(dateLines(), now, REVISED)
  );
}

function headlineOf(
  $: CheerioAPI,
  url: string,
  selectors: ArticleSelectors,
  metas: readonly Element[],
): Headline {
  for (const selector of selectors.title) {
    const element = firstMatch($, selector);
    const line = element ? elementText(element, url).split("\n")[0] : undefined;
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
function contentOf($: CheerioAPI, selectors: ArticleSelectors): { content?: AnyNode; usedFallback: boolean } {
  for (const selector of selectors.content) {
    const found = firstMatch($, selector);
    if (found && normaliseText($(found).text())) return { content: found, usedFallback: false };
  }
  const body = firstMatch($, "body") ?? $.root().get(0);
  return { content: (body && findMainContent(body)) ?? body, usedFallback: selectors.content.length > 0 };
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
  const around = linesAroundHeadline($, headline, title, url);
  const date = publicationDay($, url, selectors, around, metas, now);

  const { content, usedFallback } = contentOf($, selectors);
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

export interface ListSelectors {
  item: readonly string[];
  link: readonly string[];
  title: readonly string[];
  date: readonly string[];
  /** The source names its own item selector: it is trusted over the generic column finder. */
  declared?: boolean;
}

export interface ListItem {
  url: string;
  title?: string;
  date?: string;
}

function itemsBySelectors(
  $: CheerioAPI,
  pageUrl: string,
  selectors: ListSelectors,
  allowed: (url: string) => boolean,
): ListItem[] {
  const seen = new Set<string>();
  const items: ListItem[] = [];
  for (const itemSelector of selectors.item) {
    $(itemSelector).each((_, element) => {
      const row = $(element);
      let link = row.is("a") ? row : row.find(selectors.link.join(",")).first();
      if (link.length === 0) link = row.find("a[href]").first();
      const url = absoluteUrl(link.attr("href"), pageUrl);
      if (!url || seen.has(url) || !allowed(url)) return;
      const { title, date: titleDate } = splitEdgeDate(
        link.attr("title")?.trim() ||
          normaliseText(link.text()) ||
          firstText($, selectors.title, element) ||
          "",
      );
      if (!title) return;
      seen.add(url);
      const date =
        parseDay(firstText($, selectors.date, element)) ??
        entryDate(readRow(element, Number.POSITIVE_INFINITY, link.get(0)), titleDate) ??
        dayFromUrl(url);
      items.push({ url, title: cleanTitle(title), ...(date ? { date } : {}) });
    });
    if (items.length > 0) break;
  }
  return items;
}

/** The item with its date only when it can be a publication day, else the one in its URL if that can. */
function withPlausibleDate(item: ListItem, now: Date): ListItem {
  if (!item.date || isPlausibleDay(item.date, now)) return item;
  const { date: _, ...undated } = item;
  const fromUrl = dayFromUrl(item.url);
  return fromUrl && isPlausibleDay(fromUrl, now) ? { ...undated, date: fromUrl } : undated;
}

/**
 * The article links of a list page's column, with the titles and dates shown beside them: by the
 * source's own item selector when it names one, else the repeated block of dated links the page
 * is built around, else the CMS's usual selectors. Only links on the page's site (or on the hosts
 * the source declares) are items, and no date is after `now`.
 */
export function extractListItems(
  $: CheerioAPI,
  pageUrl: string,
  selectors: ListSelectors,
  options: { declaredHosts?: readonly string[]; now?: Date } = {},
): ListItem[] {
  const now = options.now ?? new Date(8.64e15);
  return listItems($, pageUrl, selectors, hostFilter(pageUrl, options.declaredHosts)).map((item) =>
    withPlausibleDate(item, now),
  );
}

function listItems(
  $: CheerioAPI,
  pageUrl: string,
  selectors: ListSelectors,
  allowed: (url: string) => boolean,
): ListItem[] {
  if (selectors.declared) return itemsBySelectors($, pageUrl, selectors, allowed);
  const column = findColumn($, pageUrl, (href) => absoluteUrl(href, pageUrl), allowed);
  if (column.length > 0) {
    return column.map((item) => ({ ...item, title: cleanTitle(item.title) }));
  }
  return itemsBySelectors($, pageUrl, selectors, allowed);
}

/** The "next page" link of a list page, if it has one. */
export function nextPageLink($: CheerioAPI, pageUrl: string): string | undefined {
  const byClass = $("a.next, a.Next, a.pages_next, a[rel=next]").first().attr("href");
  const byText = $("a")
    .filter((_, a) => /^(下一?页|下页|next|>|»)$/i.test(normaliseText($(a).text())))
    .first()
    .attr("href");
  const url = absoluteUrl(byClass ?? byText, pageUrl);
  return url && url !== pageUrl ? url : undefined;
}
