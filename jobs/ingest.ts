import { join } from "node:path";
import {
  DelayedError,
  Queue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
  type RepeatOptions,
} from "bullmq";
import type { Redis } from "ioredis";
import type { Clock } from "../src/clock.ts";
import { isPermanent } from "../src/errors.ts";
import type { HttpClient } from "../src/ingest/http.ts";
import { createIngestPipeline, type IngestSummary } from "../src/ingest/pipeline.ts";
import {
  createIngestHttpClient,
  ingestSource,
  type IngestionDeps,
  type SourceRun,
} from "../src/ingest/run.ts";
import { SourceBusyError } from "../src/ingest/source-lock.ts";
import { watchSourcesFile, type SourcesFile } from "../src/ingest/sources-file.ts";
import type { Source, SourceSchedule } from "../src/ingest/sources.ts";
import type { Logger } from "../src/logger.ts";
import type { Metrics } from "../src/metrics.ts";
import { finishesWithin } from "../src/runtime/finishes-within.ts";
import {
  createSourceHealthStore,
  type SourceHealth,
  type SourceHealthStore,
} from "../src/store/source-health.ts";

const INGEST_QUEUE = "ingest";
const SCHEDULER_PREFIX = "source:";

export interface IngestJobData {
  sourceId: string;
}

export interface IngestJobResult {
  summary: IngestSummary;
  listed: number;
}

export interface IngestWorkerDeps {
  /** For the stores; BullMQ gets its own connections from `connection`. */
  redis: Redis;
  /** ioredis options or instance for BullMQ (needs `maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  /** Key prefix of zhibu's keys and BullMQ's queues (the config's `redisPrefix`). */
  prefix: string;
  queueName?: string;
  dataDir: string;
  /** Defaults to `<dataDir>/sources.yaml`. */
  sourcesPath?: string;
  /** How often the sources file is read again, so edits take effect without a restart. */
  reloadSourcesMs?: number;
  /** A sources file already watched by this process; `sourcesPath` and `reloadSourcesMs` are then unused. */
  sourcesFile?: SourcesFile;
  logger: Logger;
  clock: Clock;
  http?: HttpClient;
  /** Sources fetched at once by this process; one host is still asked one request at a time. */
  concurrency?: number;
  /** Attempts per scheduled run for transient failures, with exponential backoff from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
  /** Failed attempts in a row after which a source is reported unhealthy. */
  unhealthyAfter?: number;
  metrics?: Pick<Metrics, "ingestRun">;
  /** How long a source's lock outlives a process that stopped renewing it. */
  sourceLockTtlMs?: number;
  /** A run that finds its source locked by another run tries again this much later. */
  busyRetryMs?: number;
  /**
   * How soon a job whose worker died is noticed and run again (BullMQ's lock duration and
   * stalled-job check); tests shorten it, with `sourceLockTtlMs`.
   */
  stalledAfterMs?: number;
  /** How long close waits for the jobs in flight before it lets go of them. */
  drainTimeoutMs?: number;
}

function repeatOptions(schedule: SourceSchedule): Omit<RepeatOptions, "key"> {
  return schedule.cron !== undefined
    ? { pattern: schedule.cron, tz: schedule.tz }
    : { every: (schedule.every ?? 60) * 60_000 };
}

/**
 * One Job Scheduler per enabled source, upserted so a changed schedule takes effect, and removed
 * for sources that left the sources file or were disabled.
 */
async function syncSchedulers(
  queue: Queue<IngestJobData>,
  sources: readonly Source[],
  jobOptions: { attempts: number; backoffMs: number },
): Promise<void> {
  const wanted = new Set<string>();
  for (const source of sources.filter((s) => s.enabled)) {
    const id = `${SCHEDULER_PREFIX}${source.id}`;
    wanted.add(id);
    await queue.upsertJobScheduler(id, repeatOptions(source.schedule), {
      name: "ingest",
      data: { sourceId: source.id },
      opts: {
        attempts: jobOptions.attempts,
        backoff: { type: "exponential", delay: jobOptions.backoffMs },
        removeOnComplete: { count: 200 },
        removeOnFail: { count: 500 },
      },
    });
  }
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(scheduler.key)) {
      await queue.removeJobScheduler(scheduler.key);
    }
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The health a finished run leaves behind; a list page that suddenly lists nothing is suspect. */
function healthAfterRun(
  previous: SourceHealth | undefined,
  sourceId: string,
  run: SourceRun,
  now: number,
): SourceHealth {
  const lastItemCount = run.notModified ? previous?.lastItemCount : run.listed;
  const before = previous?.lastItemCount ?? 0;
  const emptied = !run.notModified && run.listed === 0 && before > 0;
  return {
    sourceId,
    healthy: !emptied,
    ...(emptied
      ? { reason: `列表页突然没有条目（上次 ${before} 条），页面结构可能已改版，请检查该来源的选择器` }
      : {}),
    lastFetchAt: now,
    lastSuccessAt: now,
    consecutiveFailures: 0,
    ...(lastItemCount !== undefined ? { lastItemCount } : {}),
  };
}

function healthAfterFailure(
  previous: SourceHealth | undefined,
  sourceId: string,
  error: unknown,
  now: number,
  unhealthyAfter: number,
): SourceHealth {
  const failures = (previous?.consecutiveFailures ?? 0) + 1;
  const permanent = isPermanent(error);
  const healthy = !permanent && failures < unhealthyAfter && (previous?.healthy ?? true);
  const { reason: _staleReason, ...kept } = previous ?? {};
  return {
    ...kept,
    sourceId,
    healthy,
    ...(healthy
      ? {}
      : {
          reason: permanent
            ? `抓取失败，重试无用：${describeError(error)}`
            : `连续 ${failures} 次抓取失败：${describeError(error)}`,
        }),
    lastFetchAt: now,
    consecutiveFailures: failures,
  };
}

export interface IngestProcessorDeps extends IngestionDeps {
  /** The sources in force, which change when the sources file is reloaded. */
  sources: () => ReadonlyMap<string, Source>;
  health: SourceHealthStore;
  unhealthyAfter: number;
  metrics?: Pick<Metrics, "ingestRun">;
  busyRetryMs: number;
}

/** Runs one source per job; permanent failures end the job, transient ones are left to retry. */
function createIngestProcessor(deps: IngestProcessorDeps) {
  const pipeline = createIngestPipeline(deps);
  return async (job: Job<IngestJobData>, token?: string): Promise<IngestJobResult> => {
    const source = deps.sources().get(job.data.sourceId);
    if (!source) throw new UnrecoverableError(`source ${job.data.sourceId} is not in the sources file`);
    const log = deps.logger.child({ sourceId: source.id, jobId: job.id, attempt: job.attemptsMade + 1 });
    const now = () => deps.clock().getTime();
    let run: SourceRun;
    try {
      run = await ingestSource(deps, source, pipeline);
    } catch (error) {
      // The holder may be a run whose worker died: its lock lapses soon, and this run is what
      // fetches the rest of the source then, instead of the next scheduled run.
      if (error instanceof SourceBusyError) {
        log.info(
          { retryInMs: deps.busyRetryMs },
          "source is being fetched by another run; trying again later",
        );
        deps.metrics?.ingestRun(source.id, "busy");
        await job.moveToDelayed(Date.now() + deps.busyRetryMs, token);
        throw new DelayedError();
      }
      const health = healthAfterFailure(
        await deps.health.get(source.id),
        source.id,
        error,
        now(),
        deps.unhealthyAfter,
      );
      await deps.health.put(health);
      deps.metrics?.ingestRun(source.id, "failed");
      if (!health.healthy) log.error({ reason: health.reason }, "source is unhealthy");
      else log.warn({ err: error }, "source fetch failed; will retry");
      if (isPermanent(error)) throw new UnrecoverableError(describeError(error));
      throw error;
    }
    const health = healthAfterRun(await deps.health.get(source.id), source.id, run, now());
    await deps.health.put(health);
    deps.metrics?.ingestRun(source.id, "ok", run.summary);
    if (!health.healthy) log.error({ reason: health.reason }, "source is unhealthy");
    return { summary: run.summary, listed: run.listed };
  };
}

/**
 * Starts the ingest worker: loads the sources file, syncs one Job Scheduler per source, and
 * processes the `ingest` queue. Any number of worker processes may run at once.
 */
export async function startIngestWorker(deps: IngestWorkerDeps): Promise<{
  queue: Queue<IngestJobData>;
  /** The worker takes jobs from its queue (it stops on close). */
  isRunning(): boolean;
  close(): Promise<void>;
}> {
  const sourcesFile =
    deps.sourcesFile ??
    (await watchSourcesFile({
      path: deps.sourcesPath ?? join(deps.dataDir, "sources.yaml"),
      logger: deps.logger,
      everyMs: deps.reloadSourcesMs ?? 60_000,
    }));
  const stopWatching = async () => {
    if (!deps.sourcesFile) await sourcesFile.stop();
  };
  const queueName = deps.queueName ?? INGEST_QUEUE;
  const queue = new Queue<IngestJobData>(queueName, { connection: deps.connection, prefix: deps.prefix });
  queue.on("error", (error) => deps.logger.warn({ queue: queueName, err: error }, "queue error"));
  const health = createSourceHealthStore(deps.redis, deps.prefix);
  const jobOptions = { attempts: deps.attempts ?? 4, backoffMs: deps.backoffMs ?? 30_000 };
  const apply = async (sources: readonly Source[]) => {
    await syncSchedulers(queue, sources, jobOptions);
    const known = new Set(sources.map((s) => s.id));
    for (const record of await health.list())
      if (!known.has(record.sourceId)) await health.remove(record.sourceId);
  };
  try {
    await apply(sourcesFile.current());
  } catch (error) {
    await stopWatching();
    await queue.close();
    throw error;
  }
  sourcesFile.onChange(apply);

  const processor = createIngestProcessor({
    ...deps,
    http: deps.http ?? createIngestHttpClient(deps),
    sources: () => sourcesFile.byId(),
    health,
    unhealthyAfter: deps.unhealthyAfter ?? 3,
    busyRetryMs: deps.busyRetryMs ?? 30_000,
  });
  const stalledAfterMs = deps.stalledAfterMs ?? 30_000;
  const worker = new Worker<IngestJobData, IngestJobResult>(queueName, processor, {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? 4,
    lockDuration: stalledAfterMs,
    stalledInterval: stalledAfterMs,
  });
  worker.on("error", (error) => deps.logger.error({ queue: queueName, err: error }, "worker error"));
  worker.on("failed", (job, error) =>
    deps.logger.warn(
      { queue: queueName, jobId: job?.id, sourceId: job?.data.sourceId, err: error },
      "ingest job failed",
    ),
  );
  deps.logger.info(
    { sources: sourcesFile.current().filter((s) => s.enabled).length },
    "ingest worker started",
  );
  return {
    queue,
    isRunning: () => worker.isRunning(),
    async close() {
      await stopWatching();
      // After a Redis restart a finished job's last command can wait for an answer that never
      // comes. A job let go of here stays active in Redis and is run again as stalled; what it
      // stored is kept, and its source lock lapses.
      if (!(await finishesWithin(worker.close(), deps.drainTimeoutMs ?? 10_000)))
        deps.logger.warn({ queue: queueName }, "ingest jobs still in flight at close; left to be run again");
      await queue.close();
    },
  };
}
