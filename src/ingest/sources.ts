import { readFile } from "node:fs/promises";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { isValidTimeZone } from "../clock.ts";
import type { Logger } from "../logger.ts";

export const SOURCE_KINDS = ["rss", "webplus", "vsb", "html", "files"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const httpUrl = z
  .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
  .describe("http(s) URL");

/** `host` or `host:port` as URL.host spells it, so it compares equal to a parsed URL's host. */
function hostOf(text: string): string | undefined {
  try {
    const url = new URL(`http://${text}`);
    return url.pathname === "/" && !url.search && !url.hash && !url.username ? url.host : undefined;
  } catch {
    return undefined;
  }
}

const hostName = z
  .string()
  .trim()
  .refine((h) => hostOf(h) !== undefined, { message: "expected a host name, optionally with :port" })
  .transform((h) => hostOf(h) ?? h);

const scheduleSchema = z
  .object({
    every: z.number().int().min(1).max(10_080).optional(),
    cron: z.string().trim().min(9).optional(),
    tz: z.string().default("Asia/Shanghai"),
  })
  .strict()
  .refine((s) => (s.every === undefined) !== (s.cron === undefined), {
    message: 'give exactly one of `every: <minutes>` or `cron: "<pattern>"`',
  })
  .refine((s) => isValidTimeZone(s.tz), { message: "not an IANA time zone", path: ["tz"] });

/** CSS selectors; each overrides the adapter's own guess for this source. */
const selectorsSchema = z
  .object({
    item: z.string().optional(),
    link: z.string().optional(),
    title: z.string().optional(),
    date: z.string().optional(),
    articleTitle: z.string().optional(),
    articleDate: z.string().optional(),
    content: z.string().optional(),
    nextPage: z.string().optional(),
  })
  .strict();

const httpSettingsSchema = z
  .object({
    /** For sites whose certificate chain is broken; off unless a source opts in. */
    insecureTls: z.boolean().default(false),
    /** Pause between two requests to this source's host. */
    delayMs: z.number().int().min(0).max(60_000).optional(),
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
  })
  .strict();

const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "expected lowercase letters, digits, - or _"),
    name: z.string().trim().min(1),
    school: z.string().trim().min(1).optional(),
    kind: z.enum(SOURCE_KINDS),
    url: httpUrl.optional(),
    urls: z.array(httpUrl).min(1).optional(),
    path: z.string().trim().min(1).optional(),
    schedule: scheduleSchema.default({ every: 60, tz: "Asia/Shanghai" }),
    selectors: selectorsSchema.optional(),
    http: httpSettingsSchema.optional(),
    /** Other hosts the source's links and redirects may lead to; its url(s)' hosts always may. */
    hosts: z.array(hostName).optional(),
    /** An intranet site: lets this source's fetches reach private, loopback and link-local addresses. */
    allowPrivateNetwork: z.boolean().default(false),
    /** A run of this source stops asking for pages after this long; the rest waits for the next run. */
    runBudgetSeconds: z.number().int().min(1).max(86_400).default(600),
    /** List pages to follow (list.htm, list2.htm, …) on each run. */
    maxPages: z.number().int().min(1).max(50).default(1),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === "files") {
      if (!s.path) ctx.addIssue({ code: "custom", path: ["path"], message: "required for kind files" });
      if (s.url || s.urls)
        ctx.addIssue({ code: "custom", path: ["url"], message: "kind files takes a path" });
    } else {
      if (!s.url && !s.urls)
        ctx.addIssue({ code: "custom", path: ["url"], message: `required for kind ${s.kind}` });
      if (s.path) ctx.addIssue({ code: "custom", path: ["path"], message: `kind ${s.kind} takes url(s)` });
    }
    if (s.kind === "html" && !s.selectors?.item) {
      ctx.addIssue({ code: "custom", path: ["selectors", "item"], message: "required for kind html" });
    }
  })
  .transform(({ url, urls, ...rest }) => ({ ...rest, urls: [...(url ? [url] : []), ...(urls ?? [])] }));

export type Source = z.infer<typeof sourceSchema>;

/** The hosts a web source may fetch from: its url(s)' hosts and those it lists under `hosts`. */
export function declaredHosts(source: Source): string[] {
  return [...new Set([...source.urls.map((u) => new URL(u).host), ...(source.hosts ?? [])])];
}
export type SourceSchedule = Source["schedule"];

export interface SourceError {
  /** 1-based line in the sources file. */
  line: number;
  /** Dotted path of the offending field inside the entry, e.g. `schedule.every`. */
  field: string;
  sourceId?: string;
  message: string;
}

export interface LoadedSources {
  sources: Source[];
  errors: SourceError[];
}

function lineOf(doc: Document, lines: LineCounter, path: ReadonlyArray<string | number>): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return 1;
}

/**
 * Parses and validates a sources file. Each bad entry is reported with its line and field and
 * left out; the good ones are returned, so one typo never stops the other sources.
 */
export function parseSources(text: string): LoadedSources {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const errors: SourceError[] = doc.errors.map((e) => ({
    line: e.linePos?.[0].line ?? 1,
    field: "",
    message: e.message,
  }));
  if (errors.length > 0) return { sources: [], errors };

  const list = doc.get("sources", true);
  if (!isSeq(list)) {
    return {
      sources: [],
      errors: [{ line: 1, field: "sources", message: "expected a list under `sources:`" }],
    };
  }
  const sources: Source[] = [];
  const seenIds = new Set<string>();
  list.items.forEach((node, index) => {
    const raw: unknown = isMap(node) ? node.toJSON() : undefined;
    const rawId = (raw as { id?: unknown } | undefined)?.id;
    const sourceId = typeof rawId === "string" ? rawId : undefined;
    const parsed = sourceSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        errors.push({
          line: lineOf(doc, lines, ["sources", index, ...path]),
          field: path.join("."),
          ...(sourceId ? { sourceId } : {}),
          message: issue.message,
        });
      }
      return;
    }
    if (seenIds.has(parsed.data.id)) {
      errors.push({
        line: lineOf(doc, lines, ["sources", index, "id"]),
        field: "id",
        sourceId: parsed.data.id,
        message: "duplicate id; this entry is ignored",
      });
      return;
    }
    seenIds.add(parsed.data.id);
    sources.push(parsed.data);
  });
  return { sources, errors };
}

export async function loadSources(path: string): Promise<LoadedSources> {
  return parseSources(await readFile(path, "utf8"));
}

export function formatSourceError(file: string, error: SourceError): string {
  const where = error.field ? ` ${error.field}` : "";
  const which = error.sourceId ? ` (source ${error.sourceId})` : "";
  return `${file}:${error.line}${where}${which}: ${error.message}`;
}

/** Validates one source given in code (tests, `npm run ingest -- PATH`); throws on a bad entry. */
export function defineSource(entry: unknown): Source {
  return sourceSchema.parse(entry);
}

export function reportSourceErrors(path: string, errors: readonly SourceError[], logger: Logger): void {
  for (const error of errors) logger.error(formatSourceError(path, error));
}

/** The sources file's valid entries; each bad one is logged with its line and field, and skipped. */
export async function readSources(path: string, logger: Logger): Promise<Source[]> {
  const { sources, errors } = await loadSources(path);
  reportSourceErrors(path, errors, logger);
  return sources;
}
