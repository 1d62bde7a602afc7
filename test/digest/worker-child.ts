/**
 * A digest worker process for the kill test: `tsx worker-child.ts <prefix> <apiRoot> <token> <timeScale>`.
 * It runs until killed and says "ready" once its workers are connected.
 */
import { Redis } from "ioredis";
import { TEST_REDIS_URL } from "../support/redis.ts";
import { startTestWorkers } from "./delivery-harness.ts";

const [prefix = "", apiRoot = "", token = "", timeScale = "10"] = process.argv.slice(2);
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
startTestWorkers(redis, { prefix, apiRoot, token, timeScale: Number(timeScale) });
await redis.ping();
process.stdout.write("ready\n");
