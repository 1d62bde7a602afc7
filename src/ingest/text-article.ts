import { parse as parseYaml } from "yaml";
import { cleanBody, isChromeLine } from "./body.ts";
import { parseDay } from "./dates.ts";
import { cleanTitle, normaliseText } from "./text.ts";

/** Per-file facts supplied from outside the file (front matter, `_meta.yaml`). */
export interface FileMetadata {
  school?: string;
  unit?: string;
  url?: string;
  sample?: boolean;
  title?: string;
  date?: string;
}

/** An article read from a Markdown or scraped-text file; `url` is absent when the file has none. */
export interface TextArticle {
  title: string;
  date?: string;
  text: string;
  url?: string;
  school?: string;
  unit?: string;
  sample?: boolean;
  author?: string;
  reviewer?: string;
}

const FRONT_MATTER = /^\ufeff?---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
/** The mirror's closing link to where the article first appeared. */
const ORIGIN_LINK = /\[(?:转入文章首发地址|原文链接|阅读原文|原文地址|原文)\]\((https?:\/\/[^)\s]+)\)/;
const IMAGE = /!\[[^\]]*\]\([^)]*\)/g;
const LINK = /\[([^\]]+)\]\(([^)\s]+)\)/g;
const ATTACHMENT = /\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps)(\?|$)/i;
/** `发布时间:2024-05-05 点击数:` and its variants under a scraped title. */
const META_LINE = /([发發][布表文]([时時][间間]|日期)|更新[时時][间間]|[时時][间間]|日期)\s*[:：]\s*\S/;

function asString(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return String(value);
  return undefined;
}

/** The school among front-matter categories: the one that is not a host name. */
function schoolFromCategories(categories: unknown): string | undefined {
  if (!Array.isArray(categories)) return undefined;
  return categories.map(asString).find((c) => c !== undefined && !/^[\w.-]+\.[a-z]{2,}$/i.test(c));
}

function markdownToText(markdown: string): string {
  return markdown
    .replace(IMAGE, "")
    .replace(LINK, (_all, label: string, href: string) =>
      ATTACHMENT.test(href) ? `附件：${label} ${href}` : label,
    )
    .replace(/^#{1,6}\s+/gm, "")
    .replace(/^>\s?/gm, "")
    .replace(/(\*\*|__)(.+?)\1/g, "$2");
}

function readFrontMatter(yamlText: string): Record<string, unknown> {
  try {
    const parsed: unknown = parseYaml(yamlText);
    if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
  } catch {
    // Mirrors write titles such as `a: b | c` that are not valid YAML; read them line by line.
  }
  const fields: Record<string, unknown> = {};
  for (const line of yamlText.split(/\r?\n/)) {
    const match = /^([A-Za-z_]\w*):\s*(.*)$/.exec(line);
    if (match?.[1] && match[2]) fields[match[1]] = match[2];
  }
  return fields;
}

function parseMarkdown(frontMatter: string, body: string): TextArticle {
  const fields = readFrontMatter(frontMatter);
  const origin = ORIGIN_LINK.exec(body)?.[1];
  const cleaned = cleanBody(markdownToText(body.replace(ORIGIN_LINK, "")));
  const url = asString(fields.url) ?? origin;
  const school = asString(fields.school) ?? schoolFromCategories(fields.categories);
  const date = parseDay(asString(fields.date));
  return {
    title: cleanTitle(asString(fields.title) ?? ""),
    text: cleaned.text,
    ...(date ? { date } : {}),
    ...(url ? { url } : {}),
    ...(school ? { school } : {}),
    ...(fields.sample === true ? { sample: true } : {}),
    ...(cleaned.author ? { author: cleaned.author } : {}),
    ...(cleaned.reviewer ? { reviewer: cleaned.reviewer } : {}),
  };
}

/**
 * A page scraped to text: optional column name and breadcrumb, the title, a `发布时间:` line,
 * then the body. Everything above the title is navigation.
 */
function parseScrapedText(raw: string): TextArticle {
  const lines = normaliseText(raw).split("\n");
  const breadcrumb = lines.findIndex((line) => isChromeLine(line) && /[>»›＞→]/.test(line));
  const searchFrom = breadcrumb + 1;
  const metaOffset = lines.slice(searchFrom, searchFrom + 6).findIndex((line) => META_LINE.test(line));
  const meta = metaOffset >= 0 ? searchFrom + metaOffset : -1;
  let titleIndex: number;
  if (breadcrumb >= 0) titleIndex = searchFrom;
  else if (meta > 0) titleIndex = meta - 1;
  else titleIndex = 0;
  const metaLine = meta >= 0 ? (lines[meta] ?? "") : "";
  const bodyStart = Math.max(titleIndex, meta) + 1;
  const cleaned = cleanBody(lines.slice(bodyStart).join("\n"));
  const date = parseDay(metaLine);
  const metaAuthor = /作者\s*[:：]\s*([^\s:：]+)/.exec(metaLine)?.[1];
  const author = metaAuthor ?? cleaned.author;
  return {
    title: cleanTitle(lines[titleIndex] ?? ""),
    text: cleaned.text,
    ...(date ? { date } : {}),
    ...(author ? { author } : {}),
    ...(cleaned.reviewer ? { reviewer: cleaned.reviewer } : {}),
  };
}

/** Reads one file's content; `metadata` fills in what the file itself does not state. */
export function parseTextArticle(content: string, metadata: FileMetadata = {}): TextArticle {
  const frontMatter = FRONT_MATTER.exec(content);
  const parsed = frontMatter
    ? parseMarkdown(frontMatter[1] ?? "", content.slice(frontMatter[0].length))
    : parseScrapedText(content);
  const title = parsed.title || metadata.title || "";
  const date = parsed.date ?? parseDay(metadata.date);
  const url = parsed.url ?? metadata.url;
  const school = parsed.school ?? metadata.school;
  return {
    ...parsed,
    title,
    ...(date ? { date } : {}),
    ...(url ? { url } : {}),
    ...(school ? { school } : {}),
    ...(metadata.unit ? { unit: metadata.unit } : {}),
    ...(parsed.sample || metadata.sample ? { sample: true } : {}),
  };
}
