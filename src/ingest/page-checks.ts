import type { Clock } from "../clock.ts";
import { UpstreamRefusedError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { GoneArticleStore } from "../store/gone-articles.ts";
import type { ExtractedArticle } from "./extracted.ts";
import type { IngestPipeline } from "./pipeline.ts";

/**
 * Checks (one per run at most) that must find an article's page missing before it is taken for
 * gone: a site being rebuilt answers 404 for an afternoon, a deleted article for good.
 */
export const GONE_AFTER_CHECKS = 3;

/**
 * Stored articles no run fetched lately are checked again after this long, a few per run, so a
 * page deleted long after it was listed still leaves the index.
 */
export const CHECK_AGAIN_AFTER_MS = 7 * 24 * 60 * 60_000;
const CHECKS_PER_RUN = 10;

export function isPageGone(error: unknown): boolean {
  return error instanceof UpstreamRefusedError && (error.status === 404 || error.status === 410);
}

/**
 * One source run's record of which stored articles' pages answered and which are missing, and
 * the checks of articles no list shows any more: those taken off the list since the last run,
 * and those not fetched for a week.
 */
export function createPageChecks(deps: {
  sourceId: string;
  gone: GoneArticleStore;
  pipeline: IngestPipeline;
  clock: Clock;
  log: Logger;
}) {
  const { sourceId, gone, pipeline, log } = deps;
  const now = () => deps.clock().getTime();
  /** Asked for this run, so the due checks do not count a page twice in one run. */
  const checked = new Set<string>();

  const answered = async (id: string) => {
    checked.add(id);
    await gone.found(id);
    await gone.checkAt(sourceId, [id], now() + CHECK_AGAIN_AFTER_MS);
  };

  /** Counts a check that found the page missing; the article is removed after enough of them. */
  const missing = async (id: string, url: string) => {
    checked.add(id);
    if ((await gone.missing(id)) < GONE_AFTER_CHECKS) {
      await gone.checkAt(sourceId, [id], now());
      return;
    }
    await pipeline.store.remove(id);
    await gone.gone(id, sourceId);
    log.info({ url, id }, "article page is gone; removed from the store");
  };

  return {
    answered,
    missing,

    /**
     * Fetches the due articles this run did not ask for, a few at most, while `inTime()` holds.
     * `fetchPage` resolves to the changed article, or undefined when the page is unchanged;
     * `mayFetch` says whether the article's address may still be fetched for this source.
     */
    async checkDue(
      listedIds: readonly string[] | undefined,
      io: {
        fetchPage(url: string): Promise<ExtractedArticle | undefined>;
        mayFetch(url: string): boolean;
        changed(article: ExtractedArticle): Promise<void>;
        inTime(): boolean;
      },
    ): Promise<void> {
      if (listedIds) await gone.checkAt(sourceId, await gone.relist(sourceId, listedIds), now());
      const due = await gone.due(sourceId, now(), CHECKS_PER_RUN + checked.size);
      for (const id of due.filter((id) => !checked.has(id)).slice(0, CHECKS_PER_RUN)) {
        if (!io.inTime()) return;
        const known = await pipeline.store.get(id);
        if (!known || !io.mayFetch(known.url)) {
          await gone.forget(sourceId, id);
          continue;
        }
        try {
          const article = await io.fetchPage(known.url);
          await answered(id);
          if (article) await io.changed(article);
        } catch (error) {
          log.info({ url: known.url, err: error }, "check of an unlisted article failed");
          if (isPageGone(error)) await missing(id, known.url);
        }
      }
    },
  };
}
