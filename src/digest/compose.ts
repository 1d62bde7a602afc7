import type { Announcement } from "../announcement.ts";
import { clip, describeOrigin, escapeHtml, linkedTitle, MESSAGE_LIMIT } from "../bot/format.ts";
import type { SourceDirectory } from "../sources-directory.ts";
import type { SubscriptionSettings } from "./subscription.ts";

/** The fields keyword matching looks at; the same shape search's `matchesKeyword` takes. */
export type KeywordDoc = Pick<Announcement, "title" | "text" | "school">;

/** Matches a keyword as search would (tokenizer, aliases); injected so the core stays pure. */
export type MatchKeyword = (doc: KeywordDoc, keyword: string) => boolean;

export interface ComposeInput {
  announcements: readonly Announcement[];
  settings: SubscriptionSettings;
  sources: SourceDirectory;
  matchKeyword: MatchKeyword;
  /** Items listed; the rest are counted in a closing line. */
  itemCap: number;
  /** ISO day: announcements published before it are not news, whenever they arrived. */
  publishedSince?: string;
  now: Date;
}

export interface ComposedDigest {
  /** HTML messages, each at most `MESSAGE_LIMIT` characters, split between items. */
  parts: string[];
  listed: number;
  omitted: number;
}

const TITLE_LIMIT = 120;
const SUMMARY_LIMIT = 70;
/** Room kept in every part for the "（续 2/3）" marker added once the part count is known. */
const PART_MARKER_ROOM = 24;

function selectAnnouncements(
  announcements: readonly Announcement[],
  settings: SubscriptionSettings,
  matchKeyword: MatchKeyword,
  publishedSince = "",
): Announcement[] {
  const sources = new Set(settings.sourceIds);
  return announcements
    .filter((a) => a.date >= publishedSince)
    .filter((a) => sources.size === 0 || sources.has(a.sourceId))
    .filter(
      (a) =>
        settings.includeKeywords.length === 0 || settings.includeKeywords.some((k) => matchKeyword(a, k)),
    )
    .filter((a) => !settings.excludeKeywords.some((k) => matchKeyword(a, k)))
    .sort(newestFirst);
}

function newestFirst(a: Announcement, b: Announcement): number {
  return b.date.localeCompare(a.date) || b.firstSeen - a.firstSeen || a.id.localeCompare(b.id);
}

/**
 * The first sentence of the first paragraph that reads as prose. Articles often open with photo
 * captions (会议现场, 合影留念): short lines without punctuation, which say nothing.
 */
export function oneLineSummary(text: string): string {
  const paragraphs = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const prose = paragraphs.find((line) => PROSE.test(line)) ?? paragraphs[0] ?? "";
  const sentence = /^.*?[。！？!?]/u.exec(prose)?.[0] ?? prose;
  return clip(sentence.replace(/\s+/g, " "), SUMMARY_LIMIT);
}

/** Sentence punctuation after a dozen characters or more: a paragraph, not a caption. */
const PROSE = /^.{12,}?[，。；！？,;!?]/u;

function renderItem(announcement: Announcement): string {
  const { url, title, date, school, text } = announcement;
  const lines = [
    `• ${linkedTitle(title, url, TITLE_LIMIT)}`,
    `  📅 ${escapeHtml([date, school].filter(Boolean).join(" ｜ "))}`,
  ];
  const summary = oneLineSummary(text);
  if (summary) lines.push(`  ${escapeHtml(summary)}`);
  return lines.join("\n");
}

/** Schools named in a heading before the rest are counted. */
const HEADING_SCHOOLS = 2;

/**
 * What a source's section holds: the source, and the schools its items are from. A source that
 * carries several schools' news names the commonest ones and counts them all ("A 等 3 校"),
 * rather than naming one school for a section of ten.
 */
function groupHeading(sourceId: string, items: readonly Announcement[], sources: SourceDirectory): string {
  const counts = new Map<string, number>();
  for (const { school } of items) if (school) counts.set(school, (counts.get(school) ?? 0) + 1);
  const schools = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh"))
    .map(([school]) => school);
  if (schools.length <= 1) {
    const origin = describeOrigin({ school: schools[0] ?? "", sourceId }, sources) || sourceId;
    return `<b>🏫 ${escapeHtml(origin)}</b>`;
  }
  const named =
    schools.length <= HEADING_SCHOOLS
      ? schools.join("、")
      : `${schools.slice(0, HEADING_SCHOOLS).join("、")} 等 ${schools.length} 校`;
  const sourceName = sources.get(sourceId)?.name ?? sourceId;
  return `<b>🏫 ${escapeHtml(`${sourceName} · ${named}`)}</b>`;
}

function localDay(now: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone }).format(now);
}

interface Group {
  heading: string;
  items: string[];
}

function groupBySource(listed: readonly Announcement[], sources: SourceDirectory): Group[] {
  const bySource = new Map<string, Announcement[]>();
  for (const announcement of listed) {
    const items = bySource.get(announcement.sourceId) ?? [];
    items.push(announcement);
    bySource.set(announcement.sourceId, items);
  }
  return [...bySource].map(([sourceId, items]) => ({
    heading: groupHeading(sourceId, items, sources),
    items: items.map(renderItem),
  }));
}

/**
 * Packs blocks into messages without ever cutting one: every block is complete HTML, so every
 * part is too. A source's heading is repeated, marked 续, when its items spill into a new part.
 */
function pack(header: string, groups: readonly Group[], footer: string | undefined, limit: number): string[] {
  const parts: string[] = [];
  let current = header;
  const append = (block: string, continuedHeading?: string) => {
    if (current.length + 2 + block.length <= limit) {
      current += `\n\n${block}`;
      return;
    }
    parts.push(current);
    current = continuedHeading ? `${continuedHeading}（续）\n${block}` : block;
  };
  for (const group of groups) {
    group.items.forEach((item, i) => {
      if (i === 0) append(`${group.heading}\n${item}`);
      else if (current.length + 1 + item.length <= limit) current += `\n${item}`;
      else append(item, group.heading);
    });
  }
  if (footer) append(footer);
  parts.push(current);
  return parts;
}

/** A digest of `announcements` for a subscription, or `undefined` when nothing matches. */
export function composeDigest(input: ComposeInput): ComposedDigest | undefined {
  const selected = selectAnnouncements(
    input.announcements,
    input.settings,
    input.matchKeyword,
    input.publishedSince,
  );
  if (selected.length === 0) return undefined;
  const listed = selected.slice(0, input.itemCap);
  const omitted = selected.length - listed.length;
  const day = localDay(input.now, input.settings.schedule.timezone);
  const header = `📰 <b>支部公告摘要</b> · ${day}（${selected.length} 条新公告）`;
  const footer =
    omitted > 0 ? `……另有 ${omitted} 条未列出。可用 /ask 关键词 查找，例如 /ask 主题党日` : undefined;
  const parts = pack(header, groupBySource(listed, input.sources), footer, MESSAGE_LIMIT - PART_MARKER_ROOM);
  return {
    parts: parts.length === 1 ? parts : parts.map((part, i) => `${part}\n\n（${i + 1}/${parts.length}）`),
    listed: listed.length,
    omitted,
  };
}
