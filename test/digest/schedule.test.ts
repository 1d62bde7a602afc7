import { describe, expect, it } from "vitest";
import { cronPattern, describeSchedule, nextRun } from "../../src/digest/schedule.ts";
import { parseSubscribeArgs } from "../../src/digest/settings-args.ts";
import { defaultSettings } from "../../src/digest/subscription.ts";

describe("digest schedule", () => {
  it("builds cron patterns for daily and weekly digests", () => {
    expect(cronPattern({ hour: 8, minute: 0, timezone: "Asia/Shanghai" })).toBe("0 8 * * *");
    expect(cronPattern({ hour: 7, minute: 30, weekday: 1, timezone: "Asia/Shanghai" })).toBe("30 7 * * 1");
    expect(describeSchedule({ hour: 7, minute: 30, weekday: 1, timezone: "Asia/Shanghai" })).toBe(
      "每周一 07:30（Asia/Shanghai）",
    );
  });

  it("finds the next run in the subscription's time zone", () => {
    const now = new Date("2024-05-06T01:00:00Z"); // Monday 09:00 in Shanghai
    expect(nextRun({ hour: 8, minute: 0, timezone: "Asia/Shanghai" }, now).toISOString()).toBe(
      "2024-05-07T00:00:00.000Z",
    );
    expect(nextRun({ hour: 10, minute: 0, timezone: "Asia/Shanghai" }, now).toISOString()).toBe(
      "2024-05-06T02:00:00.000Z",
    );
    expect(nextRun({ hour: 8, minute: 0, weekday: 0, timezone: "Asia/Shanghai" }, now).toISOString()).toBe(
      "2024-05-12T00:00:00.000Z",
    );
    // Across the start of summer time in New York (10 March 2024).
    expect(
      nextRun(
        { hour: 8, minute: 0, timezone: "America/New_York" },
        new Date("2024-03-09T14:00:00Z"),
      ).toISOString(),
    ).toBe("2024-03-10T12:00:00.000Z");
  });
});

describe("/subscribe arguments", () => {
  const sources = new Set(["cumt", "nwpu"]);
  const base = defaultSettings("Asia/Shanghai");

  it("keeps the defaults without arguments", () => {
    expect(parseSubscribeArgs("", base, sources)).toEqual({ ok: true, settings: base });
  });

  it("reads time, weekday, sources, keywords and time zone", () => {
    const parsed = parseSubscribeArgs("7:30 每周五 来源=cumt +样板支部 -招聘 时区=Asia/Tokyo", base, sources);
    expect(parsed).toEqual({
      ok: true,
      settings: {
        schedule: { hour: 7, minute: 30, weekday: 5, timezone: "Asia/Tokyo" },
        sourceIds: ["cumt"],
        includeKeywords: ["样板支部"],
        excludeKeywords: ["招聘"],
      },
    });
    if (!parsed.ok) return;
    const daily = parseSubscribeArgs("每天 来源=全部 清除关键词", parsed.settings, sources);
    expect(daily.ok && daily.settings).toEqual({
      schedule: { hour: 7, minute: 30, timezone: "Asia/Tokyo" },
      sourceIds: [],
      includeKeywords: [],
      excludeKeywords: [],
    });
  });

  it("refuses what it does not understand, in Chinese", () => {
    for (const bad of ["25:00", "每周八", "来源=mit", "时区=Mars/Base", "明天"]) {
      const parsed = parseSubscribeArgs(bad, base, sources);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toMatch(/用法/);
    }
  });
});
