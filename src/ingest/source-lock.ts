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

/**
 * Runs `task` while holding the source's lock. The lock expires on its own after `ttlMs`, so a
 * crashed process cannot block a source for longer than that.
 */
export async function withSourceLock<T>(
  redis: Redis,
  prefix: string,
  sourceId: string,
  task: () => Promise<T>,
  ttlMs = 30 * 60_000,
): Promise<T> {
  const key = redisKeys(prefix).ingestLock(sourceId);
  const token = randomBytes(12).toString("hex");
  if ((await redis.set(key, token, "PX", ttlMs, "NX")) !== "OK") throw new SourceBusyError(sourceId);
  try {
    return await task();
  } finally {
    await redis.eval(RELEASE_IF_OURS, 1, key, token);
  }
}
