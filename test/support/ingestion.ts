import { createHttpClient } from "../../src/ingest/http.ts";
import type { IngestionDeps } from "../../src/ingest/run.ts";
import { silentLogger } from "./logger.ts";
import type { TestRedis } from "./redis.ts";

/**
 * What `ingestSource` needs in a test: the test's Redis, a fixed clock (inside the re-check window
 * of articles it stores), and an HTTP client with no pauses or retries unless given one.
 */
export function testIngestionDeps(t: TestRedis, overrides: Partial<IngestionDeps> = {}): IngestionDeps {
  return {
    redis: t.redis,
    prefix: t.prefix,
    dataDir: "/nonexistent",
    logger: silentLogger(),
    clock: () => new Date("2024-05-10T08:00:00Z"),
    http: createHttpClient({ hostDelayMs: 0, retries: 0 }),
    ...overrides,
  };
}
