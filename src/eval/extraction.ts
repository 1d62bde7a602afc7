/**
 * Scores extraction against real pages whose true values were read by eye (test/fixtures/real-pages):
 * each page goes the production way, bytes → decode → kind → article or column items.
 */
import { z } from "zod";
import { articleOfPage, decodePage, listedCandidates } from "../ingest/page.ts";

const PageEntry = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("article"),
    file: z.string(),
    url: z.string().nullable(),
    site: z.string(),
    title: z.string(),
    date: z.string().nullable(),
    bodyStart: z.string(),
    bodyEnd: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("list"),
    file: z.string(),
    url: z.string().nullable(),
    site: z.string(),
    links: z.number().int(),
    firstTitles: z.array(z.string()),
  }),
]);
export const PageManifest = z.array(PageEntry);
export type PageEntry = z.infer<typeof PageEntry>;

export interface ExtractionReport {
  articles: number;
  titleOk: number;
  dateOk: number;
  bodyOk: number;
  bodyEndOk: number;
  listPages: number;
  listLinksOk: number;
  maxPageMs: number;
}

export interface PageScore {
  file: string;
  kind: PageEntry["kind"];
  /** Field name → whether it matched; absent when the page has no true value for it. */
  checks: Record<string, boolean>;
  /** What was extracted for the fields that failed, for reading the report. */
  got: Record<string, string>;
  cpuMs: number;
}

const squeezed = (text: string): string => text.replace(/\s+/g, "");
const spaced = (text: string): string => text.replace(/\s+/g, " ").trim();

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Where the page was served from, or its site's root when the saved copy does not say. */
function pageUrl(entry: PageEntry): string {
  return entry.url ?? `http://${entry.site}/`;
}

export function scorePage(entry: PageEntry, bytes: Buffer, now: Date): PageScore {
  const start = process.cpuUsage();
  const page = decodePage(pageUrl(entry), bytes);
  if (entry.kind === "list") {
    const items = listedCandidates(page, { now });
    const cpuMs = cpuMsSince(start);
    const titles = items.slice(0, entry.firstTitles.length).map((item) => spaced(item.title ?? ""));
    const titlesOk = entry.firstTitles.every((title, i) => spaced(title) === titles[i]);
    return {
      file: entry.file,
      kind: "list",
      checks: { links: items.length === entry.links, titles: titlesOk },
      got: { links: String(items.length), titles: titles.join(" | ") },
      cpuMs,
    };
  }
  const article = articleOfPage(page, now);
  const cpuMs = cpuMsSince(start);
  const text = squeezed(article.text);
  const checks: Record<string, boolean> = {
    title: spaced(article.title) === spaced(entry.title),
    date: (article.date ?? null) === entry.date,
    body: text.startsWith(squeezed(entry.bodyStart)),
  };
  if (entry.bodyEnd !== null) checks.end = text.endsWith(squeezed(entry.bodyEnd));
  return {
    file: entry.file,
    kind: "article",
    checks,
    got: {
      title: article.title,
      date: article.date ?? "null",
      body: article.text.slice(0, 40),
      end: article.text.slice(-30),
    },
    cpuMs,
  };
}

export function summariseScores(scores: readonly PageScore[]): ExtractionReport {
  const articles = scores.filter((score) => score.kind === "article");
  const lists = scores.filter((score) => score.kind === "list");
  const count = (pages: readonly PageScore[], field: string) =>
    pages.filter((score) => score.checks[field] === true).length;
  return {
    articles: articles.length,
    titleOk: count(articles, "title"),
    dateOk: count(articles, "date"),
    bodyOk: count(articles, "body"),
    bodyEndOk: count(articles, "end"),
    listPages: lists.length,
    listLinksOk: lists.filter((score) => score.checks.links && score.checks.titles).length,
    maxPageMs: Math.round(Math.max(0, ...scores.map((score) => score.cpuMs))),
  };
}

/** One line per page: its file, each field ok or fail, and its CPU time. */
export function formatPageScore(score: PageScore, verbose = false): string {
  const fields = Object.entries(score.checks).map(([field, ok]) => `${field} ${ok ? "ok" : "fail"}`);
  const line = `${score.file.padEnd(28)} ${score.kind.padEnd(7)} ${fields.join("  ")}  ${score.cpuMs.toFixed(1)} ms`;
  if (!verbose) return line;
  const failed = Object.entries(score.checks)
    .filter(([, ok]) => !ok)
    .map(([field]) => `    ${field}: ${JSON.stringify(score.got[field])}`);
  return [line, ...failed].join("\n");
}
