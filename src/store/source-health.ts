import type { Redis } from "ioredis";

/** What operators see of a source: written by the ingest worker, read by /sources and /status. */
export interface SourceHealth {
  sourceId: string;
  healthy: boolean;
  /** Why the source is unhealthy, in words an operator can act on. */
  reason?: string;
  lastFetchAt?: number;
  lastSuccessAt?: number;
  consecutiveFailures: number;
  lastItemCount?: number;
}

export function createSourceHealthStore(redis: Redis, prefix: string) {
  const key = `${prefix}:source-health`;
  return {
    async get(sourceId: string): Promise<SourceHealth | undefined> {
      const json = await redis.hget(key, sourceId);
      return json ? (JSON.parse(json) as SourceHealth) : undefined;
    },
    async put(health: SourceHealth): Promise<void> {
      await redis.hset(key, health.sourceId, JSON.stringify(health));
    },
    async list(): Promise<SourceHealth[]> {
      const all = await redis.hvals(key);
      return all
        .map((json) => JSON.parse(json) as SourceHealth)
        .sort((a, b) => a.sourceId.localeCompare(b.sourceId));
    },
    async remove(sourceId: string): Promise<void> {
      await redis.hdel(key, sourceId);
    },
  };
}

export type SourceHealthStore = ReturnType<typeof createSourceHealthStore>;
