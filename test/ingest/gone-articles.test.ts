import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GONE_AFTER_CHECKS, ingestSource, type IngestionDeps } from "../../src/ingest/run.ts";
import { defineSource } from "../../src/ingest/sources.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { createGoneArticleStore } from "../../src/store/gone-articles.ts";
import { startColumnServer, type ColumnServer } from "../support/column-server.ts";
import { LOOPBACK } from "../support/fixture-server.ts";
import { testIngestionDeps } from "../support/ingestion.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

describe("articles whose page is gone", () => {
  let t: TestRedis;
  let column: ColumnServer;
  let deps: IngestionDeps;
  beforeEach(async () => {
    t = createTestRedis();
    column = await startColumnServer({ articles: 3 });
    // The clock stays within the re-check window, so every run asks for each known article again.
    deps = testIngestionDeps(t);
  });
  afterEach(async () => {
    await column.close();
    await t.cleanup();
  });

  it(`are removed from the store, its change stream and digests after ${GONE_AFTER_CHECKS} checks that find them missing`, async () => {
    const source = defineSource({
      id: "col",
      name: "栏目",
      kind: "webplus",
      url: `${column.base}/list.htm`,
      ...LOOPBACK,
    });
    const store = createAnnouncementStore(t.redis, t.prefix);
    const gone = createGoneArticleStore(t.redis, t.prefix);
    expect((await ingestSource(deps, source)).summary).toMatchObject({ new: 3 });
    const goneId = await store.findIdByUrl(column.articleUrl(1));
    const glitchId = await store.findIdByUrl(column.articleUrl(2));
    expect(goneId && glitchId).toBeTruthy();

    // Article 2 is missing once only: a glitch, forgotten when its page answers again.
    column.setStatus(1, 404);
    column.setStatus(2, 410);
    await ingestSource(deps, source);
    column.setStatus(2, undefined);
    for (let check = 2; check < GONE_AFTER_CHECKS; check++) await ingestSource(deps, source);
    expect(await store.get(goneId ?? "")).toBeDefined();
    expect(await gone.counts()).toEqual(new Map());

    await ingestSource(deps, source);
    expect(await store.get(goneId ?? "")).toBeUndefined();
    expect(await store.get(glitchId ?? "")).toBeDefined();
    expect(await store.idsFirstSeenBetween(0, Date.now() * 2)).not.toContain(goneId);
    const changes = await store.readChanges(t.connect(), "0", 10);
    expect(changes.filter((c) => c.op === "remove").map((c) => c.id)).toEqual([goneId]);
    expect(await gone.counts()).toEqual(new Map([["col", 1]]));
    expect(await store.count()).toBe(2);

    // Another missing check for article 2 starts its count from one again.
    column.setStatus(2, 404);
    for (let check = 1; check < GONE_AFTER_CHECKS; check++) await ingestSource(deps, source);
    expect(await store.get(glitchId ?? "")).toBeDefined();
  });
});
