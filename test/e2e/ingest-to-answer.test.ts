import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnswerService } from "../../src/answers.ts";
import { loadLexicon } from "../../src/data/lexicon.ts";
import { createHttpClient, createRedisValidatorStore } from "../../src/ingest/http.ts";
import { ingestSource } from "../../src/ingest/run.ts";
import { defineSource } from "../../src/ingest/sources.ts";
import { startLiveIndex, type LiveIndex } from "../../src/runtime/live-index.ts";
import { createSearchIndex, wordsNotFound } from "../../src/search/index.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { LOOPBACK, startFixtureSites, type FixtureSites } from "../support/fixture-server.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

const DATA_DIR = fileURLToPath(new URL("../../data", import.meta.url));

/** A news site on loopback, through ingestion, into a running bot's index, out as an answer. */
describe("from a campus news site to an answer", () => {
  let sites: FixtureSites;
  let t: TestRedis;
  let live: LiveIndex;
  let lexicon: Awaited<ReturnType<typeof loadLexicon>>;

  beforeAll(async () => {
    sites = await startFixtureSites();
    t = createTestRedis();
    const store = createAnnouncementStore(t.redis, t.prefix);
    lexicon = await loadLexicon(DATA_DIR);
    live = await startLiveIndex({
      store,
      connect: t.connect,
      createIndex: () => createSearchIndex({ lexicon }),
      logger: silentLogger(),
      blockMs: 50,
    });
  });
  afterAll(async () => {
    await live.stop();
    await sites.close();
    await t.cleanup();
  });

  it("finds a WebPlus article by a colloquial question once a worker has ingested it, without a restart", async () => {
    const store = createAnnouncementStore(t.redis, t.prefix);
    const clock = () => new Date("2026-01-10T08:00:00Z");
    const answers = createAnswerService({
      index: () => live.current(),
      store,
      clock,
      wordsNotFound: (question, docs) => wordsNotFound(question, docs, lexicon),
    });
    expect((await answers.find("清明祭扫烈士纪念塔", { offset: 0, limit: 3 })).total).toBe(0);

    await ingestSource(
      {
        redis: t.redis,
        prefix: t.prefix,
        dataDir: DATA_DIR,
        logger: silentLogger(),
        clock,
        http: createHttpClient({
          hostDelayMs: 0,
          retries: 0,
          validators: createRedisValidatorStore(t.redis, t.prefix),
        }),
      },
      defineSource({
        id: "wpa",
        name: "矿大新闻网",
        school: "中国矿业大学",
        kind: "webplus",
        url: sites.url("webplus-a", "/523/list.htm"),
        maxPages: 3,
        ...LOOPBACK,
      }),
    );
    await live.catchUp();

    const page = await answers.find("矿大 清明扫墓", { offset: 0, limit: 3 });
    const first = page.items[0];
    expect(first?.announcement.title).toBe(
      "安全工程学院研究生第三党支部赴淮海战役烈士纪念塔开展清明祭扫活动",
    );
    expect(first?.announcement).toMatchObject({
      date: "2024-04-03",
      school: "中国矿业大学",
      sourceId: "wpa",
    });
    expect(first?.snippet.some((part) => part.match)).toBe(true);
    expect(page.unmatched).toEqual([]);

    const partly = await answers.find("矿大 清明扫墓 无人机表演", { offset: 0, limit: 3 });
    expect(partly.items[0]?.announcement.title).toBe(first?.announcement.title);
    expect(partly.unmatched).toEqual(["无人机表演"]);
  });
});
