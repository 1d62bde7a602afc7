import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseConfig, readEnvironment } from "../../src/config.ts";

describe("configuration", () => {
  it("has defaults that run the local chat", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      botToken: undefined,
      redisUrl: undefined,
      redisPrefix: "{zhibu}",
      logLevel: "warn",
      webhook: undefined,
      operatorIds: [],
      timezone: "Asia/Shanghai",
      digestLookbackDays: 7,
    });
    expect(parseConfig({ DIGEST_LOOKBACK_DAYS: "3" }).digestLookbackDays).toBe(3);
  });

  it("treats empty values as unset and parses lists", () => {
    const config = parseConfig({ BOT_TOKEN: "", REDIS_URL: "", OPERATOR_IDS: "1, 22 333" });
    expect(config.botToken).toBeUndefined();
    expect(config.operatorIds).toEqual([1, 22, 333]);
  });

  it.each([
    [{ BOT_TOKEN: "not-a-token" }, "BOT_TOKEN"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ DIGEST_LOOKBACK_DAYS: "0" }, "DIGEST_LOOKBACK_DAYS"],
    [{ REDIS_PREFIX: "zhibu" }, "REDIS_PREFIX"],
    [{ WEBHOOK_URL: "https://bot.example.org/tg", BOT_TOKEN: "123:" + "a".repeat(30) }, "WEBHOOK_SECRET"],
    [{ TIMEZONE: "Mars/Olympus" }, "TIMEZONE"],
    [{ PORT: "99999" }, "PORT"],
  ])("stops on a wrong value and names it: %o", (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(name);
  });

  it("configures webhook mode with its secret", () => {
    const config = parseConfig({
      BOT_TOKEN: "123456:" + "A".repeat(35),
      WEBHOOK_URL: "https://bot.example.org/telegram",
      WEBHOOK_SECRET: "s".repeat(32),
      PORT: "9000",
    });
    expect(config.webhook).toEqual({
      url: "https://bot.example.org/telegram",
      secret: "s".repeat(32),
      port: 9000,
    });
  });

  it("reads an optional .env beneath the real environment, which wins", () => {
    const dir = mkdtempSync(join(tmpdir(), "zhibu-env-"));
    try {
      writeFileSync(join(dir, ".env"), "LOG_LEVEL=debug\nOPERATOR_IDS=7\n");
      expect(readEnvironment({ OPERATOR_IDS: "8" }, dir)).toMatchObject({
        LOG_LEVEL: "debug",
        OPERATOR_IDS: "8",
      });
      expect(readEnvironment({}, join(dir, "missing"))).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
