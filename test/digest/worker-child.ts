/**
 * A digest worker process, for the kill test and the bench: `tsx worker-child.ts '<WorkerSetup JSON>'`.
 * It says "ready" once its workers are connected, and closes them on SIGTERM.
 */
import { Redis } from "ioredis";
import { TEST_REDIS_URL } from "../support/redis.ts";
import { startTestWorkers, type WorkerSetup } from "./delivery-harness.ts";

const setup = JSON.parse(process.argv[2] ?? "{}") as WorkerSetup;
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
const workers = startTestWorkers(redis, setup);
process.once("SIGTERM", () => {
  void workers
    .close()
    .then(() => redis.quit())
    .finally(() => process.exit(0));
});
await redis.ping();
process.stdout.write("ready\n");
