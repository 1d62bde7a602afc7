import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from "bullmq";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Clock } from "../src/clock.ts";
import type { DeliveryLimits } from "../src/config.ts";
import type { MatchKeyword } from "../src/digest/compose.ts";
import { createSubscriptionDeactivator } from "../src/digest/deactivate.ts";
import { createDeliveryStore, type SendSpacing } from "../src/digest/delivery-store.ts";
import { createDigestBuilder } from "../src/digest/digest-builder.ts";
import { createDigestScheduler, type DigestJobData } from "../src/digest/scheduler.ts";
import { createSubscriptionStore } from "../src/digest/subscriptions-store.ts";
import type { Logger } from "../src/logger.ts";
import type { Metrics } from "../src/metrics.ts";
import type { SourceDirectory } from "../src/sources-directory.ts";
import type { AnnouncementStore } from "../src/store/announcements.ts";
import { createDeliverProcessor, type DeliverJobData } from "./deliver.ts";
import { createDigestProcessor } from "./digest.ts";
import type { QueueCounts } from "../src/digest/scheduler.ts";

export interface DigestQueueNames {
  digest: string;
  delivery: string;
}

const DEFAULT_QUEUE_NAMES: DigestQueueNames = { digest: "digest", delivery: "delivery" };

/** The two queues, as producers see them (the bot schedules digests; /status counts jobs). */
export function createDigestQueues(
  connection: ConnectionOptions,
  prefix: string,
  names = DEFAULT_QUEUE_NAMES,
) {
  const digest = new Queue<DigestJobData>(names.digest, { connection, prefix });
  const delivery = new Queue<DeliverJobData>(names.delivery, { connection, prefix });
  return {
    digest,
    delivery,
    async counts(): Promise<QueueCounts[]> {
      return Promise.all(
        [digest, delivery].map(async (queue) => {
          const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed");
          return {
            queue: queue.name,
            waiting: counts.waiting ?? 0,
            active: counts.active ?? 0,
            delayed: counts.delayed ?? 0,
            failed: counts.failed ?? 0,
          };
        }),
      );
    },
    async close() {
      await Promise.all([digest.close(), delivery.close()]);
    },
  };
}

export type DigestQueues = ReturnType<typeof createDigestQueues>;

/** What the bot and the workers of one process share: the queues, the stores, the deactivator. */
export function createDigestServices(deps: {
  /** For the stores. */
  redis: Redis;
  /** For the queues (needs `maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  prefix: string;
  queueNames?: DigestQueueNames;
  clock: Clock;
}) {
  const queues = createDigestQueues(deps.connection, deps.prefix, deps.queueNames);
  const subscriptions = createSubscriptionStore(deps.redis, deps.prefix);
  const delivery = createDeliveryStore(deps.redis, deps.prefix);
  const scheduler = createDigestScheduler(queues.digest);
  const deactivator = createSubscriptionDeactivator({
    subscriptions,
    scheduler,
    delivery,
    clock: deps.clock,
  });
  return { queues, subscriptions, delivery, scheduler, deactivator, close: () => queues.close() };
}

export type DigestServices = ReturnType<typeof createDigestServices>;

export interface DigestWorkersDeps {
  /** The process's digest services; when absent (tests, benches), built here from `redis`, and closed with the workers. */
  services?: DigestServices;
  /** For the stores of services built here. */
  redis: Redis;
  /** ioredis options or instance for BullMQ (needs `maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  prefix: string;
  queueNames?: DigestQueueNames;
  /** Sends the parts: the real Bot API, or a console printer. */
  api: Api;
  announcements: Pick<AnnouncementStore, "idsFirstSeenBetween" | "getMany">;
  sources: SourceDirectory;
  matchKeyword: MatchKeyword;
  itemCap: number;
  /** Days of news a digest looks back over by publication; the builder's default when absent. */
  lookbackDays?: number;
  limits: DeliveryLimits;
  clock: Clock;
  logger: Logger;
  /** Divides every delay (limits, retry_after, backoff); only benches and tests set it. */
  timeScale?: number;
  concurrency?: { digest?: number; delivery?: number };
  /** BullMQ's lock and stall detection; tests shorten them to see a killed worker's jobs resume. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  metrics?: Pick<Metrics, "digestPart">;
}

/** The delivery queue's global limit as BullMQ windows: short ones, so no burst exceeds the rate. */
function globalLimiter(perSecond: number): { max: number; duration: number } {
  const max = Math.max(1, Math.round(perSecond / 10));
  return { max, duration: Math.round((1000 * max) / perSecond) };
}

/**
 * Slots are reserved in Redis a moment before the request reaches Telegram, and that moment
 * varies (event loop, network): sends to one chat reserved exactly one interval (or a group's
 * window) apart can arrive closer together. This much slack keeps them apart.
 */
const ARRIVAL_JITTER_MARGIN_MS = 25;

function sendSpacing(limits: DeliveryLimits, timeScale: number): SendSpacing {
  return {
    chatIntervalMs: 1000 / limits.perChatPerSecond / timeScale + ARRIVAL_JITTER_MARGIN_MS,
    groupWindowMs: 60_000 / timeScale + ARRIVAL_JITTER_MARGIN_MS,
    groupMax: limits.perGroupPerMinute,
  };
}

/** Starts a digest worker and a delivery worker; any number of processes may run them at once. */
export function startDigestWorkers(deps: DigestWorkersDeps): {
  queues: DigestQueues;
  /** Both workers take jobs from their queues (they stop on close). */
  isRunning(): boolean;
  close(): Promise<void>;
} {
  const timeScale = deps.timeScale ?? 1;
  const services = deps.services ?? createDigestServices(deps);
  const { queues, subscriptions, delivery, deactivator } = services;
  const workerOptions = {
    connection: deps.connection,
    prefix: deps.prefix,
    ...(deps.lockDurationMs ? { lockDuration: deps.lockDurationMs } : {}),
    ...(deps.stalledIntervalMs ? { stalledInterval: deps.stalledIntervalMs } : {}),
  };
  const digestWorker = new Worker<DigestJobData>(
    queues.digest.name,
    createDigestProcessor({
      subscriptions,
      delivery,
      digests: createDigestBuilder({ ...deps, subscriptions }),
      deliveryQueue: queues.delivery,
      deliverJobOptions: {
        attempts: 8,
        backoff: { type: "exponential", delay: Math.ceil(1000 / timeScale) },
      },
      logger: deps.logger,
    }),
    { ...workerOptions, concurrency: deps.concurrency?.digest ?? 10 },
  );
  const deliveryWorker = new Worker<DeliverJobData>(
    queues.delivery.name,
    createDeliverProcessor({
      api: deps.api,
      subscriptions,
      delivery,
      deactivator,
      spacing: sendSpacing(deps.limits, timeScale),
      timeScale,
      partLockMs: Math.max(1000, (deps.lockDurationMs ?? 30_000) * 2),
      logger: deps.logger,
    }),
    {
      ...workerOptions,
      concurrency: deps.concurrency?.delivery ?? 20,
      limiter: globalLimiter(deps.limits.perSecond * timeScale),
    },
  );
  for (const worker of [digestWorker, deliveryWorker]) {
    worker.on("failed", (job, error) =>
      deps.logger.warn({ queue: worker.name, jobId: job?.id, err: error }, "job failed"),
    );
    worker.on("error", (error) => deps.logger.error({ queue: worker.name, err: error }, "worker error"));
  }
  deliveryWorker.on("completed", (_job, outcome) => {
    if (outcome === "sent") deps.metrics?.digestPart("sent");
  });
  deliveryWorker.on("failed", (job, error) => {
    const final =
      error instanceof UnrecoverableError || (job?.attemptsMade ?? 0) >= (job?.opts.attempts ?? 1);
    deps.metrics?.digestPart(final ? "failed" : "retried");
  });
  return {
    queues,
    isRunning: () => digestWorker.isRunning() && deliveryWorker.isRunning(),
    async close() {
      await Promise.all([digestWorker.close(), deliveryWorker.close()]);
      if (!deps.services) await services.close();
    },
  };
}
