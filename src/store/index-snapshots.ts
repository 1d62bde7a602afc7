import type { Redis } from "ioredis";
import { redisKeys } from "./keys.ts";

export interface StoredSnapshot {
  snapshot: Buffer;
  /** The change-stream cursor the snapshot reflects. */
  cursor: string;
}

/**
 * The search index, saved in Redis so a starting bot process loads it instead of rebuilding it
 * from every record. One process at a time saves (a short lock), the others only read.
 */
export function createIndexSnapshotStore(redis: Redis, prefix: string) {
  const keys = redisKeys(prefix);
  return {
    async load(): Promise<StoredSnapshot | undefined> {
      const [snapshot, cursor] = await Promise.all([
        redis.getBuffer(keys.indexSnapshot),
        redis.get(keys.indexSnapshotCursor),
      ]);
      return snapshot && cursor ? { snapshot, cursor } : undefined;
    },
    async save(stored: StoredSnapshot): Promise<void> {
      await redis
        .multi()
        .set(keys.indexSnapshot, stored.snapshot)
        .set(keys.indexSnapshotCursor, stored.cursor)
        .exec();
    },
    /** True for the one caller that may save now; the lock lapses by itself. */
    async claimSave(owner: string, ttlMs: number): Promise<boolean> {
      return (await redis.set(keys.indexSnapshotLock, owner, "PX", ttlMs, "NX")) === "OK";
    },
  };
}

export type IndexSnapshotStore = ReturnType<typeof createIndexSnapshotStore>;
