import type { ChildProcess } from "node:child_process";
import { Queue } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDeliveryStore } from "../../src/digest/delivery-store.ts";
import type { DigestJobData } from "../../src/digest/scheduler.ts";
import { createSubscriptionStore } from "../../src/digest/subscriptions-store.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import {
  LIMITS,
  makeSubscription,
  seedAnnouncements,
  spawnWorkerProcess,
  waitFor,
} from "./delivery-harness.ts";

/** Slow enough that the parts of one digest are half a second apart: room to kill in between. */
const TIME_SCALE = 2;

const startChild = (t: TestRedis, fake: FakeTelegram) =>
  spawnWorkerProcess({ prefix: t.prefix, apiRoot: fake.apiRoot, token: fake.token, timeScale: TIME_SCALE });

describe("a worker killed in the middle of a digest", () => {
  let t: TestRedis;
  let fake: FakeTelegram;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    t = createTestRedis();
    fake = await new FakeTelegram().start();
    fake.enforceLimits({ ...LIMITS, timeScale: TIME_SCALE });
  });
  afterEach(async () => {
    for (const child of children) child.kill("SIGKILL");
    await fake.stop();
    await t.cleanup();
  });

  it("resumes in a new process and delivers every part exactly once", async () => {
    await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 40);
    const subscriptions = createSubscriptionStore(t.redis, t.prefix);
    const subscription = makeSubscription(-4001);
    await subscriptions.save(subscription);
    const queue = new Queue<DigestJobData>("digest", { connection: t.connect(), prefix: t.prefix });
    await queue.add("digest", { subscriptionId: subscription.id });
    await queue.close();

    const first = await startChild(t, fake);
    children.push(first);
    // Killed once the first part is recorded as sent; killing between Telegram's acceptance and
    // that record is the one window in which a part can be sent twice (see jobs/deliver.ts).
    const delivery = createDeliveryStore(t.redis, t.prefix);
    await waitFor(
      async () => {
        const pending = await delivery.getPending(subscription.id);
        return pending !== undefined && (await delivery.sentParts(pending.id)).has(0);
      },
      15_000,
      "the first part",
    );
    const exited = new Promise((resolve) => first.once("exit", resolve));
    first.kill("SIGKILL");
    await exited;
    const deliveredBeforeKill = fake.delivered().length;
    expect(deliveredBeforeKill).toBeLessThan(3);

    children.push(await startChild(t, fake));
    await waitFor(
      async () => (await subscriptions.getCursor(subscription.id)) !== undefined,
      20_000,
      "all parts",
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const parts = fake.delivered().map((c) => /（(\d)\/3）/.exec(String(c.payload.text))?.[1]);
    expect(parts).toEqual(["1", "2", "3"]);
  });
});
