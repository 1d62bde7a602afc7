/**
 * Telling a list entry's date from its title. A row prints its date apart from the title — in an
 * element of its own, or at the start or end of the link set off by a space, brackets or a
 * separator (`[24-05-05] 标题`, `标题 2024-05-05`) — while a date written into the title's words
 * (`…公司2020年6月30日基金净值公告`, `2016年8.0分剧情《…》`) is part of the title and not the row's.
 */
import type { AnyNode } from "domhandler";
import { labelledDays } from "./date-labels.ts";
import { parseDay } from "./dates.ts";
import { isElement, isText } from "./dom.ts";

/** Marks where an element holding only a date begins and ends inside a title, so it reads as set apart. */
const APART = "\u0001";

/** A day as rows print it (`2024-05-05`, `24-05-05`, `2024年5月5日`), with the time if one follows. */
const DAY = String.raw`\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日|(?!\s*日))(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?`;
const BRACKETED_DAY = String.raw`[[【(（〔]\s*${DAY}\s*[\]】)）〕]`;
/** What sets a date off from the title beside it: spaces and the marks rows print between the two. */
const SEPARATOR = String.raw`[\s${APART}|｜/·•・—–_-]`;
const LEADING_DAY = new RegExp(
  String.raw`^${SEPARATOR}*(?:${BRACKETED_DAY}|${DAY}(?=${SEPARATOR}))${SEPARATOR}*`,
);
const TRAILING_DAY = new RegExp(
  String.raw`${SEPARATOR}*(?:${BRACKETED_DAY}|(?<=${SEPARATOR})${DAY})${SEPARATOR}*$`,
);
/** The whole text of an element that holds only a date, labelled (`日期：`) or bracketed or not. */
const DAY_ONLY = new RegExp(
  String.raw`^\s*(?:\p{Script=Han}{0,4}(?:时间|時間|日期)\s*[:：]?\s*)?(?:${BRACKETED_DAY}|${DAY})\s*$`,
  "u",
);

/** Longer element texts are not read as a date alone: indentation around a date is a few dozen spaces. */
const MAX_DAY_ELEMENT_CHARS = 80;

/** How far from a title's start or end a date printed at its edge is looked for. */
const MAX_EDGE_CHARS = 60;

/** The publication day an element's whole text gives, when that text is a date and nothing else. */
export function dayOnly(text: string): string | undefined {
  if (text.length >= MAX_DAY_ELEMENT_CHARS || !/\d/.test(text) || !DAY_ONLY.test(text)) return undefined;
  return labelledDays(text).find(({ label }) => label === "none" || label === "publication")?.day;
}

/** A title text with each element holding only a date marked as set apart (see `splitEdgeDate`). */
export function markedIfDayOnly(text: string): string {
  return dayOnly(text) ? `${APART}${text}${APART}` : text;
}

/**
 * A link's text split into the title and the date printed at its start or end apart from it;
 * a date that runs into the title's words stays in the title.
 */
export function splitEdgeDate(text: string): { title: string; date?: string } {
  let title = text;
  let date: string | undefined;
  for (const edge of [LEADING_DAY, TRAILING_DAY]) {
    // Only the edge is searched: an unanchored pattern over a long text of separators is quadratic.
    const from = edge === TRAILING_DAY ? Math.max(0, title.length - MAX_EDGE_CHARS) : 0;
    const match = edge.exec(title.slice(from, from + MAX_EDGE_CHARS));
    const day = match ? parseDay(match[0].replaceAll(APART, " ")) : undefined;
    const at = from + (match?.index ?? 0);
    const rest = match ? title.slice(0, at) + title.slice(at + match[0].length) : "";
    if (day && rest.replaceAll(APART, "").trim() !== "") {
      title = rest;
      date ??= day;
    }
  }
  title = title.replaceAll(APART, "").replace(/\s+/g, " ").trim();
  return date ? { title, date } : { title };
}

/** What a row prints outside its title (see `readRow`). */
export interface RowText {
  /** The text, with a space at each element's edges so that a date in its own element stands apart. */
  text: string;
  /** Whether the row was read to its end. */
  whole: boolean;
  /** The day in the first element that holds only a date. */
  ownDay?: string;
}

/** Where an element's text starts, met again after its children to read that text. */
interface Closing {
  element: AnyNode;
  from: number;
  charsBefore: number;
}

/**
 * The text under `node` outside `title`, read only until more than `maxVisible` non-blank
 * characters were seen: in deeply nested markup each row holds the rest of the page, and reading
 * all of it for every row is quadratic. A walk, not a recursion, so such nesting cannot overflow.
 */
export function readRow(node: AnyNode, maxVisible: number, title?: AnyNode): RowText {
  const parts: string[] = [];
  let chars = 0;
  let visible = 0;
  let ownDay: string | undefined;
  const pending: Array<AnyNode | Closing> = [node];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if ("charsBefore" in next) {
      const short = chars - next.charsBefore < MAX_DAY_ELEMENT_CHARS;
      if (!ownDay && next.element !== node && short)
        ownDay = dayOnly(parts.slice(next.from).join("").replace(/\s+/g, " ").trim());
      parts.push(" ");
    } else if (next === title) {
      parts.push(" ");
    } else if (isText(next)) {
      parts.push(next.data);
      chars += next.data.length;
      visible += next.data.replace(/\s+/g, "").length;
      if (visible > maxVisible) return { text: parts.join(""), whole: false };
    } else if (isElement(next)) {
      parts.push(" ");
      pending.push({ element: next, from: parts.length, charsBefore: chars });
      for (let i = next.children.length - 1; i >= 0; i--) pending.push(next.children[i]!);
    }
  }
  return { text: parts.join("").replace(/\s+/g, " "), whole: true, ...(ownDay ? { ownDay } : {}) };
}

/**
 * A list entry's date: one in an element of its own, else the one printed at the edge of the title
 * (`titleDate`), else the first written in the row outside the title (a `日期：… 点击：…` line, a
 * day and year printed apart), else in `after`, the text printed just after a row that is only its
 * link — read apart, so that the row's own text does not run into the next row's.
 */
export function entryDate(row: RowText, titleDate: string | undefined, after = ""): string | undefined {
  return row.ownDay ?? titleDate ?? parseDay(row.text) ?? parseDay(after);
}
