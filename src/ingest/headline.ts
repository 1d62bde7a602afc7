import type { CheerioAPI } from "cheerio/slim";
import type { Element } from "domhandler";
import { parseDay } from "./dates.ts";
import { firstLines } from "./element-text.ts";
import { normaliseText } from "./text.ts";

/** Blocks that CMS templates give the headline when it is not an `<h1>`. */
const HEADLINE_BLOCKS =
  "h1, h2, h3, [class*=title], [class*=Title], [class*=tit], [class*=biaoti], [class*=headline], [id*=title], [id*=Title], [class*=bt]";
const SEPARATORS = /\s*(?:[-_|–—·•»]+|\s::\s)\s*/;
const MIN_CHARS = 4;
const MAX_CHARS = 120;

export interface Headline {
  text: string;
  /** The element it was read from, where the date line usually follows. */
  element?: Element;
}

/** Length of the longest common substring; headlines and references are short, so plain DP is cheap. */
function commonLength(a: string, b: string): number {
  let best = 0;
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        current[j] = (previous[j - 1] ?? 0) + 1;
        if ((current[j] ?? 0) > best) best = current[j] ?? 0;
      }
    }
    previous = current;
  }
  return best;
}

function oneLine(text: string): string {
  return normaliseText(text).replace(/\n/g, " ");
}

/** The parts of `<title>` that are not the headline: `标题 - 栏目 - 学院新闻网` gives the site and column. */
function documentTitleParts(documentTitle: string): string[] {
  return documentTitle.split(SEPARATORS).filter((part) => part.length > 0);
}

/** `<title>` minus the site-name parts, when nothing on the page names the article better. */
export function headlineFromDocumentTitle(documentTitle: string): string {
  const parts = documentTitleParts(documentTitle);
  return [...parts].sort((a, b) => b.length - a.length)[0] ?? documentTitle;
}

/**
 * The heading block's first line, which is the headline: a share bar or a subtitle inside the
 * block starts a line of its own. A headline the template breaks over lines
 * (`<h1>主题<div>续题</div></h1>`) is read whole when a title reference names the lines joined.
 */
function headlineLines(lines: readonly string[], refs: readonly string[]): string {
  let text = lines[0] ?? "";
  for (const next of lines.slice(1)) {
    const joined = text + next;
    if (!refs.some((ref) => ref.includes(joined))) break;
    text = joined;
  }
  return text;
}

/**
 * The article's own headline: the heading-like block that the page's `<title>` or title metas
 * name (headings are shorter or longer than `<title>`, which carries the site name), as
 * GeneralNewsExtractor matches `<hN>` against `<title>`.
 */
export function findHeadline($: CheerioAPI, references: readonly string[]): Headline | undefined {
  const refs = references.map(oneLine).filter((ref) => ref.length >= MIN_CHARS);
  if (refs.length === 0) return undefined;
  // A headline's lines joined must lie within a reference, so no more lines than its length are
  // read: a `…title…` class is sometimes given to a block holding the whole article.
  const linesRead = Math.max(...refs.map((ref) => ref.length)) + 2;
  let best: Headline | undefined;
  let bestScore = 0;
  $(HEADLINE_BLOCKS).each((_, element) => {
    if (element.name === "title" || element.name === "meta") return;
    const text = headlineLines(firstLines(element, "http://localhost/", linesRead).map(oneLine), refs);
    if (text.length < MIN_CHARS || text.length > MAX_CHARS) return;
    let score = 0;
    for (const ref of refs) {
      const shared = ref.includes(text) ? text.length : commonLength(text, ref);
      if (shared >= Math.max(MIN_CHARS, text.length * 0.6)) score = Math.max(score, shared);
    }
    // Headings beat title-classed blocks of the same length, which are often list entries.
    if (/^h[1-3]$/.test(element.name)) score += 0.5;
    if (score > bestScore) {
      best = { text, element };
      bestScore = score;
    }
  });
  return best;
}

/** A label closing on a colon (`分享到：`, `关联稿件：`) introduces what follows; it names nothing. */
const LABEL = /[:：]$/;

/**
 * The last heading-like block printed before the article's text and outside any link: where a
 * template without title metas puts the headline (`<td class=bt_title>` over the body). Menus and
 * breadcrumbs before it are links; labels and date lines are not headlines.
 */
export function headlineBefore($: CheerioAPI, content: Element): Headline | undefined {
  let found: Headline | undefined;
  for (const element of $(HEADLINE_BLOCKS).add(content).toArray()) {
    if (element === content) break;
    if ($.contains(element, content) || $(element).closest("a").length > 0) continue;
    const text = oneLine(firstLines(element, "http://localhost/", 1)[0] ?? "");
    if (text.length < MIN_CHARS || text.length > MAX_CHARS || LABEL.test(text) || parseDay(text)) continue;
    found = { text, element };
  }
  return found;
}

/** Whether `text` is only the site's name, as the last part of `<title>` or the page's logo says. */
export function isSiteName(text: string, documentTitle: string): boolean {
  const parts = documentTitleParts(documentTitle);
  return parts.length > 1 && parts.slice(1).includes(text);
}
