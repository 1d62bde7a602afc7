import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  HOW_TO_GET_REDIS,
  RedisUnavailableError,
  redisAnswers,
  resolveRedis,
  startChildRedis,
} from "../../src/runtime/redis-server.ts";
import { silentLogger } from "../support/logger.ts";
import { TEST_REDIS_URL } from "../support/redis.ts";

/** A loopback address where nothing listens: port 1 is privileged and never served here. */
const NOTHING_LISTENS = "redis://127.0.0.1:1";

const dataDirs: string[] = [];
function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-redis-"));
  dataDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("finding Redis", () => {
  it("uses REDIS_URL when given", async () => {
    const resolved = await resolveRedis({
      redisUrl: "redis://10.0.0.9:6380",
      dataDir: "/nonexistent",
      logger: silentLogger(),
    });
    expect(resolved.url).toBe("redis://10.0.0.9:6380");
  });

  it("uses the server on the default address when one answers", async () => {
    const resolved = await resolveRedis({
      redisUrl: undefined,
      defaultUrl: TEST_REDIS_URL,
      dataDir: "/nonexistent",
      logger: silentLogger(),
    });
    expect(resolved.url).toBe(TEST_REDIS_URL);
  });

  it("starts a server of its own when nothing answers, and stops it on request", async () => {
    const dataDir = newDataDir();
    const resolved = await resolveRedis({
      redisUrl: undefined,
      defaultUrl: NOTHING_LISTENS,
      dataDir,
      logger: silentLogger(),
    });
    const port = Number(new URL(resolved.url).port);
    expect(port).not.toBe(1);
    expect(await redisAnswers("127.0.0.1", port)).toBe(true);
    await resolved.stop();
    expect(await redisAnswers("127.0.0.1", port)).toBe(false);
  });

  it("says how to get Redis when none answers and redis-server is not installed", async () => {
    const attempt = resolveRedis({
      redisUrl: undefined,
      defaultUrl: NOTHING_LISTENS,
      dataDir: newDataDir(),
      logger: silentLogger(),
      serverCommand: "redis-server-that-is-not-installed",
    });
    await expect(attempt).rejects.toThrow(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(HOW_TO_GET_REDIS);
  });

  it("says no for a port where nothing listens", async () => {
    expect(await redisAnswers("127.0.0.1", 1)).toBe(false);
  });
});

describe("a redis-server of our own", () => {
  it("keeps its data under the data folder", async () => {
    const dataDir = newDataDir();
    const resolved = await startChildRedis(dataDir, silentLogger());
    try {
      expect(await redisAnswers("127.0.0.1", Number(new URL(resolved.url).port))).toBe(true);
      expect(existsSync(join(dataDir, "redis"))).toBe(true);
    } finally {
      await resolved.stop();
    }
  });
});
