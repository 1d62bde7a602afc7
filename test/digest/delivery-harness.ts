import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import type { Redis } from "ioredis";
import { startDigestWorkers, type DigestQueueNames, type DigestServices } from "../../jobs/digest-workers.ts";
import { withOutgoingChecks } from "../../src/bot/outgoing.ts";
import type { Clock } from "../../src/clock.ts";
import { SETTLE_MS } from "../../src/digest/digest-builder.ts";
import { dayInZone } from "../../src/ingest/dates.ts";
import { defaultSettings, newSubscriptionId, type Subscription } from "../../src/digest/subscription.ts";
import { createLogger } from "../../src/logger.ts";
import { createAnnouncementStore, type AnnouncementStore } from "../../src/store/announcements.ts";
import { testConnectionOptions } from "../support/redis.ts";
import { includesKeyword, makeAnnouncement, testSources } from "./support.ts";

export const TIME_SCALE = 10;
export const LIMITS = { perSecond: 30, perGroupPerMinute: 20, perChatPerSecond: 1 };

export interface WorkerSetup {
  prefix: string;
  apiRoot: string;
  token: string;
  queueNames?: DigestQueueNames;
  /** In-process only: a child process runs on the system clock. */
  clock?: Clock;
  /** In-process only: services already built, as the app passes its own. */
  services?: DigestServices;
  timeScale?: number;
  concurrency?: { digest?: number; delivery?: number };
  /** Workers believe the global limit is this many times Telegram's: to provoke 429s. */
  overshoot?: number;
}

/** Workers as a process would run them, against the fake Bot API; tests, the child and the bench share it. */
export function startTestWorkers(redis: Redis, setup: WorkerSetup) {
  return startDigestWorkers({
    redis,
    connection: testConnectionOptions(),
    prefix: setup.prefix,
    ...(setup.services ? { services: setup.services } : {}),
    ...(setup.queueNames ? { queueNames: setup.queueNames } : {}),
    api: withOutgoingChecks(
      new Api(setup.token, { apiRoot: setup.apiRoot }),
      createLogger({ level: "silent" }),
    ),
    announcements: createAnnouncementStore(redis, setup.prefix),
    sources: testSources,
    matchKeyword: includesKeyword,
    itemCap: 30,
    limits: { ...LIMITS, perSecond: LIMITS.perSecond * (setup.overshoot ?? 1) },
    clock: setup.clock ?? (() => new Date()),
    logger: createLogger({ level: "silent" }),
    timeScale: setup.timeScale ?? TIME_SCALE,
    lockDurationMs: 1_000,
    stalledIntervalMs: 500,
    ...(setup.concurrency ? { concurrency: setup.concurrency } : {}),
  });
}

export function makeSubscription(chatId: number, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: newSubscriptionId(),
    chatId,
    ...defaultSettings("Asia/Shanghai"),
    active: true,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    ...overrides,
  };
}

/** Stores `count` announcements first seen just before the settle margin, long enough that 30 of them need 3 parts. */
export async function seedAnnouncements(
  store: AnnouncementStore,
  count: number,
  long = true,
  firstSeen = Date.now() - SETTLE_MS - 1000,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const published = { date: dayInZone(new Date(firstSeen)) };
    const announcement = makeAnnouncement(
      long
        ? {
            ...published,
            title: `${"样板党支部共建交流".repeat(12)} ${i}`,
            text: `${"支部开展主题党日活动".repeat(8)}。`,
          }
        : published,
    );
    await store.save(announcement, firstSeen + i);
  }
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = "condition",
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const WORKER_CHILD = fileURLToPath(new URL("./worker-child.ts", import.meta.url));

/** Runs the workers in a process of their own; resolves once they are connected. */
export function spawnWorkerProcess(setup: Omit<WorkerSetup, "clock">): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER_CHILD, JSON.stringify(setup)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker process exited early (${code})`)));
  });
}
