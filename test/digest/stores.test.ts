import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDeliveryStore } from "../../src/digest/delivery-store.ts";
import { createSubscriptionStore, TargetTakenError } from "../../src/digest/subscriptions-store.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { makeSubscription } from "./delivery-harness.ts";

describe("subscription and delivery stores", () => {
  let t: TestRedis;
  beforeEach(() => {
    t = createTestRedis();
  });
  afterEach(() => t.cleanup());

  it("indexes subscriptions by chat and topic, and moves them on migration", async () => {
    const store = createSubscriptionStore(t.redis, t.prefix);
    const general = makeSubscription(-10);
    const topic = makeSubscription(-10, { threadId: 5 });
    const taken = makeSubscription(-20, { threadId: 5 });
    for (const s of [general, topic, taken]) await store.save(s);
    expect((await store.listByChat(-10)).map((s) => s.id).sort()).toEqual([general.id, topic.id].sort());
    const { moved, removedIds } = await store.migrateChat(-10, -20, 1);
    expect(moved.map((s) => s.id)).toEqual([general.id]);
    expect(removedIds).toEqual([topic.id]);
    expect(await store.findByTarget({ chatId: -20 })).toMatchObject({ id: general.id, chatId: -20 });
    expect(await store.findByTarget({ chatId: -20, threadId: 5 })).toMatchObject({ id: taken.id });
    expect(await store.get(topic.id)).toBeUndefined();
    expect(await store.listByChat(-10)).toEqual([]);
    expect(await store.count()).toBe(2);
  });

  it("lets only one of two concurrent saves claim a target", async () => {
    const store = createSubscriptionStore(t.redis, t.prefix);
    const results = await Promise.allSettled([
      store.save(makeSubscription(-30)),
      store.save(makeSubscription(-30)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(refused?.reason).toBeInstanceOf(TargetTakenError);
    expect(await store.listByChat(-30)).toHaveLength(1);
    expect(await store.count()).toBe(1);
  });

  it("never moves a cursor backwards", async () => {
    const store = createSubscriptionStore(t.redis, t.prefix);
    await store.advanceCursor("sub-a", 200);
    await store.advanceCursor("sub-a", 100);
    expect(await store.getCursor("sub-a")).toBe(200);
  });

  it("keeps the first pending digest and completes it only when every part is recorded", async () => {
    const delivery = createDeliveryStore(t.redis, t.prefix);
    const subscriptions = createSubscriptionStore(t.redis, t.prefix);
    const digest = { id: "sub-a-100", subscriptionId: "sub-a", to: 100, parts: ["一", "二"] };
    expect(await delivery.putPendingIfAbsent(digest)).toEqual(digest);
    expect(await delivery.putPendingIfAbsent({ ...digest, id: "sub-a-200", to: 200 })).toEqual(digest);

    expect(await delivery.beginPart(digest.id, 1, 0, "w1", 1000)).toBe("waiting");
    expect(await delivery.beginPart(digest.id, 0, undefined, "w1", 1000)).toBe("go");
    expect(await delivery.beginPart(digest.id, 0, undefined, "w2", 1000)).toBe("locked");
    expect(await delivery.finishPart("sub-a", digest.id, 0, 11, "w1")).toBe(false);
    expect(await delivery.beginPart(digest.id, 0, undefined, "w2", 1000)).toBe("sent");
    expect(await subscriptions.getCursor("sub-a")).toBeUndefined();

    expect(await delivery.beginPart(digest.id, 1, 0, "w2", 1000)).toBe("go");
    expect(await delivery.finishPart("sub-a", digest.id, 1, 12, "w2")).toBe(true);
    expect(await subscriptions.getCursor("sub-a")).toBe(100);
    expect(await delivery.getPending("sub-a")).toBeUndefined();
  });

  it("spaces sends to a chat and caps sends to a group per window, across callers", async () => {
    const delivery = createDeliveryStore(t.redis, t.prefix);
    const spacing = { chatIntervalMs: 200, groupWindowMs: 300, groupMax: 2 };
    expect(await delivery.reserveSend(-1, true, spacing)).toBe(0);
    const wait = await delivery.reserveSend(-1, true, spacing);
    expect(wait).toBeGreaterThan(150);
    expect(wait).toBeLessThanOrEqual(200);
    expect(await delivery.reserveSend(-2, true, spacing)).toBe(0);
    const loose = { ...spacing, chatIntervalMs: 1 };
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await delivery.reserveSend(-3, true, loose)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await delivery.reserveSend(-3, true, loose)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await delivery.reserveSend(-3, true, loose)).toBeGreaterThan(250);
    expect(await delivery.reserveSend(3, false, loose)).toBe(0);
  });
});
