import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDigestBuilder, digestWindow, SETTLE_MS } from "../../src/digest/digest-builder.ts";
import { createSubscriptionStore } from "../../src/digest/subscriptions-store.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { makeSubscription } from "./delivery-harness.ts";
import { includesKeyword, makeAnnouncement, testSources } from "./support.ts";

describe("digest builder", () => {
  let t: TestRedis;
  beforeEach(() => {
    t = createTestRedis();
  });
  afterEach(() => t.cleanup());

  it("leaves announcements still being saved for the next digest", async () => {
    const now = Date.parse("2024-05-06T01:00:00Z");
    const announcements = createAnnouncementStore(t.redis, t.prefix);
    const subscriptions = createSubscriptionStore(t.redis, t.prefix);
    const builder = createDigestBuilder({
      announcements,
      subscriptions,
      sources: testSources,
      matchKeyword: includesKeyword,
      itemCap: 30,
      clock: () => new Date(now),
    });
    const subscription = makeSubscription(-10);
    await subscriptions.advanceCursor(subscription.id, now - 10 * 60_000);
    // Stamped a moment before the build, saved just after it read: it must not fall behind the cursor.
    const built = await builder.build(subscription);
    await announcements.save(makeAnnouncement({ title: "迟到的公告" }), now - 1000);
    expect(built.to).toBe(now - SETTLE_MS);
    await subscriptions.advanceCursor(subscription.id, built.to);
    const next = await createDigestBuilder({
      announcements,
      subscriptions,
      sources: testSources,
      matchKeyword: includesKeyword,
      itemCap: 30,
      clock: () => new Date(now + 24 * 3_600_000),
    }).build(subscription);
    expect(next.digest?.parts.join("")).toContain("迟到的公告");
  });

  it("looks back the configured days by publication: from subscribing, then from the last digest", () => {
    const to = Date.parse("2024-05-06T00:00:00Z");
    expect(digestWindow(undefined, to, 7)).toEqual({
      from: to - 8 * 86_400_000,
      to,
      publishedSince: "2024-04-29",
    });
    expect(digestWindow(undefined, to, 3).publishedSince).toBe("2024-05-03");
    const cursor = to - 86_400_000;
    expect(digestWindow(cursor, to, 7)).toEqual({ from: cursor, to, publishedSince: "2024-04-28" });
  });
});
