import type { Transformer } from "grammy";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { IngestSummary } from "./ingest/pipeline.ts";

/** A queue whose job counts are read on every scrape. */
export interface CountedQueue {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/** `busy`: another run held the source, so this one tries again later. */
export type IngestOutcome = "ok" | "failed" | "busy";
export type PartOutcome = "sent" | "failed" | "retried";
/** Who met Telegram's 429: the bot answering members, or the workers delivering digests. */
export type Sender = "bot" | "delivery";

/** The update kinds zhibu subscribes to; anything else is counted as "other", so labels stay few. */
const UPDATE_KINDS = new Set(["message", "callback_query", "inline_query", "my_chat_member"]);
const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "completed", "prioritized"] as const;
/** A scrape must not hang on a Redis that does not answer; its queue gauges are then left out. */
const QUEUE_COUNT_TIMEOUT_MS = 1000;

export function updateKind(update: object): string {
  const kind = Object.keys(update).find((key) => key !== "update_id");
  return kind && UPDATE_KINDS.has(kind) ? kind : "other";
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The Prometheus metrics of one process, in a registry of its own. Labels never carry a chat id
 * or free text: update kinds, outcomes, queue names and states are fixed sets, and source ids come
 * from the sources file (the ingest worker refuses any other before counting).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const updates = new Histogram({
    name: "zhibu_update_duration_seconds",
    help: "Telegram updates handled, by kind, and how long each took",
    labelNames: ["kind"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const answers = new Counter({
    name: "zhibu_answers_total",
    help: "Questions answered, by whether anything was found",
    labelNames: ["result"],
    registers: [registry],
  });
  const search = new Histogram({
    name: "zhibu_search_duration_seconds",
    help: "Time spent searching the index for one question",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const ingestRuns = new Counter({
    name: "zhibu_ingest_runs_total",
    help: "Ingest runs, by source and outcome",
    labelNames: ["source", "outcome"],
    registers: [registry],
  });
  const ingestPages = new Counter({
    name: "zhibu_ingest_pages_total",
    help: "Article pages fetched, by source",
    labelNames: ["source"],
    registers: [registry],
  });
  const ingestFailures = new Counter({
    name: "zhibu_ingest_failures_total",
    help: "Articles or list items that could not be read, by source",
    labelNames: ["source"],
    registers: [registry],
  });
  const stored = new Counter({
    name: "zhibu_announcements_stored_total",
    help: "Announcements stored, by source and whether new or changed",
    labelNames: ["source", "change"],
    registers: [registry],
  });
  const parts = new Counter({
    name: "zhibu_digest_parts_total",
    help: "Digest parts: sent, failed for good, or failed and to be retried",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "zhibu_telegram_429_total",
    help: "Answers 429 (Too Many Requests) from Telegram, by sender",
    labelNames: ["sender"],
    registers: [registry],
  });
  const queues: CountedQueue[] = [];
  new Gauge({
    name: "zhibu_queue_jobs",
    help: "Jobs in each queue, by state (BullMQ's counts, read on scrape)",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (queue) => {
          const counts = await within(queue.getJobCounts(...QUEUE_STATES), QUEUE_COUNT_TIMEOUT_MS).catch(
            () => undefined,
          );
          for (const state of QUEUE_STATES)
            if (counts) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }),
      );
    },
  });
  for (const sender of ["bot", "delivery"]) rateLimited.inc({ sender }, 0);
  for (const outcome of ["sent", "failed", "retried"]) parts.inc({ outcome }, 0);
  for (const result of ["found", "not_found"]) answers.inc({ result }, 0);

  return {
    registry,
    updateHandled(update: object, seconds: number): void {
      updates.observe({ kind: updateKind(update) }, seconds);
    },
    searched(seconds: number, found: boolean): void {
      search.observe(seconds);
      answers.inc({ result: found ? "found" : "not_found" });
    },
    ingestRun(source: string, outcome: IngestOutcome, summary?: IngestSummary): void {
      ingestRuns.inc({ source, outcome });
      if (!summary) return;
      ingestPages.inc({ source }, summary.fetched);
      ingestFailures.inc({ source }, summary.failed);
      stored.inc({ source, change: "new" }, summary.new);
      stored.inc({ source, change: "changed" }, summary.changed);
    },
    digestPart(outcome: PartOutcome): void {
      parts.inc({ outcome });
    },
    /** An API transformer that counts every 429 Telegram answers, including those retried after. */
    rateLimitCounter(sender: Sender): Transformer {
      return async (prev, method, payload, signal) => {
        const result = await prev(method, payload, signal);
        if (!result.ok && result.error_code === 429) rateLimited.inc({ sender });
        return result;
      };
    },
    trackQueues(...tracked: CountedQueue[]): void {
      queues.push(...tracked);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
