import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { Api } from "grammy";
import { Redis } from "ioredis";
import { startIngestWorker } from "../jobs/ingest.ts";
import { createDigestServices, startDigestWorkers } from "../jobs/digest-workers.ts";
import { createAnswerService } from "./answers.ts";
import { createBot, registerCommands, type BotDeps } from "./bot/create-bot.ts";
import { withOutgoingChecks } from "./bot/outgoing.ts";
import { createQueryCache } from "./bot/query-cache.ts";
import { createUserRateLimiter } from "./bot/rate-limit.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { CONSOLE_BOT_INFO, CONSOLE_TOKEN, ConsoleTelegram, runConsoleChat } from "./console/console-chat.ts";
import { loadLexicon } from "./data/lexicon.ts";
import { createDigestBuilder } from "./digest/digest-builder.ts";
import { runIngestion } from "./ingest/run.ts";
import { watchSourcesFile } from "./ingest/sources-file.ts";
import type { Logger } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { createInFlight } from "./runtime/in-flight.ts";
import { startLiveIndex } from "./runtime/live-index.ts";
import { startOpsServer } from "./runtime/ops-server.ts";
import { finishesWithin } from "./runtime/finishes-within.ts";
import { createReadiness } from "./runtime/readiness.ts";
import { HOW_TO_GET_REDIS, RedisUnavailableError, resolveRedis } from "./runtime/redis-server.ts";
import { connectBot, retryInBackground, startPolling, startWebhook } from "./runtime/telegram.ts";
import { createSearchIndex, loadSearchIndex, matchesKeyword, wordsNotFound } from "./search/index.ts";
import { liveSourceDirectory } from "./sources-directory.ts";
import { createAnnouncementStore } from "./store/announcements.ts";
import { createIndexSnapshotStore } from "./store/index-snapshots.ts";
import { createGoneArticleStore } from "./store/gone-articles.ts";
import { createSourceHealthStore } from "./store/source-health.ts";

/** `all` is one process for one machine; `bot` and `worker` scale out separately on one Redis. */
export const ROLES = ["all", "bot", "worker"] as const;
export type Role = (typeof ROLES)[number];

export interface Terminal {
  input: Readable;
  output: Writable;
  interactive: boolean;
}

export interface App {
  /** Settles when the app ends by itself (the local chat's input ran out); never for Telegram. */
  finished: Promise<void>;
  /** Ports the health server and the dashboard listen on, when configured. */
  ports: { health?: number; dashboard?: number };
  /** Stops taking work, waits for updates and jobs in flight, closes queues and Redis. */
  stop(): Promise<void>;
}

export interface AppDeps {
  logger: Logger;
  terminal: Terminal;
  clock?: Clock;
  /** The process's metrics; a registry of its own is made when absent. */
  metrics?: Metrics;
}

const REDIS_START_TIMEOUT_MS = 5000;
const QUIT_TIMEOUT_MS = 2000;
const SEND_TIMEOUT_SECONDS = 30;
/** How often a bot process may save the search index for the next one to load. */
const INDEX_SNAPSHOT_INTERVAL_MS = 10 * 60_000;
const SOURCES_RELOAD_INTERVAL_MS = 60_000;

/** A Redis client retries forever; at start-up, an address that does not answer is a mistake to report. */
async function answersWithin(redis: Redis, timeoutMs: number, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RedisUnavailableError(
            `Redis at ${redactPassword(url)} did not answer within ${timeoutMs} ms.\n${HOW_TO_GET_REDIS}`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

/** Starts the parts of zhibu that `role` asks for, in the order they depend on each other. */
export async function startApp(config: Config, role: Role, deps: AppDeps): Promise<App> {
  const { logger, terminal } = deps;
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? createMetrics();
  const readiness = createReadiness();
  const ports: App["ports"] = {};
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    readiness.stopping();
    for (const step of stops.splice(0).reverse()) {
      await step().catch((error: unknown) => logger.warn({ err: error }, "shutdown step failed"));
    }
  };

  try {
    if (config.health) {
      const health = await startOpsServer({ ...config.health, readiness, metrics, logger });
      ports.health = health.port;
      stops.push(() => health.close());
    }
    const redisServer = await resolveRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, logger });
    stops.push(() => redisServer.stop());
    const connections: Redis[] = [];
    stops.push(async () => {
      // quit() waits for a server that never answered, or for commands it lost in a restart;
      // disconnect() does not.
      await Promise.all(
        connections.map(async (c) => {
          if (c.status !== "ready" || !(await finishesWithin(c.quit(), QUIT_TIMEOUT_MS))) c.disconnect();
        }),
      );
    });
    const connect = () => {
      const connection = new Redis(redisServer.url, { maxRetriesPerRequest: null });
      connection.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
      connections.push(connection);
      return connection;
    };
    const redis = connect();
    await answersWithin(redis, REDIS_START_TIMEOUT_MS, redisServer.url);
    // Probes fail at once while Redis is away, instead of queueing until it returns.
    const probe = new Redis(redisServer.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    connections.push(probe);
    readiness.add("redis", async () => (await probe.ping()) === "PONG");
    const prefix = config.redisPrefix;

    const store = createAnnouncementStore(redis, prefix);
    const sourceHealth = createSourceHealthStore(redis, prefix);
    const sourcesFile = await watchSourcesFile({
      path: join(config.dataDir, "sources.yaml"),
      logger,
      everyMs: SOURCES_RELOAD_INTERVAL_MS,
    });
    stops.push(() => sourcesFile.stop());
    const sources = liveSourceDirectory(sourcesFile);
    const lexicon = await loadLexicon(config.dataDir);
    const matchKeyword = (doc: { title: string; text: string; school: string }, keyword: string) =>
      matchesKeyword(doc, keyword, lexicon);

    const digestServices = createDigestServices({ redis, connection: connect(), prefix, clock });
    stops.push(() => digestServices.close());
    const { queues, subscriptions, delivery, scheduler, deactivator } = digestServices;
    metrics.trackQueues(queues.digest, queues.delivery);
    for (const queue of [queues.digest, queues.delivery])
      queue.on("error", (error) => logger.warn({ queue: queue.name, err: error }, "queue error"));
    const digests = createDigestBuilder({
      announcements: store,
      subscriptions,
      sources,
      matchKeyword,
      itemCap: config.digestItemCap,
      lookbackDays: config.digestLookbackDays,
      clock,
    });

    const runsWorkers = role !== "bot";
    if (runsWorkers && config.seedSamples) {
      const ingestion = {
        redis,
        prefix,
        dataDir: config.dataDir,
        logger,
        clock,
        sourcesPath: sourcesFile.path,
      };
      for (const source of sourcesFile.current().filter((s) => s.kind === "files" && s.enabled)) {
        await runIngestion(ingestion, { sourceId: source.id });
      }
    }

    let finished: Promise<void> = new Promise(() => {});
    let senderApi: Api | undefined = config.botToken
      ? withOutgoingChecks(
          new Api(config.botToken, {
            // Shorter than the delivery worker's part lock, so a hung send cannot outlive it.
            timeoutSeconds: SEND_TIMEOUT_SECONDS,
            ...(config.telegramApiRoot ? { apiRoot: config.telegramApiRoot } : {}),
          }),
          logger,
        )
      : undefined;
    senderApi?.config.use(metrics.rateLimitCounter("delivery"));

    if (role !== "worker") {
      let indexLoaded = false;
      readiness.add("index", () => indexLoaded);
      const liveIndex = await startLiveIndex({
        store,
        connect,
        createIndex: () => createSearchIndex({ lexicon }),
        snapshots: {
          store: createIndexSnapshotStore(redis, prefix),
          load: (snapshot) => loadSearchIndex(snapshot, { lexicon }),
          everyMs: INDEX_SNAPSHOT_INTERVAL_MS,
        },
        logger,
      });
      indexLoaded = true;
      stops.push(() => liveIndex.stop());
      const updatesInFlight = createInFlight();
      const botDeps: BotDeps = {
        logger,
        answers: createAnswerService({
          index: () => liveIndex.current(),
          store,
          clock,
          metrics,
          wordsNotFound: (question, docs) => wordsNotFound(question, docs, lexicon),
        }),
        queryCache: createQueryCache(redis, prefix),
        sources,
        subscriptions: {
          subscriptions,
          scheduler,
          digests,
          sources,
          sourceHealth,
          clock,
          timezone: config.timezone,
          deactivator,
        },
        admin: {
          operatorIds: config.operatorIds,
          announcements: store,
          sources,
          sourceHealth,
          goneArticles: createGoneArticleStore(redis, prefix),
          searchIndex: () => ({ size: liveIndex.current().size, version: liveIndex.version() }),
          subscriptionCount: () => subscriptions.count(),
          queueCounts: () => queues.counts(),
          recentDeliveryErrors: (limit) => delivery.recentErrors(limit),
          timezone: config.timezone,
        },
        observeUpdate: async (update, handle) => {
          const started = performance.now();
          try {
            await updatesInFlight.run(handle);
          } finally {
            metrics.updateHandled(update, (performance.now() - started) / 1000);
          }
        },
        apiTransformers: [metrics.rateLimitCounter("bot")],
      };
      if (config.botToken) {
        const bot = createBot(
          { token: config.botToken, apiRoot: config.telegramApiRoot },
          { ...botDeps, rateLimiter: createUserRateLimiter(redis, prefix, config.userRateLimit) },
        );
        await connectBot(bot);
        // The commands menu is a convenience: the bot answers without it, so it never stops start-up.
        const commands = retryInBackground("register the commands menu", () => registerCommands(bot), logger);
        stops.push(() => commands.stop());
        const receiver = config.webhook
          ? await startWebhook(bot, config.webhook, logger)
          : await startPolling(bot, logger);
        stops.push(async () => {
          await receiver.stop();
          await updatesInFlight.drained();
        });
      } else {
        const consoleTelegram = new ConsoleTelegram({ output: terminal.output, color: terminal.interactive });
        const bot = createBot({ token: CONSOLE_TOKEN, botInfo: CONSOLE_BOT_INFO }, botDeps);
        bot.api.config.use(consoleTelegram.transformer);
        senderApi = consoleTelegram.api();
        finished = runConsoleChat(bot, consoleTelegram, terminal);
        stops.push(() => updatesInFlight.drained());
      }
    }

    if (runsWorkers) {
      const ingestWorker = await startIngestWorker({
        redis,
        connection: connect(),
        prefix,
        dataDir: config.dataDir,
        sourcesFile,
        logger,
        clock,
        metrics,
        // The other stop steps need some of the shutdown's time too.
        drainTimeoutMs: config.shutdownTimeoutMs / 2,
      });
      stops.push(() => ingestWorker.close());
      metrics.trackQueues(ingestWorker.queue);
      let digestWorkersRunning = () => true;
      if (senderApi) {
        const digestWorkers = startDigestWorkers({
          services: digestServices,
          redis,
          connection: connect(),
          prefix,
          api: senderApi,
          announcements: store,
          sources,
          matchKeyword,
          itemCap: config.digestItemCap,
          lookbackDays: config.digestLookbackDays,
          limits: config.delivery,
          clock,
          logger,
          metrics,
        });
        stops.push(() => digestWorkers.close());
        digestWorkersRunning = () => digestWorkers.isRunning();
      } else {
        logger.warn("no BOT_TOKEN: this worker ingests but does not deliver digests");
      }
      readiness.add("workers", () => ingestWorker.isRunning() && digestWorkersRunning());
      if (config.dashboard) {
        // Bull Board and its web framework are loaded only by a process that serves them.
        const { startDashboard } = await import("./runtime/dashboard.ts");
        const dashboard = await startDashboard({
          ...config.dashboard,
          queues: [ingestWorker.queue, queues.digest, queues.delivery],
          logger,
        });
        ports.dashboard = dashboard.port;
        stops.push(() => dashboard.close());
      }
    }
    readiness.started();
    logger.info({ role, announcements: await store.count() }, "zhibu is running");
    return { finished, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
