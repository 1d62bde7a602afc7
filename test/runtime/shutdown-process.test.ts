import { spawn, type ChildProcess } from "node:child_process";
import { Queue } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DigestJobData } from "../../src/digest/scheduler.ts";
import { createSubscriptionStore } from "../../src/digest/subscriptions-store.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { makeSubscription, seedAnnouncements, waitFor } from "../digest/delivery-harness.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { processEnvironment } from "../support/process-env.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { textMessage } from "../support/updates.ts";

/** Every send takes this long, so a SIGTERM lands while some are in flight. */
const SLOW_SEND_MS = 1500;
const GROUPS = Array.from({ length: 12 }, (_, i) => -3001 - i);

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `npm run <script>` as an operator starts it, on the fake Bot API and the test's key prefix. */
function npmRun(script: "bot" | "worker", t: TestRedis, telegram: FakeTelegram): Running {
  const child = spawn("npm", ["run", "--silent", script], {
    env: processEnvironment(telegram, t.prefix, {
      SEED_SAMPLES: "false",
      // One send every 200 ms: some parts are in flight at SIGTERM, the rest still waiting.
      DELIVERY_RATE_PER_SECOND: "5",
    }),
    stdio: ["ignore", "ignore", "pipe"],
    // A process group of its own, so that cleaning up reaches npm's child too.
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, stderr: () => stderr, exited };
}

async function untilRunning(running: Running): Promise<void> {
  await waitFor(() => running.stderr().includes('"msg":"zhibu is running"'), 60_000, "start-up");
}

describe("SIGTERM to real processes", () => {
  let t: TestRedis;
  let telegram: FakeTelegram;
  const started: Running[] = [];

  beforeEach(async () => {
    t = createTestRedis();
    telegram = await new FakeTelegram().start();
    telegram.slowDown("sendMessage", SLOW_SEND_MS);
  });
  afterEach(async () => {
    for (const { child } of started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null && child.pid)
        process.kill(-child.pid, "SIGKILL");
    }
    await telegram.stop();
    await t.cleanup();
  });

  it("lets a worker finish the parts in flight, and a restarted one sends the rest, each once", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 2, false);
    const subscriptions = createSubscriptionStore(t.redis, t.prefix);
    const digests = new Queue<DigestJobData>("digest", { connection: t.connect(), prefix: t.prefix });
    const deliveries = new Queue("delivery", { connection: t.connect(), prefix: t.prefix });
    for (const chatId of GROUPS) {
      const subscription = makeSubscription(chatId);
      await subscriptions.save(subscription);
      await digests.add("digest", { subscriptionId: subscription.id });
    }

    const first = npmRun("worker", t, telegram);
    started.push(first);
    const firstSend = await telegram.waitFor("sendMessage", () => true, 60_000);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const exitedAt = Date.now();
    expect(first.stderr()).toContain('"msg":"stopped"');

    // Every send that had begun was answered and its job completed before the process exited.
    const sentBefore = telegram.callsOf("sendMessage");
    expect(exitedAt).toBeGreaterThanOrEqual(firstSend.at + SLOW_SEND_MS);
    expect(sentBefore.every((call) => call.status === 200 && (call.answeredAt ?? Infinity) <= exitedAt)).toBe(
      true,
    );
    const counts = await deliveries.getJobCounts("active", "completed");
    expect(counts.active).toBe(0);
    expect(counts.completed).toBe(sentBefore.length);
    expect(sentBefore.length).toBeLessThan(GROUPS.length);

    const second = npmRun("worker", t, telegram);
    started.push(second);
    await waitFor(() => telegram.delivered().length >= GROUPS.length, 60_000, "every group's digest");
    await new Promise((resolve) => setTimeout(resolve, SLOW_SEND_MS + 500));
    const perGroup = GROUPS.map(
      (chatId) => telegram.delivered().filter((call) => call.payload.chat_id === chatId).length,
    );
    expect(perGroup).toEqual(GROUPS.map(() => 1));
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    await Promise.all([digests.close(), deliveries.close()]);
  }, 150_000);

  it("lets the bot finish the answer in flight, and a restarted bot does not answer it again", async () => {
    const first = npmRun("bot", t, telegram);
    started.push(first);
    await untilRunning(first);
    const question = textMessage("/ask 共建交流会");
    const messageId = question.message?.message_id;
    const repliesToQuestion = () =>
      telegram
        .callsOf("sendMessage")
        .filter(
          (call) =>
            (call.payload.reply_parameters as { message_id?: number } | undefined)?.message_id === messageId,
        );
    telegram.pushUpdate(question);
    const reply = await telegram.waitFor("sendMessage", () => true, 30_000);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(reply.status).toBe(200);
    expect(Date.now()).toBeGreaterThanOrEqual(reply.at + SLOW_SEND_MS);

    const second = npmRun("bot", t, telegram);
    started.push(second);
    await untilRunning(second);
    const next = textMessage("/ask 主题党日");
    telegram.pushUpdate(next);
    await telegram.waitFor(
      "sendMessage",
      (call) =>
        (call.payload.reply_parameters as { message_id?: number } | undefined)?.message_id ===
          next.message?.message_id && call.status === 200,
      30_000,
    );
    expect(repliesToQuestion()).toHaveLength(1);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 150_000);
});
