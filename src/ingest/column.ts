import type { CheerioAPI } from "cheerio/slim";
import type { AnyNode, Element } from "domhandler";
import { dayFromUrl } from "./dates.ts";
import { findUnder, firstMatch, isElement, isText } from "./dom.ts";
import { normaliseText } from "./text.ts";
import { dayOnly, entryDate, markedIfDayOnly, readRow, splitEdgeDate } from "./title-date.ts";

/** How far up from a link its column's container may be: a table per entry puts it five up. */
const MAX_ROW_DEPTH = 6;
/** A row with more links than this is a block of its own (a sidebar box), not one entry. */
const MAX_LINKS_PER_ROW = 4;
/** Menu entries are a few characters; article titles are longer. */
const MIN_TITLE_CHARS = 6;
/** Longer link texts are summaries, not titles. */
const MAX_TITLE_CHARS = 100;
/** Beyond this a row is a page section, not an entry; its text is not read for a date. */
const MAX_ROW_CHARS = 600;

/** How much of the element after a bare link is read for the entry's date (`<a>…</a><span>日期</span>`). */
const DATE_BESIDE_CHARS = 40;

function nextElement(node: AnyNode): Element | undefined {
  for (let next = node.next; next; next = next.next) if (isElement(next)) return next;
  return undefined;
}

/**
 * The date a row prints (see `entryDate`), read only from a short row (a longer one is a page
 * section); for a row that is the link itself, also from the start of the element after it.
 */
function rowDate(row: AnyNode, main: RowLink): string | undefined {
  const own = readRow(row, MAX_ROW_CHARS, main.node);
  if (!own.whole) return undefined;
  const beside = row === main.element ? nextElement(row) : undefined;
  const after = beside
    ? readRow(beside, 2 * DATE_BESIDE_CHARS)
        .text.trim()
        .slice(0, DATE_BESIDE_CHARS)
    : "";
  return entryDate(own, main.date, after);
}

export interface ColumnLink {
  url: string;
  title: string;
  date?: string;
}

type RowLink = { element: Element; url: string } & LinkTitle;

interface Row {
  links: RowLink[];
}

/** Labels a list prints inside an entry's link, in an element of their own, before or after its title. */
const BADGE =
  /^[[【(（]?(专题|專題|置顶|置頂|顶|頂|热|熱|热门|熱門|新|最新|荐|薦|推荐|推薦|图|圖|图文|圖文|组图|組圖|视频|視頻|直播|独家|獨家|原创|原創|hot|new|top)[\]】)）]?$/i;

/** A column's category printed in brackets of its own before or after a title (`<i>[培养方案]</i>`). */
const CATEGORY_LABEL = /^[[【〔［][^\]】〕］]{1,8}[\]】〕］]$/;

/** Bullets and arrows a template prints in an element of their own (`<i>&gt;</i>`): no letter or digit. */
const ORNAMENT = /^[^\p{L}\p{N}]+$/u;

/** Whether an element inside a link is a label or ornament printed beside the title, not part of it. */
function isBesideTitle(text: string): boolean {
  const trimmed = text.trim();
  return BADGE.test(trimmed) || CATEGORY_LABEL.test(trimmed) || ORNAMENT.test(trimmed);
}

/**
 * Text of a node without the badges, labels and ornaments in it (`<span class="zt">专题</span>传奇落幕！…`),
 * with an element holding only a date marked as set apart from the title.
 */
function textWithoutBadges(node: AnyNode, top: boolean): string {
  if (isText(node)) return node.data;
  if (!isElement(node)) return "";
  const text = node.children.map((child) => textWithoutBadges(child, false)).join("");
  if (top) return text;
  // A date in brackets of its own (`[26-09-28]`) is the entry's date, not a category label.
  return isBesideTitle(text) && !dayOnly(text.trim()) ? "" : markedIfDayOnly(text);
}

const HEADING = /^h[1-5]$/;
const TEXT_BLOCKS = new Set(["div", "p", "li", "dd", "dt", "section"]);

/** A block of text only (no block inside) with headline-sized words in it, not a date or a counter. */
function isHeadlineBlock(node: Element): boolean {
  if (
    !TEXT_BLOCKS.has(node.name) ||
    node.children.some((child) => isElement(child) && TEXT_BLOCKS.has(child.name))
  )
    return false;
  const letters = readRow(node, MAX_TITLE_CHARS).text.match(/\p{L}/gu)?.length ?? 0;
  return letters >= MIN_TITLE_CHARS;
}

/**
 * The first heading (`<h1>`–`<h5>` or a `…title…` class) inside a card link, in document order;
 * without one, the first block that holds a headline's words (a card of picture, headline, date
 * and summary in plain `<div>`s). A walk rather than a selector per link: compiling and running
 * one for each of thousands of links was most of the time spent on link-heavy pages.
 */
function cardHeading(link: Element): Element | undefined {
  let firstBlock: Element | undefined;
  const pending: AnyNode[] = [...link.children].reverse();
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (!isElement(node)) continue;
    if (HEADING.test(node.name) || node.attribs.class?.includes("title")) return node;
    if (!firstBlock && isHeadlineBlock(node)) firstBlock = node;
    for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]!);
  }
  return firstBlock;
}

interface LinkTitle {
  title: string;
  /** The date printed at the title's start or end, apart from it. */
  date?: string;
  /** The element the title is read from: the link, or the heading inside a card link. */
  node: Element;
}

/** How a page marks a title it cut short. */
const CUT = /(\.\.\.|…|。。。)$/;

/** Pairs of neighbouring characters in a text's words, to tell whether two texts speak of the same thing. */
function wordPairs(text: string): Set<string> {
  const letters = text.replace(/[\s\p{P}\p{S}]/gu, "");
  const pairs = new Set<string>();
  for (let at = 0; at + 2 <= letters.length; at++) pairs.add(letters.slice(at, at + 2));
  return pairs;
}

/** A summary shares at least this many pairs with its headline; a `点击查看详情` label shares none. */
const MIN_SHARED_PAIRS = 2;

/**
 * Whether `text` is the summary printed with an entry rather than its title, given the shorter
 * `headline` the entry also links or names the article by: longer, not the headline's full form,
 * and about the same thing.
 */
function isSummaryBeside(text: string, headline: string): boolean {
  if (headline.length < MIN_TITLE_CHARS || text.length <= headline.length) return false;
  if (text.startsWith(headline.replace(CUT, ""))) return false;
  const pairs = wordPairs(text);
  let shared = 0;
  for (const pair of wordPairs(headline)) if (pairs.has(pair)) shared++;
  return shared >= MIN_SHARED_PAIRS;
}

/** Icon-font glyphs (Unicode's private use area): a reader sees a picture, not text. */
const ICON_GLYPHS = /[\ue000-\uf8ff]/g;

/** A link's title as the page shows it, or the full one when the page cuts it (`…`). */
function linkTitle(element: Element): LinkTitle {
  // Card links wrap a heading, a date and a summary: the heading is the title.
  const node = cardHeading(element) ?? element;
  const shown = splitEdgeDate(
    normaliseText(textWithoutBadges(node, true).replace(ICON_GLYPHS, "")).replace(/\n/g, " "),
  );
  const attribute = splitEdgeDate(normaliseText(element.attribs.title ?? "").replace(/\n/g, " "));
  const text = shown.title;
  if (
    attribute.title &&
    (text === "" ||
      CUT.test(text) ||
      attribute.title.startsWith(text) ||
      isSummaryBeside(text, attribute.title))
  ) {
    return { title: attribute.title, node, ...(shown.date ? { date: shown.date } : {}) };
  }
  return { ...shown, node };
}

/** One word of a pager's links: a page number, first/previous/next/last, an arrow. */
const PAGER_WORD =
  /^[<>«»‹›]*(?:\d+|首页|尾页|末页|[上下前后]一?页|当前页|页面|第\d+页|first|last|prev(?:ious)?|next)?[<>«»‹›]*$/i;

/** Whether a link's text is a pager control (`末页 »`, `当前页 1`, `下一页>>`), which lists no article. */
function isPagerControl(title: string): boolean {
  return title !== "" && title.split(" ").every((word) => PAGER_WORD.test(word));
}

/** The registrable part of a host: `news.163.com` → `163.com`, `itsc.nju.edu.cn` → `nju.edu.cn`. */
function siteOf(host: string): string {
  const labels = host.replace(/^www\./, "").split(".");
  const secondLevel = /^(edu|gov|com|org|net|ac)$/.test(labels[labels.length - 2] ?? "") && labels.length > 2;
  return labels.slice(secondLevel ? -3 : -2).join(".");
}

/**
 * Which hosts a column's items may be on: the page's site, or — when the source declares hosts —
 * exactly the page's host and those.
 */
export function hostFilter(pageUrl: string, declaredHosts?: readonly string[]): (url: string) => boolean {
  const pageHost = new URL(pageUrl).hostname;
  if (declaredHosts) {
    // Declared as URL.host (a port may follow); links are told apart by host name alone.
    const allowed = new Set([pageHost, ...declaredHosts.map((host) => new URL(`http://${host}`).hostname)]);
    return (url) => allowed.has(new URL(url).hostname);
  }
  const site = siteOf(pageHost);
  return (url) => siteOf(new URL(url).hostname) === site;
}

function signature(node: AnyNode | null): string {
  return isElement(node) ? `${node.name}.${node.attribs.class ?? ""}` : "";
}

/**
 * Whether `block` continues the column `best`: a sibling or cousin built the same way, as when a
 * column is printed as several `<ul>` blocks of five, each in its own `<div class="cnt">`.
 */
function isSameBlock(block: AnyNode, best: AnyNode): boolean {
  if (signature(block) !== signature(best) || signature(block) === "") return false;
  if (block.parent === best.parent) return true;
  return (
    block.parent?.parent === best.parent?.parent &&
    block.parent?.parent !== undefined &&
    signature(block.parent) === signature(best.parent)
  );
}

/** How well a link's text names its article: headline-sized texts by length, longer ones not at all. */
function titleWeight(title: string): number {
  return title.length <= MAX_TITLE_CHARS ? title.length : 0;
}

/**
 * Whether `title` names a row's article better than `known`: a row links its article more than
 * once (picture, title, summary, `全文》`), and the longest text that is still headline-sized and
 * not a summary of a shorter one names it.
 */
function namesBetter(title: string, known: string): boolean {
  return (
    !isSummaryBeside(title, known) &&
    (isSummaryBeside(known, title) || titleWeight(title) > titleWeight(known))
  );
}

/**
 * The entries of a page's column, found without selectors: of all elements whose children repeat
 * as rows of one or a few links, the one whose rows look most like dated article entries (long
 * titles, a date), with its same-looking siblings (columns printed as several `<ul>` blocks).
 */
export function findColumn(
  $: CheerioAPI,
  pageUrl: string,
  resolve: (href: string | undefined) => string | undefined,
  allowed: (url: string) => boolean,
): ColumnLink[] {
  const containers = new Map<AnyNode, Map<AnyNode, Row>>();
  const body = firstMatch($, "body");
  // Not `body a[href]`: that checks each link's ancestors, quadratic in unclosed-tag nesting.
  const bodyLinks = body ? findUnder($, body, "a[href]").toArray() : [];
  for (const link of bodyLinks) {
    const url = resolve(link.attribs.href);
    if (!url || url === pageUrl || url.split("#")[0] === pageUrl.split("#")[0] || !allowed(url)) continue;
    const named = linkTitle(link);
    if (isPagerControl(named.title)) continue;
    // One record for the link, shared by the rows it is counted in at each level above it.
    const rowLink: RowLink = { element: link, url, ...named };
    let row: AnyNode = link;
    for (let depth = 0; depth < MAX_ROW_DEPTH && row.parent; depth++) {
      const container: AnyNode = row.parent;
      let rows = containers.get(container);
      if (!rows) containers.set(container, (rows = new Map<AnyNode, Row>()));
      let entry = rows.get(row);
      if (!entry) rows.set(row, (entry = { links: [] }));
      entry.links.push(rowLink);
      row = container;
    }
  }

  const readRows = (rows: Map<AnyNode, Row>) => {
    const entries: Array<ColumnLink & { score: number }> = [];
    for (const [row, { links }] of rows) {
      const distinct = new Map<string, (typeof links)[number]>();
      for (const link of links) {
        const known = distinct.get(link.url);
        if (!known || namesBetter(link.title, known.title)) distinct.set(link.url, link);
      }
      if (distinct.size > MAX_LINKS_PER_ROW) continue;
      const main = [...distinct.values()].sort((a, b) => titleWeight(b.title) - titleWeight(a.title))[0];
      if (!main || main.title === "") continue;
      const date = rowDate(row, main);
      const score = (main.title.length >= MIN_TITLE_CHARS ? 1 : 0.1) + (date ? 1 : 0);
      entries.push({ url: main.url, title: main.title, ...(date ? { date } : {}), score });
    }
    return entries;
  };

  let best: AnyNode | undefined;
  let bestScore = 0;
  // Kept for the column's blocks, which are read again below: reading rows is most of the work.
  const read = new Map<AnyNode, ReturnType<typeof readRows>>();
  for (const [container, rows] of containers) {
    if (rows.size < 2) continue;
    const entries = readRows(rows);
    read.set(container, entries);
    const articles = entries.filter((entry) => entry.score >= 1).length;
    if (articles < 2) continue;
    const score = entries.reduce((sum, entry) => sum + entry.score, 0);
    if (score > bestScore) {
      best = container;
      bestScore = score;
    }
  }
  if (!best) return [];
  const blocks = [...containers.keys()].filter((block) => block === best || isSameBlock(block, best));
  const seen = new Set<string>();
  const items: ColumnLink[] = [];
  for (const block of blocks) {
    const rows = containers.get(block);
    if (!rows) continue;
    for (const { score, ...item } of read.get(block) ?? readRows(rows)) {
      if (score < 1 || seen.has(item.url)) continue;
      seen.add(item.url);
      items.push({
        ...item,
        ...(item.date ? {} : dayFromUrl(item.url) ? { date: dayFromUrl(item.url) } : {}),
      });
    }
  }
  return items;
}
