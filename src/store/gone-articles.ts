import type { Redis } from "ioredis";
import { redisKeys } from "./keys.ts";

/**
 * Articles whose page answers 404 or 410: how often in a row each was found missing, and how many
 * each source has lost. Counted per check, so a page missing in one run only is not taken for gone.
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
      await redis.multi().hdel(keys.ingestMissing, id).hincrby(keys.goneBySource, sourceId, 1).exec();
    },
    /** Articles found gone, per source id. */
    async counts(): Promise<Map<string, number>> {
      const all = await redis.hgetall(keys.goneBySource);
      return new Map(Object.entries(all).map(([sourceId, count]) => [sourceId, Number(count)]));
    },
  };
}

export type GoneArticleStore = ReturnType<typeof createGoneArticleStore>;
