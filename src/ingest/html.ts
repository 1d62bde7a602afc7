import { load, type Cheerio, type CheerioAPI } from "cheerio/slim";
import type { AnyNode, Element } from "domhandler";
import { cleanBody } from "./body.ts";
import { dayFromUrl, parseDay } from "./dates.ts";
import type { ExtractedArticle } from "./extracted.ts";
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

/** htmlparser2 rather than parse5: several times faster, and forgiving of broken CMS markup. */
export function loadHtml(html: string): CheerioAPI {
  return load(withoutInertParts(html));
}

const BLOCK = new Set(
  "p div li ul ol h1 h2 h3 h4 h5 h6 tr table tbody thead section article blockquote dd dt dl pre header footer figure figcaption center form hr main".split(
    " ",
  ),
);
const SKIP = new Set(
  "script style noscript iframe nav select button input textarea svg template head object map".split(" "),
);
/** DOM node types (domhandler's `type` is an enum we do not import at run time). */
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
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
 * The readable text of an element: one line per block, images and attachments kept as links,
 * scripts, forms and navigation dropped.
 */
export function elementText(root: AnyNode, baseUrl: string): string {
  const collect = (anyNode: AnyNode, parts: string[]): void => {
    if (anyNode.nodeType === TEXT_NODE) {
      parts.push(anyNode.data);
      return;
    }
    if (anyNode.nodeType === DOCUMENT_NODE) {
      for (const child of anyNode.children) collect(child, parts);
      return;
    }
    if (anyNode.nodeType !== ELEMENT_NODE) return;
    const node = anyNode as Element;
    const name = node.name.toLowerCase();
    if (SKIP.has(name)) return;
    if (name === "br") {
      parts.push("\n");
      return;
    }
    if (name === "img") {
      const src = absoluteUrl(node.attribs["data-src"] ?? node.attribs.src, baseUrl);
      if (src && !/\/(icon|logo|share|dot|spacer)|\.gif$/i.test(src)) parts.push(`\n图片：${src}\n`);
      return;
    }
    const href = name === "a" ? absoluteUrl(node.attribs.href, baseUrl) : undefined;
    if (href && ATTACHMENT.test(href)) {
      const label: string[] = [];
      for (const child of node.children) collect(child, label);
      parts.push(`\n附件：${normaliseText(label.join("")).replace(/\n/g, " ")} ${href}\n`);
      return;
    }
    const block = BLOCK.has(name);
    if (block) parts.push("\n");
    for (const child of node.children) collect(child, parts);
    if (block) parts.push("\n");
  };
  const parts: string[] = [];
  collect(root, parts);
  return normaliseText(parts.join(""));
}

const CJK = /[\u3400-\u9fff]/g;

function cjkCount(text: string): number {
  return text.match(CJK)?.length ?? 0;
}

/**
 * The element most likely to hold the article when no selector matched: the block whose own
 * text (not links) carries the most Chinese characters, crediting parents a little too.
 */
function guessMainContent($: CheerioAPI): Element | undefined {
  const scores = new Map<Element, number>();
  const credit = (element: Element | null, amount: number) => {
    if (element?.nodeType === ELEMENT_NODE && !/^(body|html)$/i.test(element.name)) {
      scores.set(element, (scores.get(element) ?? 0) + amount);
    }
  };
  $("body *").each((_, element) => {
    if (SKIP.has(element.name) || element.name === "a") return;
    let own = 0;
    for (const child of element.children) if (child.nodeType === TEXT_NODE) own += cjkCount(child.data);
    if (own < 10) return;
    const target = BLOCK.has(element.name) ? element : (element.parent as Element | null);
    credit(target, own);
    credit(target?.parent as Element | null, own * 0.6);
    credit(target?.parent?.parent as Element | null, own * 0.3);
  });
  let best: Element | undefined;
  let bestScore = 0;
  for (const [element, score] of scores) {
    const linkText = cjkCount($(element).find("a").text());
    const adjusted = score - linkText * 2;
    if (adjusted > bestScore) {
      best = element;
      bestScore = adjusted;
    }
  }
  return best;
}

function firstText($: CheerioAPI, selectors: readonly string[], scope?: AnyNode): string | undefined {
  for (const selector of selectors) {
    const found = scope ? $(scope).find(selector) : $(selector);
    const text = normaliseText(found.first().text());
    if (text) return text;
  }
  return undefined;
}

/** A title element's first line: broken pages leave `<h1>` open around the whole article. */
function firstLineOf($: CheerioAPI, selectors: readonly string[], baseUrl: string): string | undefined {
  for (const selector of selectors) {
    const element = $(selector).first().get(0);
    const line = element ? elementText(element, baseUrl).split("\n")[0] : undefined;
    if (line) return line;
  }
  return undefined;
}

function metaContent($: CheerioAPI, names: readonly string[]): string | undefined {
  for (const name of names) {
    const content = $(`meta[name="${name}" i], meta[property="${name}" i]`).attr("content")?.trim();
    if (content) return content;
  }
  return undefined;
}

/** Page `<title>` usually reads `文章标题-学院新闻网`; keep the longest part. */
function titleFromDocumentTitle(title: string): string {
  const parts = title.split(/\s*[-_|–—]+\s*/).filter(Boolean);
  return parts.sort((a, b) => b.length - a.length)[0] ?? title;
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
  /** True when none of the content selectors matched and the generic guess was used. */
  usedFallback: boolean;
}

const DATE_METAS = [
  "PubDate",
  "publishdate",
  "publish_date",
  "article:published_time",
  "date",
  "dc.date",
  "DC.Date",
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

/** Title, date, body and credits of one article page. */
export function extractArticle(
  $: CheerioAPI,
  url: string,
  selectors: ArticleSelectors,
  options: { now?: Date } = {},
): PageExtraction {
  let content: AnyNode | undefined;
  for (const selector of selectors.content) {
    const found = $(selector).first();
    if (found.length > 0 && normaliseText(found.text())) {
      content = found.get(0);
      break;
    }
  }
  const usedFallback = content === undefined;
  content ??= guessMainContent($) ?? $("body").get(0);
  const body: Cheerio<AnyNode> = content ? $(content) : $.root();
  body.find([...DEFAULT_NOISE, ...(selectors.noise ?? [])].join(",")).remove();

  const dateText = firstText($, selectors.date);
  const title =
    firstLineOf($, selectors.title, url) ||
    metaContent($, ["ArticleTitle"]) ||
    firstLineOf($, ["h1"], url) ||
    metaContent($, ["og:title"]) ||
    titleFromDocumentTitle(normaliseText($("title").text()));
  const date =
    parseDay(dateText) ??
    parseDay(metaContent($, DATE_METAS)) ??
    dayFromUrl(url) ??
    parseDay(/(?:发布时间|发布日期|时间|日期)\s*[:：]\s*([^\n]{6,24})/.exec($("body").text())?.[1]);
  const root = body.get(0);
  const outside = (selectors.attachments ?? []).flatMap((selector) =>
    $(selector)
      .toArray()
      .map((link) => elementText(link, url)),
  );
  const cleaned = cleanBody(root ? elementText(root, url) : "");
  const cleanedTitle = cleanTitle(title);
  const lines = [...cleaned.text.split("\n"), ...outside];
  if (lines[0] === cleanedTitle) lines.shift();
  const author =
    /(?:作者|发布者|撰稿)\s*[:：]\s*([^\s:：|]+)/.exec(dateText ?? "")?.[1] ?? cleaned.author ?? undefined;
  return {
    usedFallback,
    article: {
      url,
      title: cleanedTitle,
      text: lines.join("\n"),
      ...(date ? { date } : {}),
      ...(author ? { author } : {}),
      ...(cleaned.reviewer ? { reviewer: cleaned.reviewer } : {}),
    },
  };
}

export interface ListSelectors {
  item: readonly string[];
  link: readonly string[];
  title: readonly string[];
  date: readonly string[];
}

export interface ListItem {
  url: string;
  title?: string;
  date?: string;
}

/** List rows often put the date inside the link: `标题 [24-05-05]`. */
function withoutDates(title: string): string {
  return title
    .replace(/[[【(（]?\s*\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*[\]】)）]?/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The article links of a list page, with the titles and dates shown beside them. */
export function extractListItems($: CheerioAPI, pageUrl: string, selectors: ListSelectors): ListItem[] {
  const seen = new Set<string>();
  const items: ListItem[] = [];
  for (const itemSelector of selectors.item) {
    $(itemSelector).each((_, element) => {
      const row = $(element);
      let link = row.is("a") ? row : row.find(selectors.link.join(",")).first();
      if (link.length === 0) link = row.find("a[href]").first();
      const url = absoluteUrl(link.attr("href"), pageUrl);
      if (!url || seen.has(url)) return;
      const title = withoutDates(
        link.attr("title")?.trim() ||
          normaliseText(link.text()) ||
          firstText($, selectors.title, element) ||
          "",
      );
      if (!title) return;
      seen.add(url);
      const date =
        parseDay(firstText($, selectors.date, element)) ??
        parseDay(normaliseText(row.text())) ??
        dayFromUrl(url);
      items.push({ url, title: cleanTitle(title), ...(date ? { date } : {}) });
    });
    if (items.length > 0) break;
  }
  return items;
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
