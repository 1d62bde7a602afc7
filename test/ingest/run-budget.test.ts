import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UpstreamFailedError } from "../../src/errors.ts";
import { createHttpClient } from "../../src/ingest/http.ts";
import { ingestSource } from "../../src/ingest/run.ts";
import { defineSource } from "../../src/ingest/sources.ts";
import { startColumnServer, type ColumnServer } from "../support/column-server.ts";
import { LOOPBACK } from "../support/fixture-server.ts";
import { testIngestionDeps } from "../support/ingestion.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

/**
 * A site that trickles a byte now and then never trips an idle timeout; what ends its requests
 * is the deadline of the fetch and of the run. The bounds below are far under what the per-request
 * timeout (120 s here) would allow, and far over what the budgets take, so load does not matter.
 */
describe("a source that trickles bytes", () => {
  let t: TestRedis;
  let column: ColumnServer | undefined;
  beforeEach(() => {
    t = createTestRedis();
  });
  afterEach(async () => {
    await column?.close();
    await t.cleanup();
  });

  const deps = () => testIngestionDeps(t);
  const source = (url: string) =>
    defineSource({
      id: "trickle",
      name: "慢慢吐字节的站点",
      kind: "webplus",
      url,
      runBudgetSeconds: 2,
      http: { timeoutMs: 120_000 },
      ...LOOPBACK,
    });

  it("cannot hold a fetch past the client's budget for one fetch", async () => {
    column = await startColumnServer({ articles: 1, trickle: "articles" });
    const started = Date.now();
    const error = await createHttpClient({ hostDelayMs: 0, fetchBudgetMs: 500, timeoutMs: 120_000 })
      .fetch(column.articleUrl(0), LOOPBACK)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamFailedError);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("ends the run at its time budget, leaving the rest for the next run", async () => {
    column = await startColumnServer({ articles: 5, trickle: "articles" });
    const started = Date.now();
    const run = await ingestSource(deps(), source(`${column.base}/list.htm`));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.summary.failed).toBeGreaterThanOrEqual(1);
    expect(run.summary.new).toBe(0);
    expect(column.hits.filter((p) => p.startsWith("/a/")).length).toBeLessThan(5);
  });

  it("fails the run, as a transient failure, when the list page itself trickles", async () => {
    column = await startColumnServer({ articles: 5, trickle: "list" });
    const started = Date.now();
    const error = await ingestSource(deps(), source(`${column.base}/list.htm`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamFailedError);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
