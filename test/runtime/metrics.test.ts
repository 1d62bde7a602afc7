import { PassThrough } from "node:stream";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import type { DigestJobData } from "../../src/digest/scheduler.ts";
import { createSubscriptionStore } from "../../src/digest/subscriptions-store.ts";
import { updateKind } from "../../src/metrics.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { makeSubscription, seedAnnouncements, waitFor } from "../digest/delivery-harness.ts";
import { FakeTelegram, telegramFailures } from "../support/fake-telegram.ts";
import { silentLogger } from "../support/logger.ts";
import { TEST_REDIS_URL, createTestRedis, type TestRedis } from "../support/redis.ts";
import { scrape } from "../support/scrape.ts";
import { alice, textMessage } from "../support/updates.ts";

const DASHBOARD_PASSWORD = "correct-horse-battery-staple";
const GROUP_ID = -1009876543;

describe("metrics and the queue dashboard of a whole process", () => {
  const telegram = new FakeTelegram();
  let t: TestRedis;
  let app: App;
  let metricsPort = 0;
  let dashboard = "";

  beforeAll(async () => {
    await telegram.start();
    t = createTestRedis();
    const config = parseConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: t.prefix,
      HEALTH_PORT: "0",
      DASHBOARD_PASSWORD,
      DASHBOARD_PORT: "0",
    });
    const terminal = { input: new PassThrough(), output: new PassThrough(), interactive: false };
    app = await startApp(config, "all", { logger: silentLogger(), terminal });
    metricsPort = app.ports.health ?? 0;
    dashboard = `http://127.0.0.1:${app.ports.dashboard}`;
  });

  afterAll(async () => {
    await app?.stop();
    await telegram.stop();
    await t.cleanup();
  });

  it("counts an update, its answer, the search and a 429 on the bot's side", async () => {
    const before = await scrape(metricsPort);
    expect(before.get('zhibu_answers_total{result="found"}')).toBe(0);
    telegram.fail("sendMessage", telegramFailures.tooManyRequests(1), {
      when: (payload) => payload.chat_id === alice.id,
    });
    telegram.pushUpdate(textMessage("/ask 共建交流会"));
    await telegram.waitFor("sendMessage", (call) => call.status === 200 && call.payload.chat_id === alice.id);
    await waitFor(
      async () =>
        (await scrape(metricsPort)).get('zhibu_update_duration_seconds_count{kind="message"}') === 1,
      10_000,
      "the update to be counted",
    );
    const after = await scrape(metricsPort);
    expect(after.get('zhibu_answers_total{result="found"}')).toBe(1);
    expect(after.get("zhibu_search_duration_seconds_count")).toBe(1);
    expect(after.get('zhibu_telegram_429_total{sender="bot"}')).toBe(1);
  });

  it("counts digest parts sent and retried, Telegram's 429s to the workers, and queue depths", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscription = makeSubscription(GROUP_ID);
    await createSubscriptionStore(t.redis, t.prefix).save(subscription);
    const toGroup = (payload: Record<string, unknown>) => payload.chat_id === GROUP_ID;
    telegram.fail("sendMessage", telegramFailures.tooManyRequests(1), { when: toGroup });
    telegram.fail("sendMessage", telegramFailures.serverError(), { when: toGroup });
    const queue = new Queue<DigestJobData>("digest", { connection: t.connect(), prefix: t.prefix });
    await queue.add("digest", { subscriptionId: subscription.id });
    await queue.close();

    await telegram.waitFor("sendMessage", (call) => call.status === 200 && toGroup(call.payload), 20_000);
    await waitFor(
      async () => (await scrape(metricsPort)).get('zhibu_digest_parts_total{outcome="sent"}') === 1,
      10_000,
      "the part to be counted",
    );
    const metrics = await scrape(metricsPort);
    expect(metrics.get('zhibu_digest_parts_total{outcome="retried"}')).toBe(1);
    expect(metrics.get('zhibu_digest_parts_total{outcome="failed"}')).toBe(0);
    expect(metrics.get('zhibu_telegram_429_total{sender="delivery"}')).toBe(1);
    expect(metrics.get('zhibu_queue_jobs{queue="delivery",state="completed"}')).toBe(1);
    expect(metrics.get('zhibu_queue_jobs{queue="digest",state="completed"}')).toBe(1);
    expect(metrics.has('zhibu_queue_jobs{queue="ingest",state="waiting"}')).toBe(true);
    expect(metrics.has("process_resident_memory_bytes")).toBe(true);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    for (const chatId of [GROUP_ID, alice.id]) expect(text).not.toContain(`"${chatId}"`);
  }, 40_000);

  it("counts ingest runs and pages per configured source", async () => {
    const runs = 'zhibu_ingest_runs_total{source="samples",outcome="ok"}';
    await waitFor(async () => ((await scrape(metricsPort)).get(runs) ?? 0) >= 1, 20_000, "an ingest run");
    const metrics = await scrape(metricsPort);
    expect(metrics.get('zhibu_ingest_pages_total{source="samples"}')).toBeGreaterThan(0);
    expect(metrics.get('zhibu_ingest_failures_total{source="samples"}')).toBe(0);
    expect(metrics.has('zhibu_announcements_stored_total{source="samples",change="new"}')).toBe(true);
    const sources = [...metrics.keys()].flatMap((key) => /source="([^"]*)"/.exec(key)?.[1] ?? []);
    expect(new Set(sources)).toEqual(new Set(["seeds", "samples"]));
  }, 30_000);

  it("is ready once Redis answers, the index is loaded and the workers are attached", async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ready: true,
      phase: "running",
      checks: { redis: true, index: true, workers: true },
    });
  });

  it("labels updates by kind from a fixed set", () => {
    expect(updateKind({ update_id: 1, message: {} })).toBe("message");
    expect(updateKind({ update_id: 1, business_message: {} })).toBe("other");
  });

  it("refuses the dashboard without the right credentials", async () => {
    const anonymous = await fetch(`${dashboard}/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect((await fetch(`${dashboard}/api/queues`)).status).toBe(401);
    const basic = (user: string, password: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
    });
    expect((await fetch(`${dashboard}/api/queues`, { headers: basic("admin", "wrong") })).status).toBe(401);
    expect(
      (await fetch(`${dashboard}/api/queues`, { headers: basic("root", DASHBOARD_PASSWORD) })).status,
    ).toBe(401);
    const allowed = await fetch(`${dashboard}/api/queues`, { headers: basic("admin", DASHBOARD_PASSWORD) });
    expect(allowed.status).toBe(200);
    const body = (await allowed.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(["delivery", "digest", "ingest"]);
  });
});
