import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../store/keys.ts";

/** How long a "更多" button keeps working after the question was asked. */
const QUERY_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Questions behind paging buttons. Callback data is limited to 64 bytes, which a Chinese
 * question easily exceeds, so buttons carry a short key and the question lives in Redis.
 */
export function createQueryCache(redis: Redis, prefix: string) {
  const keys = redisKeys(prefix);
  return {
    async remember(question: string): Promise<string> {
      const key = createHash("sha256").update(question).digest("base64url").slice(0, 12);
      await redis.set(keys.queryCache(key), question, "EX", QUERY_TTL_SECONDS);
      return key;
    },
    async recall(key: string): Promise<string | undefined> {
      return (await redis.get(keys.queryCache(key))) ?? undefined;
    },
  };
}

export type QueryCache = ReturnType<typeof createQueryCache>;
