import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redisAnswers, resolveRedis, startChildRedis } from "../../src/runtime/redis-server.ts";
import { silentLogger } from "../support/logger.ts";

describe("finding Redis", () => {
  it("uses REDIS_URL when given", async () => {
    const resolved = await resolveRedis({
      redisUrl: "redis://10.0.0.9:6380",
      dataDir: "/nonexistent",
      logger: silentLogger(),
    });
    expect(resolved.url).toBe("redis://10.0.0.9:6380");
  });

  it("uses the server on the default port when one answers", async () => {
    const resolved = await resolveRedis({
      redisUrl: undefined,
      dataDir: "/nonexistent",
      logger: silentLogger(),
    });
    expect(resolved.url).toBe("redis://127.0.0.1:6379");
  });

  it("says no for a port where nothing listens", async () => {
    expect(await redisAnswers("127.0.0.1", 1)).toBe(false);
  });
});

describe("a redis-server of our own", () => {
  it("starts under the data folder and stops on request", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "zhibu-redis-"));
    try {
      const resolved = await startChildRedis(dataDir, silentLogger());
      const port = Number(new URL(resolved.url).port);
      expect(await redisAnswers("127.0.0.1", port)).toBe(true);
      await resolved.stop();
      expect(await redisAnswers("127.0.0.1", port)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
