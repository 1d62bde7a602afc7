import type { Redis } from "ioredis";
import { comparableText } from "./text.ts";
import { redisKeys } from "../store/keys.ts";

/**
 * MinHash over character 3-grams of the comparable text. 64 hashes in 16 LSH bands of 4 rows
 * make pairs above ~0.5 Jaccard candidates; the estimate then decides.
 */
const HASHES = 64;
const ROWS_PER_BAND = 4;
const SHINGLE = 3;
/** Mirrors add or drop captions and bylines; 0.7 keeps them together, unrelated news far apart. */
const NEAR_DUPLICATE_THRESHOLD = 0.7;
/** Below this many characters, bodies are too short to judge (notices, one-line captions). */
const MIN_LENGTH = 80;

const SEEDS = Uint32Array.from({ length: HASHES }, (_, i) => fmix32((i + 1) * 0x9e3779b9));

function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export type Signature = Uint32Array;

export function minhashSignature(text: string): Signature | undefined {
  const chars = comparableText(text);
  if (chars.length < MIN_LENGTH) return undefined;
  const signature = new Uint32Array(HASHES).fill(0xffffffff);
  const seen = new Set<number>();
  for (let i = 0; i + SHINGLE <= chars.length; i++) {
    const shingle = fnv1a(chars, i, i + SHINGLE);
    if (seen.has(shingle)) continue;
    seen.add(shingle);
    for (let k = 0; k < HASHES; k++) {
      const value = fmix32(shingle ^ (SEEDS[k] ?? 0));
      if (value < (signature[k] ?? 0)) signature[k] = value;
    }
  }
  return signature;
}

function estimatedSimilarity(a: Signature, b: Signature): number {
  let same = 0;
  for (let k = 0; k < HASHES; k++) if (a[k] === b[k]) same++;
  return same / HASHES;
}

function bandKeys(signature: Signature): string[] {
  const keys: string[] = [];
  for (let start = 0; start < HASHES; start += ROWS_PER_BAND) {
    let h = start;
    for (let k = start; k < start + ROWS_PER_BAND; k++) h = fmix32(h ^ (signature[k] ?? 0));
    keys.push(`${start / ROWS_PER_BAND}:${h.toString(36)}`);
  }
  return keys;
}

function encode(signature: Signature): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString("base64");
}

function decode(text: string): Signature {
  const bytes = Buffer.from(text, "base64");
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Signatures and LSH buckets of stored announcements, kept in Redis beside the store. */
export function createNearDuplicateIndex(redis: Redis, prefix: string) {
  const keys = redisKeys(prefix);

  async function forget(id: string): Promise<void> {
    const old = await redis.hget(keys.ingestSignatures, id);
    if (!old) return;
    const transaction = redis.multi().hdel(keys.ingestSignatures, id);
    for (const band of bandKeys(decode(old))) transaction.srem(keys.ingestLshBucket(band), id);
    await transaction.exec();
  }

  return {
    /** The most similar stored announcement at or above the threshold, other than `exceptId`. */
    async findSimilar(
      signature: Signature,
      exceptId?: string,
    ): Promise<{ id: string; similarity: number } | undefined> {
      const pipeline = redis.pipeline();
      for (const band of bandKeys(signature)) pipeline.smembers(keys.ingestLshBucket(band));
      const candidates = new Set<string>();
      for (const [error, members] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        for (const id of members as string[]) if (id !== exceptId) candidates.add(id);
      }
      if (candidates.size === 0) return undefined;
      const ids = [...candidates];
      const stored = await redis.hmget(keys.ingestSignatures, ...ids);
      let best: { id: string; similarity: number } | undefined;
      ids.forEach((id, i) => {
        const encoded = stored[i];
        if (!encoded) return;
        const similarity = estimatedSimilarity(signature, decode(encoded));
        if (similarity >= NEAR_DUPLICATE_THRESHOLD && similarity > (best?.similarity ?? 0))
          best = { id, similarity };
      });
      return best;
    },

    async put(id: string, signature: Signature): Promise<void> {
      await forget(id);
      const transaction = redis.multi().hset(keys.ingestSignatures, id, encode(signature));
      for (const band of bandKeys(signature)) transaction.sadd(keys.ingestLshBucket(band), id);
      await transaction.exec();
    },

    forget,
  };
}

export type NearDuplicateIndex = ReturnType<typeof createNearDuplicateIndex>;
