import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Adapter, Candidate, Discovery } from "../adapter.ts";
import type { ExtractedArticle } from "../extracted.ts";
import type { Source } from "../sources.ts";
import { parseTextArticle, type FileMetadata } from "../text-article.ts";

const META_FILE = "_meta.yaml";

const metadataSchema = z.record(
  z.string(),
  z
    .object({
      school: z.string().optional(),
      unit: z.string().optional(),
      url: z.string().optional(),
      sample: z.boolean().optional(),
      title: z.string().optional(),
      date: z.union([z.string(), z.date()]).optional(),
    })
    .nullable(),
);

function isArticleFile(name: string): boolean {
  return /\.(md|markdown|txt)$/i.test(name) && !/^(readme|license)/i.test(name) && !/^[_.]/.test(name);
}

/** A stable address for a file that states none, so re-reading it updates the same article. */
function fileUrl(sourceId: string, fileName: string): string {
  return `file:${sourceId}/${encodeURIComponent(fileName)}`;
}

async function readMetadata(folder: string): Promise<Map<string, FileMetadata>> {
  let text: string;
  try {
    text = await readFile(join(folder, META_FILE), "utf8");
  } catch {
    return new Map();
  }
  const parsed = metadataSchema.parse(parseYaml(text) ?? {});
  return new Map(
    Object.entries(parsed).map(([name, entry]) => {
      const { date, ...rest } = entry ?? {};
      const metadata: FileMetadata = { ...rest };
      if (date) metadata.date = date instanceof Date ? date.toISOString() : date;
      return [name, metadata];
    }),
  );
}

export function resolveSourcePath(source: Source, dataDir: string): string {
  const path = source.path ?? "";
  return isAbsolute(path) ? path : resolve(dataDir, path);
}

/** Markdown (front matter) and scraped-text files in one folder, with an optional `_meta.yaml`. */
export const filesAdapter: Adapter = {
  async discover(source, context): Promise<Discovery> {
    const target = resolveSourcePath(source, context.dataDir);
    const isFolder = (await stat(target)).isDirectory();
    const folder = isFolder ? target : dirname(target);
    const names = isFolder ? (await readdir(folder)).filter(isArticleFile).sort() : [basename(target)];
    const metadata = await readMetadata(folder);
    const candidates: Candidate[] = [];
    const failures: Discovery["failures"] = [];
    for (const name of names) {
      const fallbackUrl = fileUrl(source.id, name);
      try {
        const parsed = parseTextArticle(await readFile(join(folder, name), "utf8"), metadata.get(name));
        const article: ExtractedArticle = {
          url: parsed.url ?? fallbackUrl,
          title: parsed.title,
          text: parsed.text,
          ...(parsed.date ? { date: parsed.date } : {}),
          ...(parsed.school ? { school: parsed.school } : {}),
          ...(parsed.author ? { author: parsed.author } : {}),
          ...(parsed.reviewer ? { reviewer: parsed.reviewer } : {}),
        };
        candidates.push({ url: article.url, title: article.title, article });
      } catch (error) {
        failures.push({ url: fallbackUrl, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return { candidates, failures, notModified: false, commit: () => Promise.resolve() };
  },

  fetchArticle(candidate) {
    if (candidate.article) return Promise.resolve(candidate.article);
    return Promise.reject(new Error(`no file behind ${candidate.url}`));
  },
};
