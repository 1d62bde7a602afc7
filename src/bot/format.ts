import { InlineKeyboard } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import type { Announcement } from "../announcement.ts";
import type { Answer, AnswerPage } from "../answers.ts";
import type { ParsedQuery, SnippetPart } from "../search/types.ts";
import type { SourceDirectory } from "../sources-directory.ts";
import { clipUnits, htmlToPlainText } from "./outgoing.ts";

export const RESULTS_PER_PAGE = 3;
/** Telegram's limit on a message's text. */
export const MESSAGE_LIMIT = 4096;
const TITLE_LIMIT = 150;

/** How every HTML message of the bot is sent: links are many, and their previews would crowd a chat. */
export const HTML_MESSAGE = {
  parse_mode: "HTML",
  link_preview_options: { is_disabled: true },
} as const;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

export function clip(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : chars.slice(0, limit - 1).join("") + "…";
}

/**
 * Joins blocks of HTML, each complete in itself (a line, an item), into as few messages as fit
 * Telegram's limit, never cutting one. A block too long for any message goes as its own text,
 * clipped, for a cut tag would have the whole message refused.
 */
export function splitIntoMessages(
  blocks: readonly string[],
  separator = "\n",
  limit = MESSAGE_LIMIT,
): string[] {
  const messages: string[] = [];
  let current = "";
  for (const block of blocks) {
    const fitting = block.length <= limit ? block : asClippedText(block, limit);
    if (current && current.length + separator.length + fitting.length > limit) {
      messages.push(current);
      current = fitting;
    } else current = current ? `${current}${separator}${fitting}` : fitting;
  }
  if (current) messages.push(current);
  return messages;
}

/** An HTML block's text, clipped and escaped to fit `limit` (escaping lengthens it). */
function asClippedText(block: string, limit: number): string {
  const text = htmlToPlainText(block);
  let escaped = escapeHtml(clipUnits(text, limit));
  for (let room = limit; escaped.length > limit; room = Math.floor(room * 0.8)) {
    escaped = escapeHtml(clipUnits(text, room));
  }
  return escaped;
}

/**
 * A title as a link to its page, or as plain text when the address is not http(s) (announcements
 * read from files have `file:` URLs): Telegram refuses a whole message over one such link.
 */
export function linkedTitle(title: string, url: string, limit: number): string {
  const text = escapeHtml(clip(title, limit));
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}">${text}</a>` : text;
}

export function renderSnippet(parts: readonly SnippetPart[]): string {
  return parts.map((p) => (p.match ? `<b>${escapeHtml(p.text)}</b>` : escapeHtml(p.text))).join("");
}

/** "学校 · 来源" as shown under a title; the source name is left out when it only repeats the school. */
export function describeOrigin(
  { school, sourceId }: Pick<Announcement, "school" | "sourceId">,
  sources: SourceDirectory,
): string {
  const sourceName = sources.get(sourceId)?.name;
  return [school, sourceName].filter((part, i, all) => part && all.indexOf(part) === i).join(" · ");
}

export function renderAnswer(answer: Answer, position: number | undefined, sources: SourceDirectory): string {
  const { title, url, date } = answer.announcement;
  const heading = linkedTitle(title, url, TITLE_LIMIT);
  const meta = [date, describeOrigin(answer.announcement, sources)].filter(Boolean).join(" ｜ ");
  const snippet = renderSnippet(answer.snippet);
  return [
    position === undefined ? `<b>${heading}</b>` : `<b>${position}. ${heading}</b>`,
    `📅 ${escapeHtml(meta)}`,
    snippet,
  ]
    .filter(Boolean)
    .join("\n");
}

export function pagingData(queryKey: string, offset: number): string {
  return `p:${queryKey}:${offset}`;
}

export function parsePagingData(data: string): { queryKey: string; offset: number } | undefined {
  const match = /^p:([\w-]{12}):(\d{1,4})$/.exec(data);
  return match ? { queryKey: match[1] ?? "", offset: Number(match[2]) } : undefined;
}

export interface RenderedMessage {
  text: string;
  keyboard?: InlineKeyboard;
}

export function renderAnswerPage(
  page: AnswerPage,
  queryKey: string,
  sources: SourceDirectory,
): RenderedMessage {
  const shownQuery = escapeHtml(clip(page.query.raw, 40));
  if (page.items.length === 0) return { text: renderNoResults(page, shownQuery) };
  const first = page.offset + 1;
  const last = page.offset + page.items.length;
  const header = [
    `🔎 <b>${shownQuery}</b>：共 ${page.total} 条，第 ${first}–${last} 条`,
    ...widenedNotice(page.query.widenedFrom),
    ...unmatchedNotice(page.unmatched ?? []),
  ].join("\n");
  const body = page.items.map((answer, i) => renderAnswer(answer, first + i, sources));
  let text = [header, ...body].join("\n\n");
  if (text.length > MESSAGE_LIMIT) {
    text = [
      header,
      ...page.items.map((a, i) => renderAnswer({ ...a, snippet: [] }, first + i, sources)),
    ].join("\n\n");
  }
  const keyboard = new InlineKeyboard();
  if (page.offset > 0)
    keyboard.text("上一页", pagingData(queryKey, Math.max(0, page.offset - RESULTS_PER_PAGE)));
  if (last < page.total) keyboard.text("更多", pagingData(queryKey, last));
  return keyboard.inline_keyboard.flat().length > 0 ? { text, keyboard } : { text };
}

const SHOWN_UNMATCHED = 5;

/** Which words of a partly answered question the answers do not hold, so nobody takes them for a full match. */
function widenedNotice(span: ParsedQuery["widenedFrom"]): string[] {
  if (!span) return [];
  const named = [span.from, span.to].filter(Boolean).join(" 至 ");
  return [`📅 所问的时间（${named}）内没有找到，下面是其他时间的结果`];
}

function unmatchedNotice(unmatched: readonly string[]): string[] {
  if (unmatched.length === 0) return [];
  const words = unmatched.slice(0, SHOWN_UNMATCHED).map((word) => escapeHtml(clip(word, 20)));
  const more = unmatched.length > SHOWN_UNMATCHED ? " 等" : "";
  return [`⚠️ 未找到：${words.join("、")}${more}（以下结果只包含其余的词）`];
}

function renderNoResults(page: AnswerPage, shownQuery: string): string {
  const tips = [
    "• 换个更短的说法，例如 /ask 共建",
    "• 用学校全称或常见简称，例如 西工大、矿大",
    "• 去掉时间或学校限制再试",
  ];
  if (page.suggestions.length > 0) {
    tips.unshift(`• 这些词能找到结果：${page.suggestions.map((s) => `/ask ${escapeHtml(s)}`).join("、")}`);
  }
  return [`没有找到与「${shownQuery}」相关的公告。`, "可以试试：", ...tips].join("\n");
}

export function renderInlineResult(answer: Answer, sources: SourceDirectory): InlineQueryResultArticle {
  const { id, title, date } = answer.announcement;
  const snippetText = answer.snippet.map((p) => p.text).join("");
  return {
    type: "article",
    id,
    title: clip(title, 100),
    description: clip(
      [date, describeOrigin(answer.announcement, sources), snippetText].filter(Boolean).join(" ｜ "),
      200,
    ),
    input_message_content: {
      message_text: renderAnswer(answer, undefined, sources),
      ...HTML_MESSAGE,
    },
  };
}
