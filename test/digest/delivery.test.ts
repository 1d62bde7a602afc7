import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDigestServices } from "../../jobs/digest-workers.ts";
import { createSubscriptionDeactivator } from "../../src/digest/deactivate.ts";
import { createDeliveryStore } from "../../src/digest/delivery-store.ts";
import { SETTLE_MS } from "../../src/digest/digest-builder.ts";
import { createDigestScheduler, schedulerIdOf } from "../../src/digest/scheduler.ts";
import type { Subscription } from "../../src/digest/subscription.ts";
import { createSubscriptionStore } from "../../src/digest/subscriptions-store.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { FakeTelegram, telegramFailures } from "../support/fake-telegram.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { makeAnnouncement } from "./support.ts";
import {
  LIMITS,
  TIME_SCALE,
  makeSubscription,
  seedAnnouncements,
  startTestWorkers,
  waitFor,
} from "./delivery-harness.ts";

describe("digest delivery", () => {
  let t: TestRedis;
  let fake: FakeTelegram;
  let workers: Array<ReturnType<typeof startTestWorkers>>;
  const subscriptions = () => createSubscriptionStore(t.redis, t.prefix);
  const delivery = () => createDeliveryStore(t.redis, t.prefix);

  beforeEach(async () => {
    t = createTestRedis();
    fake = await new FakeTelegram().start();
    fake.enforceLimits({ ...LIMITS, timeScale: TIME_SCALE });
    workers = [];
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await fake.stop();
    await t.cleanup();
  });

  const start = () => {
    const w = startTestWorkers(t.redis, { prefix: t.prefix, apiRoot: fake.apiRoot, token: fake.token });
    workers.push(w);
    return w;
  };
  const subscribe = async (chatId: number, overrides: Partial<Subscription> = {}) => {
    const subscription = makeSubscription(chatId, overrides);
    await subscriptions().save(subscription);
    return subscription;
  };
  const runDigest = (w: ReturnType<typeof start>, subscription: Subscription) =>
    w.queues.digest.add("digest", { subscriptionId: subscription.id });
  const deliveredTo = (chatId: number) => fake.delivered().filter((c) => c.payload.chat_id === chatId);
  const waitForCursor = (subscription: Subscription, timeoutMs: number) =>
    waitFor(
      async () => (await subscriptions().getCursor(subscription.id)) !== undefined,
      timeoutMs,
      "cursor",
    );
  const partsOf = (chatId: number) => deliveredTo(chatId).map((c) => String(c.payload.text));

  it("delivers a multi-part digest in order, once, within the chat's limit, then advances the cursor", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 40);
    const subscription = await subscribe(-1001);
    const w = start();
    await runDigest(w, subscription);
    await waitForCursor(subscription, 10_000);
    const parts = partsOf(-1001);
    expect(parts).toHaveLength(3);
    parts.forEach((text, i) => expect(text).toContain(`（${i + 1}/3）`));
    expect(parts.join("")).toContain("另有 10 条未列出");
    for (const { payload } of deliveredTo(-1001)) {
      expect(payload).toMatchObject({ parse_mode: "HTML", link_preview_options: { is_disabled: true } });
    }
    const at = deliveredTo(-1001).map((c) => c.at);
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(80);
    expect(fake.violations).toEqual([]);
    expect(await delivery().getPending(subscription.id)).toBeUndefined();

    await runDigest(w, subscription);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(partsOf(-1001)).toHaveLength(3);
  });

  it("sends a new subscriber the last days' news, never the archive, then what is new since, once", async () => {
    const announcements = createAnnouncementStore(t.redis, t.prefix);
    // `now` is where each window ends; the clock runs the settle margin ahead of it.
    let now = Date.parse("2024-05-06T00:00:00Z");
    const w = startTestWorkers(t.redis, {
      prefix: t.prefix,
      apiRoot: fake.apiRoot,
      token: fake.token,
      clock: () => new Date(now + SETTLE_MS),
    });
    workers.push(w);
    const subscription = await subscribe(-1009, { createdAt: now - 60_000 });
    const arrives = (title: string, date: string, firstSeen: number) =>
      announcements.save(makeAnnouncement({ title, date }), firstSeen);
    // A source's archive, fetched for the first time just now: old news however new its arrival.
    await arrives("二〇二二年的旧公告", "2022-03-01", now - 1_000);
    await arrives("八天前的公告", "2024-04-28", now - 2_000);
    await arrives("上周早些时候的公告", "2024-04-30", now - 3 * 86_400_000);
    await arrives("第一期的公告", "2024-05-05", now - 1_000);
    await arrives("第二期的公告", "2024-05-06", now + 1_000);
    // Published before the first digest went out, found only after it.
    await arrives("迟到的公告", "2024-05-04", now + 2_000);
    await runDigest(w, subscription);
    await waitForCursor(subscription, 5_000);
    expect(await subscriptions().getCursor(subscription.id)).toBe(now);
    now += 86_400_000;
    await runDigest(w, subscription);
    await waitFor(() => deliveredTo(-1009).length === 2, 5_000, "second digest");
    const [first = "", second = ""] = partsOf(-1009);
    expect(first).toContain("第一期的公告");
    expect(first).toContain("上周早些时候的公告");
    expect(first).toContain("（2 条新公告）");
    for (const old of ["二〇二二年的旧公告", "八天前的公告", "第二期的公告", "迟到的公告"])
      expect(first).not.toContain(old);
    expect(second).toContain("第二期的公告");
    expect(second).toContain("迟到的公告");
    expect(second).toContain("（2 条新公告）");
  });

  it("runs on the services the process already built and leaves them to their owner", async () => {
    const services = createDigestServices({
      redis: t.redis,
      connection: t.connect(),
      prefix: t.prefix,
      clock: () => new Date(),
    });
    const w = startTestWorkers(t.redis, {
      prefix: t.prefix,
      apiRoot: fake.apiRoot,
      token: fake.token,
      services,
    });
    expect(w.queues).toBe(services.queues);
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscription = await subscribe(-1020);
    await services.queues.digest.add("digest", { subscriptionId: subscription.id });
    await waitFor(() => deliveredTo(-1020).length === 1, 5_000, "delivery");
    await w.close();
    expect((await services.queues.counts()).map((c) => c.queue)).toEqual(["digest", "delivery"]);
    await services.close();
  });

  it("sends nothing for an empty digest", async () => {
    const subscription = await subscribe(-1002);
    const w = start();
    await runDigest(w, subscription);
    await waitForCursor(subscription, 5_000);
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });

  it("waits out a 429 without losing other chats' digests or counting an attempt", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const first = await subscribe(-1003);
    const second = await subscribe(-1004);
    fake.fail("sendMessage", telegramFailures.tooManyRequests(2), { times: 1 });
    const w = start();
    await runDigest(w, first);
    await runDigest(w, second);
    await waitFor(() => deliveredTo(-1003).length === 1 && deliveredTo(-1004).length === 1, 10_000, "both");
    const refused = fake.calls.find((c) => c.status === 429);
    const retried = fake.delivered().find((c) => c.payload.chat_id === refused?.payload.chat_id);
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual((2000 / TIME_SCALE) * 0.9);
    await waitFor(
      async () => (await w.queues.delivery.getJobCounts("completed")).completed === 2,
      5_000,
      "jobs",
    );
    const jobs = await w.queues.delivery.getJobs(["completed"]);
    expect(jobs.map((j) => j.attemptsMade)).toEqual([1, 1]);
    expect(await delivery().recentErrors(5)).toMatchObject([{ code: 429, outcome: "rate-limited" }]);
  });

  it("holds back only the chat Telegram answered 429; other chats' parts flow meanwhile, none twice or lost", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 40);
    const limited = await subscribe(-1031);
    const other = await subscribe(-1032);
    const RETRY_AFTER = 30;
    fake.fail("sendMessage", telegramFailures.tooManyRequests(RETRY_AFTER), {
      when: (payload) => payload.chat_id === -1031,
    });
    const w = start();
    await runDigest(w, limited);
    await waitFor(() => fake.calls.some((c) => c.status === 429), 5_000, "the 429");
    await runDigest(w, other);
    await waitForCursor(other, 10_000);
    await waitForCursor(limited, 15_000);

    const refused = fake.calls.find((c) => c.status === 429)!;
    const resumed = deliveredTo(-1031);
    for (const chatId of [-1031, -1032]) {
      expect(partsOf(chatId).map((text) => /（(\d)\/3）/.exec(text)?.[1])).toEqual(["1", "2", "3"]);
    }
    // Every part of the other chat went out while the limited chat was still waiting.
    expect(Math.max(...deliveredTo(-1032).map((c) => c.at))).toBeLessThan(resumed[0]!.at);
    expect(resumed[0]!.at - refused.at).toBeGreaterThanOrEqual(((RETRY_AFTER * 1000) / TIME_SCALE) * 0.9);
    expect(await delivery().recentErrors(5)).toMatchObject([{ code: 429, outcome: "rate-limited" }]);
  });

  it("deactivates the subscription and removes its scheduler when the bot was kicked", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscription = await subscribe(-1005);
    const w = start();
    await createDigestScheduler(w.queues.digest).schedule(subscription);
    fake.fail("sendMessage", telegramFailures.kicked(), { times: 10 });
    await runDigest(w, subscription);
    await waitFor(
      async () => (await subscriptions().get(subscription.id))?.active === false,
      5_000,
      "deactivation",
    );
    expect(await w.queues.digest.getJobScheduler(schedulerIdOf(subscription.id))).toBeUndefined();
    await waitFor(
      async () => (await w.queues.delivery.getJobCounts("failed")).failed === 1,
      5_000,
      "failed job",
    );
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
    expect(await delivery().recentErrors(5)).toMatchObject([{ code: 403, outcome: "deactivated" }]);
  });

  it("skips a part Telegram will never accept, so later digests are not held back", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscription = await subscribe(-1012);
    fake.fail("sendMessage", { error_code: 400, description: "Bad Request: message text is empty" });
    const w = start();
    await runDigest(w, subscription);
    await waitForCursor(subscription, 5_000);
    expect(await subscriptions().get(subscription.id)).toMatchObject({ active: true });
    expect(await delivery().recentErrors(1)).toMatchObject([{ code: 400, outcome: "dropped" }]);
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
  });

  it("delivers a part refused for its formatting as plain text, once", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscription = await subscribe(-1013);
    fake.fail("sendMessage", {
      error_code: 400,
      description: `Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 10`,
    });
    const w = start();
    await runDigest(w, subscription);
    await waitForCursor(subscription, 5_000);
    const [plain, ...more] = deliveredTo(-1013);
    expect(more).toEqual([]);
    expect(plain?.payload.parse_mode).toBeUndefined();
    expect(String(plain?.payload.text)).toContain("支部公告摘要");
    expect(String(plain?.payload.text)).not.toMatch(/<\/?[a-z]+[ >]/);
  });

  it("treats a deleted chat or a blocking user like a removal", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const deleted = await subscribe(-1010);
    const blocking = await subscribe(1011);
    fake.fail("sendMessage", telegramFailures.chatNotFound(), { when: (p) => p.chat_id === -1010 });
    fake.fail("sendMessage", telegramFailures.blocked(), { when: (p) => p.chat_id === 1011 });
    const w = start();
    await runDigest(w, deleted);
    await runDigest(w, blocking);
    await waitFor(
      async () => (await subscriptions().getMany([deleted.id, blocking.id])).every((s) => !s.active),
      5_000,
      "deactivation",
    );
    expect(fake.delivered()).toHaveLength(0);
  });

  it("follows a group's migration to a supergroup and keeps delivering there", async () => {
    const announcements = createAnnouncementStore(t.redis, t.prefix);
    await seedAnnouncements(announcements, 2, false);
    const subscription = await subscribe(-2001);
    fake.fail("sendMessage", telegramFailures.migrated(-1002001), {
      when: (p) => p.chat_id === -2001,
      times: 10,
    });
    const w = start();
    await runDigest(w, subscription);
    await waitFor(() => deliveredTo(-1002001).length === 1, 5_000, "delivery to the new chat");
    expect(await subscriptions().get(subscription.id)).toMatchObject({ chatId: -1002001, active: true });
    expect(await subscriptions().findByTarget({ chatId: -1002001 })).toMatchObject({ id: subscription.id });
    await waitForCursor(subscription, 5_000);
    await seedAnnouncements(announcements, 1, false, (await subscriptions().getCursor(subscription.id)) ?? 0);
    await runDigest(w, subscription);
    await waitFor(() => deliveredTo(-1002001).length === 2, 5_000, "next digest");
    expect(fake.callsOf("sendMessage").filter((c) => c.payload.chat_id === -2001)).toHaveLength(1);
  });

  it("delivers to the general topic when the topic is gone, keeping the subscription", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscription = await subscribe(-1006, { threadId: 42 });
    fake.fail("sendMessage", telegramFailures.threadNotFound(), { when: (p) => p.message_thread_id === 42 });
    const w = start();
    await runDigest(w, subscription);
    await waitFor(() => deliveredTo(-1006).length === 1, 5_000, "delivery");
    expect(deliveredTo(-1006)[0]?.payload.message_thread_id).toBeUndefined();
    expect(await subscriptions().get(subscription.id)).toMatchObject({ threadId: 42, active: true });
  });

  it("retries server errors with backoff and still sends once", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscription = await subscribe(-1007);
    fake.fail("sendMessage", telegramFailures.serverError(), { times: 2 });
    const w = start();
    await runDigest(w, subscription);
    await waitFor(() => deliveredTo(-1007).length === 1, 10_000, "delivery");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.callsOf("sendMessage")).toHaveLength(3);
    expect(deliveredTo(-1007)).toHaveLength(1);
  });

  it("shares one queue between two workers without sending anything twice", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 40);
    const subs = await Promise.all([-3001, -3002, -3003, -3004, 3005].map((chatId) => subscribe(chatId)));
    const a = start();
    start();
    for (const subscription of subs) {
      await runDigest(a, subscription);
      await runDigest(a, subscription);
    }
    await waitFor(() => fake.delivered().length === 15, 15_000, "15 parts");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.delivered()).toHaveLength(15);
    for (const subscription of subs) {
      const parts = partsOf(subscription.chatId);
      expect(parts.map((p) => /（(\d)\/3）/.exec(p)?.[1])).toEqual(["1", "2", "3"]);
    }
    const sent = fake.delivered().map((c) => `${String(c.payload.chat_id)} ${String(c.payload.text)}`);
    expect(new Set(sent).size).toBe(15);
  });

  it("holds a group to 20 messages a minute across its topics", async () => {
    const timeScale = 60;
    fake.enforceLimits({ ...LIMITS, timeScale });
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 40);
    const topics = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map((threadId) => subscribe(-6001, { threadId })),
    );
    const w = startTestWorkers(t.redis, {
      prefix: t.prefix,
      apiRoot: fake.apiRoot,
      token: fake.token,
      timeScale,
    });
    workers.push(w);
    for (const topic of topics) await runDigest(w, topic);
    await waitFor(() => deliveredTo(-6001).length === 24, 10_000, "24 parts");
    const at = deliveredTo(-6001).map((c) => c.at);
    const window = 60_000 / timeScale;
    const busiest = Math.max(
      ...at.map((start) => at.filter((time) => time >= start && time < start + window).length),
    );
    expect(busiest).toBeLessThanOrEqual(20);
    expect((at[20] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(window * 0.95);
    expect(fake.violations.filter((v) => v === "group")).toEqual([]);
    const sent = deliveredTo(-6001).map(
      (c) => `${String(c.payload.message_thread_id)} ${String(c.payload.text)}`,
    );
    expect(new Set(sent).size).toBe(24);
    expect(deliveredTo(-6001).filter((c) => !c.payload.message_thread_id)).toEqual([]);
  });

  it("stops when the bot is removed mid-digest and drops the pending digest", async () => {
    const subscription = await subscribe(-1008);
    const w = start();
    const deactivator = createSubscriptionDeactivator({
      subscriptions: subscriptions(),
      scheduler: createDigestScheduler(w.queues.digest),
      delivery: delivery(),
      clock: () => new Date(),
    });
    await deactivator.deactivateChat(-1008);
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    await runDigest(w, subscription);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });
});
