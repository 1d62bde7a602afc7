/**
 * An ingest worker process, for the kill test: `tsx ingest-worker-child.ts '<IngestChildSetup JSON>'`.
 * It says "ready" once its worker runs.
 */
import { Redis } from "ioredis";
import { startIngestWorker } from "../../jobs/ingest.ts";
import { createHttpClient } from "../../src/ingest/http.ts";
import { silentLogger } from "../support/logger.ts";
import { TEST_REDIS_URL } from "../support/redis.ts";

export interface IngestChildSetup {
  prefix: string;
  queueName: string;
  sourcesPath: string;
  stalledAfterMs: number;
  sourceLockTtlMs: number;
  busyRetryMs: number;
}

const setup = JSON.parse(process.argv[2] ?? "{}") as IngestChildSetup;
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
await startIngestWorker({
  ...setup,
  redis,
  connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
  dataDir: "/nonexistent",
  logger: silentLogger(),
  clock: () => new Date(),
  http: createHttpClient({ hostDelayMs: 0, retries: 0 }),
});
process.stdout.write("ready\n");
