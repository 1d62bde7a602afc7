import type { Redis } from "ioredis";
import type { Clock } from "../clock.ts";
import { InputError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { announcementId } from "../store/announcement-id.ts";
import { createAnnouncementStore, type AnnouncementStore } from "../store/announcements.ts";
import { canonicalUrl } from "./canonical-url.ts";
import { dayFromUrl, dayInZone } from "./dates.ts";
import type { ExtractedArticle } from "./extracted.ts";
import { createNearDuplicateIndex, minhashSignature } from "./near-duplicate.ts";
import type { Source } from "./sources.ts";
import { cleanTitle, contentHash, normaliseText } from "./text.ts";

export interface IngestSummary {
  fetched: number;
  new: number;
  changed: number;
  unchanged: number;
  duplicates: number;
  failed: number;
}

export type ArticleOutcome = "new" | "changed" | "unchanged" | "duplicate";

export function emptySummary(): IngestSummary {
  return { fetched: 0, new: 0, changed: 0, unchanged: 0, duplicates: 0, failed: 0 };
}

export function addSummaries(a: IngestSummary, b: IngestSummary): IngestSummary {
  return {
    fetched: a.fetched + b.fetched,
    new: a.new + b.new,
    changed: a.changed + b.changed,
    unchanged: a.unchanged + b.unchanged,
    duplicates: a.duplicates + b.duplicates,
    failed: a.failed + b.failed,
  };
}

export function countOutcome(summary: IngestSummary, outcome: ArticleOutcome): void {
  if (outcome === "duplicate") summary.duplicates++;
  else summary[outcome]++;
}

/** An extracted article that cannot become an announcement (no title, no body). */
/** An article page that yields no title or no text: fetching it again gives the same. */
export class BadArticleError extends InputError {
  override name = "BadArticleError";
}

export interface PipelineDeps {
  redis: Redis;
  prefix: string;
  logger: Logger;
  clock: Clock;
}

/**
 * The one path from extracted articles to the store. Decides, per article: already stored
 * under this URL (unchanged, or re-edited and replaced), the same body under another URL
 * (exact or near duplicate: kept once, this URL added as an alternate), or new.
 */
export function createIngestPipeline(deps: PipelineDeps) {
  const store: AnnouncementStore = createAnnouncementStore(deps.redis, deps.prefix);
  const nearDuplicates = createNearDuplicateIndex(deps.redis, deps.prefix);

  async function addAlternate(primaryId: string, url: string, why: string): Promise<ArticleOutcome> {
    await store.addAlternate(primaryId, url);
    deps.logger.debug({ primaryId, url, why }, "duplicate article kept as alternate");
    return "duplicate";
  }

  return {
    store,

    /** The id of the announcement this URL already belongs to, as primary or alternate. */
    async knownId(url: string): Promise<string | undefined> {
      return store.findIdByUrl(canonicalUrl(url));
    },

    async ingest(article: ExtractedArticle, source: Source): Promise<ArticleOutcome> {
      const url = canonicalUrl(article.url);
      const title = cleanTitle(article.title);
      const text = normaliseText([article.text, ...(article.attachments ?? [])].join("\n"));
      if (!title) throw new BadArticleError(`no title at ${url}`);
      if (!text) throw new BadArticleError(`no body text at ${url}`);
      const id = announcementId(url);
      const hash = contentHash(text);

      const ownerId = await store.findIdByUrl(url);
      if (ownerId && ownerId !== id) return "duplicate";

      const existing = ownerId ? await store.get(id) : undefined;
      if (!existing) {
        const sameBodyId = await store.findIdByContentHash(hash);
        if (sameBodyId && sameBodyId !== id) return addAlternate(sameBodyId, url, "same content hash");
      }
      const signature = minhashSignature(text);
      if (!existing && signature) {
        const similar = await nearDuplicates.findSimilar(signature, id);
        // The store may have dropped the announcement since (an operator removed it).
        if (similar && (await store.get(similar.id))) {
          return addAlternate(similar.id, url, `near duplicate (${similar.similarity.toFixed(2)})`);
        }
        if (similar) await nearDuplicates.forget(similar.id);
      }

      const now = deps.clock();
      const outcome = await store.save(
        {
          id,
          url,
          title,
          date: article.date ?? dayFromUrl(url) ?? existing?.date ?? dayInZone(now),
          sourceId: source.id,
          school: article.school ?? source.school ?? "",
          text,
          contentHash: hash,
          ...(article.author ? { author: article.author } : {}),
          ...(article.reviewer ? { reviewer: article.reviewer } : {}),
        },
        now.getTime(),
      );
      if (outcome !== "unchanged") {
        if (signature) await nearDuplicates.put(id, signature);
        else await nearDuplicates.forget(id);
      }
      return outcome;
    },
  };
}

export type IngestPipeline = ReturnType<typeof createIngestPipeline>;
