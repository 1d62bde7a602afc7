import type { Queue } from "bullmq";
import { cronPattern } from "./schedule.ts";
import type { Subscription } from "./subscription.ts";

export interface DigestJobData {
  subscriptionId: string;
}

/** Places each subscription's digest on the calendar; the digest worker does the rest. */
export interface DigestScheduler {
  schedule(subscription: Subscription): Promise<void>;
  unschedule(subscriptionId: string): Promise<void>;
}

/** Subscription ids start with "sub-", so scheduler ids are never integer-like (BullMQ refuses those). */
export const schedulerIdOf = (subscriptionId: string) => `digest-${subscriptionId}`;

const DIGEST_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 1_000 },
} as const;

export function createDigestScheduler(queue: Queue<DigestJobData>): DigestScheduler {
  return {
    async schedule(subscription) {
      if (!subscription.active) {
        await queue.removeJobScheduler(schedulerIdOf(subscription.id));
        return;
      }
      await queue.upsertJobScheduler(
        schedulerIdOf(subscription.id),
        { pattern: cronPattern(subscription.schedule), tz: subscription.schedule.timezone },
        { name: "digest", data: { subscriptionId: subscription.id }, opts: DIGEST_JOB_OPTIONS },
      );
    },
    async unschedule(subscriptionId) {
      await queue.removeJobScheduler(schedulerIdOf(subscriptionId));
    },
  };
}

/** How many jobs a queue holds in each state, as /status shows them. */
export interface QueueCounts {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}
