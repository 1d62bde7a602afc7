import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECK_AGAIN_AFTER_MS, GONE_AFTER_CHECKS } from "../../src/ingest/page-checks.ts";
import { ingestSource, type IngestionDeps } from "../../src/ingest/run.ts";
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

  const columnSource = () =>
    defineSource({ id: "col", name: "栏目", kind: "webplus", url: `${column.base}/list.htm`, ...LOOPBACK });

  it("are found when the site also takes them off its list, as deleting an article does", async () => {
    const source = columnSource();
    const store = createAnnouncementStore(t.redis, t.prefix);
    await ingestSource(deps, source);
    const goneId = await store.findIdByUrl(column.articleUrl(0));
    column.setListed(0, false);
    column.setStatus(0, 404);
    for (let check = 1; check <= GONE_AFTER_CHECKS; check++) await ingestSource(deps, source);
    expect(await store.get(goneId ?? "")).toBeUndefined();
    expect(await store.count()).toBe(2);
    expect(await createGoneArticleStore(t.redis, t.prefix).counts()).toEqual(new Map([["col", 1]]));
  });

  it("are found long after they were listed: each stored page is asked for again after a week", async () => {
    const source = columnSource();
    const store = createAnnouncementStore(t.redis, t.prefix);
    await ingestSource(deps, source);
    const goneId = await store.findIdByUrl(column.articleUrl(2));
    column.setStatus(2, 410);
    let now = new Date("2024-05-10T08:00:00Z").getTime();
    const later = testIngestionDeps(t, { clock: () => new Date(now) });

    // Past the days when listed articles are fetched on every run, an unchanged list fetches nothing
    // but the pages due for their weekly check.
    now += CHECK_AGAIN_AFTER_MS + 60 * 60_000;
    const hitsBefore = column.hits.length;
    for (let check = 1; check <= GONE_AFTER_CHECKS; check++) await ingestSource(later, source);
    expect(await store.get(goneId ?? "")).toBeUndefined();
    // The pages that still answer were asked for once, and are next due a week later.
    const articleHits = column.hits.slice(hitsBefore).filter((path) => path !== "/list.htm");
    expect(articleHits.filter((path) => path === "/a/0.htm")).toHaveLength(1);
    expect(articleHits.filter((path) => path === "/a/2.htm")).toHaveLength(GONE_AFTER_CHECKS);
  });
});
