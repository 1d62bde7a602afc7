import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../store/keys.ts";

/** Another run (a worker, or the CLI) is fetching this source right now. */
export class SourceBusyError extends Error {
  override name = "SourceBusyError";
  constructor(readonly sourceId: string) {
    super(`source ${sourceId} is already being fetched`);
  }
}

const RELEASE_IF_OURS = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

const EXTEND_IF_OURS = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Short, so that the lock of a killed process lapses within a minute and its source is fetched
 * again soon; a live run renews it three times per period.
 */
export const SOURCE_LOCK_TTL_MS = 30_000;

/** Runs `task` while holding the source's lock, renewed for as long as the task runs. */
export async function withSourceLock<T>(
  redis: Redis,
  prefix: string,
  sourceId: string,
  task: () => Promise<T>,
  ttlMs = SOURCE_LOCK_TTL_MS,
): Promise<T> {
  const key = redisKeys(prefix).ingestLock(sourceId);
  const token = randomBytes(12).toString("hex");
  if ((await redis.set(key, token, "PX", ttlMs, "NX")) !== "OK") throw new SourceBusyError(sourceId);
  const renewal = setInterval(() => {
    redis.eval(EXTEND_IF_OURS, 1, key, token, ttlMs).catch(() => undefined);
  }, ttlMs / 3);
  try {
    return await task();
  } finally {
    clearInterval(renewal);
    await redis.eval(RELEASE_IF_OURS, 1, key, token);
  }
}
