/**
 * Vitest global setup: finds Redis as `npm start` does (src/runtime/redis-server.ts) and hands its
 * URL to every test process through REDIS_URL; a server it had to start is stopped at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, readEnvironment } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { RedisUnavailableError, resolveRedis } from "../../src/runtime/redis-server.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), "zhibu-test-redis-"));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const { redisUrl } = parseConfig(readEnvironment());
    const redis = await resolveRedis({ redisUrl, dataDir, logger: createLogger({ level: "warn" }) });
    process.env.REDIS_URL = redis.url;
    return async () => {
      await redis.stop();
      removeDataDir();
    };
  } catch (error) {
    removeDataDir();
    if (!(error instanceof RedisUnavailableError)) throw error;
    // One message, not a failed run's stack trace: the same words `npm start` prints.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
