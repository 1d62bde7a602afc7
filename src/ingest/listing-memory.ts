import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../store/keys.ts";
import type { Candidate } from "./adapter.ts";
import { canonicalUrl } from "./canonical-url.ts";

function signatureOf(candidate: Candidate): string {
  return createHash("sha1")
    .update(`${candidate.title ?? ""}\n${candidate.date ?? ""}`)
    .digest("base64url")
    .slice(0, 16);
}

/**
 * What list pages showed for each article last time. An article is fetched again only when its
 * list entry changed, so truncated or differently worded list titles do not cause refetches.
 */
export function createListingMemory(redis: Redis, prefix: string) {
  const key = redisKeys(prefix).ingestListed;
  return {
    async changed(candidate: Candidate): Promise<boolean> {
      return (await redis.hget(key, canonicalUrl(candidate.url))) !== signatureOf(candidate);
    },
    async remember(candidate: Candidate): Promise<void> {
      await redis.hset(key, canonicalUrl(candidate.url), signatureOf(candidate));
    },
  };
}
