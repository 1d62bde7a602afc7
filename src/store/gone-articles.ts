import type { Redis } from "ioredis";
import { redisKeys } from "./keys.ts";

/**
 * Articles whose page answers 404 or 410: how often in a row each was found missing, and how many
 * each source has lost. Counted per check, so a page missing in one run only is not taken for gone.
 * Also when each stored article is due for a check, so articles no list shows any more are checked.
 */
export function createGoneArticleStore(redis: Redis, prefix: string) {
  const keys = redisKeys(prefix);
  return {
    /** Counts one more check that found the article's page missing; returns the checks so far. */
    async missing(id: string): Promise<number> {
      return redis.hincrby(keys.ingestMissing, id, 1);
    },
    /** The page answered again: earlier misses were a glitch of the site. */
    async found(id: string): Promise<void> {
      await redis.hdel(keys.ingestMissing, id);
    },
    async gone(id: string, sourceId: string): Promise<void> {
      await redis
        .multi()
        .hdel(keys.ingestMissing, id)
        .zrem(keys.ingestCheckDue(sourceId), id)
        .hincrby(keys.goneBySource, sourceId, 1)
        .exec();
    },
    async checkAt(sourceId: string, ids: readonly string[], atMs: number): Promise<void> {
      if (ids.length === 0) return;
      await redis.zadd(keys.ingestCheckDue(sourceId), ...ids.flatMap((id) => [atMs, id]));
    },
    /** The source's articles due for a check by `nowMs`, the longest overdue first. */
    async due(sourceId: string, nowMs: number, limit: number): Promise<string[]> {
      return redis.zrangebyscore(keys.ingestCheckDue(sourceId), "-inf", nowMs, "LIMIT", 0, limit);
    },
    /** The article is no longer in the store (an operator removed it): nothing to check. */
    async forget(sourceId: string, id: string): Promise<void> {
      await redis.zrem(keys.ingestCheckDue(sourceId), id);
    },
    /**
     * Records what the source lists now and returns the ids it listed last run but not now: an
     * article taken off its list is often deleted, so it is checked at once rather than in a week.
     */
    async relist(sourceId: string, listedIds: readonly string[]): Promise<string[]> {
      const key = keys.ingestListedIds(sourceId);
      const before = await redis.smembers(key);
      const now = new Set(listedIds);
      const transaction = redis.multi().del(key);
      if (listedIds.length > 0) transaction.sadd(key, ...listedIds);
      await transaction.exec();
      return before.filter((id) => !now.has(id));
    },
    /** Articles found gone, per source id. */
    async counts(): Promise<Map<string, number>> {
      const all = await redis.hgetall(keys.goneBySource);
      return new Map(Object.entries(all).map(([sourceId, count]) => [sourceId, Number(count)]));
    },
  };
}

export type GoneArticleStore = ReturnType<typeof createGoneArticleStore>;
