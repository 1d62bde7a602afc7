/**
 * The article links a list page shows: by a source's own selectors, or by the column the page is
 * built around; each with the title and date printed beside it.
 */
import type { CheerioAPI } from "cheerio/slim";
import type { AnyNode } from "domhandler";
import { findColumn, hostFilter } from "./column.ts";
import { dayFromUrl, isPlausibleDay, parseDay } from "./dates.ts";
import { absoluteUrl } from "./element-text.ts";
import { cleanTitle, normaliseText } from "./text.ts";
import { entryDate, readRow, splitEdgeDate } from "./title-date.ts";

function firstText($: CheerioAPI, selectors: readonly string[], scope?: AnyNode): string | undefined {
  for (const selector of selectors) {
    const found = scope ? $(scope).find(selector) : $(selector);
    const text = normaliseText(found.first().text());
    if (text) return text;
  }
  return undefined;
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
