/**
 * Where an article page prints its publication day: the CMS's date element, the lines around the
 * headline, date metas, labelled dates and the URL, read in that order of trust.
 */
import type { CheerioAPI } from "cheerio/slim";
import type { AnyNode, Element } from "domhandler";
import { labelledDays, type DateLabel } from "./date-labels.ts";
import { dayFromUrl, isPlausibleDay } from "./dates.ts";
import { firstMatch, isElement, metaContent, textLongerThan } from "./dom.ts";
import { elementText, firstLines, IMAGE_LINE } from "./element-text.ts";
import type { Headline } from "./headline.ts";
import { normaliseText } from "./text.ts";

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

/** How many elements beside a headline are read when the block around it is the whole page. */
const SIBLINGS_READ = 3;

/**
 * The headline with the few elements printed before and after it, for a headline whose parent
 * is the whole article (`<h1>` then `<div class="article-attr">` then the body). After the
 * headline only the date line's window is read once the title is found, not the whole article.
 */
function besideHeadline(headline: Element, url: string, isTitle: (line: string) => boolean): string[] {
  const read = (step: "prev" | "next", wanted = Number.POSITIVE_INFINITY): string[] => {
    const lines: string[] = [];
    let node = headline[step];
    for (let count = 0; node && count < SIBLINGS_READ && lines.length < wanted; node = node[step]) {
      if (!isElement(node)) continue;
      const own = firstLines(node, url, wanted - lines.length);
      if (step === "prev") lines.unshift(...own);
      else lines.push(...own);
      count++;
    }
    return lines;
  };
  const near = [...read("prev"), ...elementText(headline, url).split("\n")];
  return [...near, ...read("next", near.some(isTitle) ? DATE_LINE_WINDOW : undefined)];
}

export interface HeadlineSurroundings {
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

/** The lines of the smallest block around a headline element that holds more than the headline. */
function headerLines(headline: Element, url: string, isTitle: (line: string) => boolean): readonly string[] {
  let zone: Element = headline;
  for (let up = 0; up < 3; up++) {
    const parent: AnyNode | null = zone.parent;
    if (!isElement(parent) || textLongerThan(parent, MAX_HEADER_CHARS)) break;
    zone = parent;
  }
  return zone === headline ? besideHeadline(zone, url, isTitle) : elementText(zone, url).split("\n");
}

/**
 * The whole page's text by lines, read once and only when asked: a megabyte page takes tens of
 * milliseconds to read, and the date is looked for in it twice.
 */
export function pageLinesOf($: CheerioAPI, url: string): () => readonly string[] {
  let lines: readonly string[] | undefined;
  return () => {
    if (!lines) {
      const body = firstMatch($, "body");
      lines = body ? elementText(body, url).split("\n") : [];
    }
    return lines;
  };
}

/**
 * The lines after the headline, where the date, source and byline are printed, and what is
 * above it (blogs and some media print the date line there): read from the smallest block around
 * the headline element that holds more than the headline, or from the whole page when the
 * headline came from a meta tag.
 */
export function linesAroundHeadline(
  headline: Headline,
  title: string,
  url: string,
  pageLines: () => readonly string[],
): HeadlineSurroundings {
  const isTitle = (line: string) => line === title || (line.length < 200 && line.includes(title));
  // A picture's address (an author's avatar under `/20190924/`) is no date line.
  const lines = (headline.element ? headerLines(headline.element, url, isTitle) : pageLines()).filter(
    (line) => !IMAGE_LINE.test(line),
  );
  const at = title ? lines.findIndex(isTitle) : -1;
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
export function publicationDay(
  $: CheerioAPI,
  url: string,
  dateSelectors: readonly string[],
  around: HeadlineSurroundings,
  metas: readonly Element[],
  pageLines: () => readonly string[],
  now: Date,
): string | undefined {
  const labelledLines = () => pageLines().filter((line) => /时间|時間|日期/.test(line));
  const dateLines = function* () {
    yield* selectorTexts($, dateSelectors);
    yield* around.under;
    yield* labelledLines();
  };
  return (
    firstDay(selectorTexts($, dateSelectors), now) ??
    firstDay(around.labelled, now) ??
    firstDay(around.under, now) ??
    firstDay([metaContent(metas, DATE_METAS)], now) ??
    firstDay(labelledLines(), now, LABELLED_ONLY) ??
    firstDay([dayFromUrl(url)], now) ??
    firstDay(around.above, now) ??
    firstDay(dateLines(), now, REVISED)
  );
}
