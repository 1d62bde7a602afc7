import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runIngestion } from "../../src/ingest/run.ts";
import { defineSource } from "../../src/ingest/sources.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { announcementId } from "../../src/store/announcement-id.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { writeFile, mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";

const fixtures = fileURLToPath(new URL("../fixtures/files", import.meta.url));
const clock = () => new Date("2026-01-10T08:00:00Z");

async function sourcesFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "zhibu-sources-"));
  const path = join(dir, "sources.yaml");
  await writeFile(path, "sources:\n  - id: seeds\n    name: 原始样例\n    kind: files\n    path: seeds\n");
  return path;
}

describe("ingesting the seed files", () => {
  let t: TestRedis;
  beforeEach(() => {
    t = createTestRedis();
  });
  afterEach(() => t.cleanup());

  it("stores both seeds with clean title, date, school, body and URL", async () => {
    const deps = {
      redis: t.redis,
      prefix: t.prefix,
      dataDir: fixtures,
      logger: silentLogger(),
      clock,
      sourcesPath: await sourcesFile(),
    };
    const summary = await runIngestion(deps, { sourceId: "seeds" });
    expect(summary).toEqual({ fetched: 2, new: 2, changed: 0, unchanged: 0, duplicates: 0, failed: 0 });

    const store = createAnnouncementStore(t.redis, t.prefix);
    const mirror = await store.get(announcementId("https://xwzx.cumt.edu.cn/be/08/c523a638472/page.htm"));
    expect(mirror).toMatchObject({
      title:
        "【全国样板党支部交流活动】我校材料科学与工程研究生第二党支部联合西北工业大学碳材料师生融合党支部举行线上共建交流会",
      date: "2023-02-03",
      school: "中国矿业大学",
      sourceId: "seeds",
      url: "https://xwzx.cumt.edu.cn/be/08/c523a638472/page.htm",
    });
    expect(mirror?.text).not.toMatch(/^---|title:|!\[图\]|<!--more-->|转入文章首发地址/m);
    expect(mirror?.text).toContain("我校材料与物理学院党委副书记纪承参加活动。");
    expect(mirror?.text.split("\n").at(-1)).toMatch(/^我校材料科学与工程研究生第二党支部全体党员|^据悉/);

    const scraped = await store.get(announcementId("https://www.wit.edu.cn/2024/0505/c5217a240105/page.htm"));
    expect(scraped).toMatchObject({
      title: "喜讯!学院本科药卓党支部入选第四批“全国党建工作样板支部”培育创建单位",
      date: "2024-05-05",
      school: "武汉工程大学",
      reviewer: "周丹",
    });
    const lines = scraped?.text.split("\n") ?? [];
    expect(lines[0]).toMatch(/^本网讯\(通讯员 何振 陈泽旭\)近日/);
    expect(scraped?.text).not.toMatch(/首页|正文|点击数|发布时间|^undefined$|审稿/m);
    expect(lines.at(-1)).toMatch(/卓越战斗堡垒。$/);
  });

  it("is idempotent, and a re-edited file replaces the stored article", async () => {
    const deps = { redis: t.redis, prefix: t.prefix, dataDir: fixtures, logger: silentLogger(), clock };
    const source = join(fixtures, "seeds");
    expect((await runIngestion(deps, { path: source })).new).toBe(2);
    expect(await runIngestion(deps, { path: source })).toMatchObject({ new: 0, unchanged: 2 });
  });

  it("gives a path that a configured files source reads that source's id", async () => {
    const deps = {
      redis: t.redis,
      prefix: t.prefix,
      dataDir: fixtures,
      logger: silentLogger(),
      clock,
      sourcesPath: await sourcesFile(),
    };
    await runIngestion(deps, { path: join(fixtures, "seeds") });
    const store = createAnnouncementStore(t.redis, t.prefix);
    const ids = [];
    for await (const batch of store.all()) ids.push(...batch.map((a) => a.sourceId));
    expect(ids).toEqual(["seeds", "seeds"]);
  });

  it("derives a stable file: URL for a file with no URL", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zhibu-files-"));
    await writeFile(
      join(dir, "note.txt"),
      "某学院党支部开展主题党日活动\n发布时间：2024年6月1日\n\n正文第一段。\n",
    );
    const deps = { redis: t.redis, prefix: t.prefix, dataDir: dir, logger: silentLogger(), clock };
    await runIngestion(deps, { path: dir });
    const source = defineSource({ id: "x", name: "x", kind: "files", path: dir });
    expect(source.urls).toEqual([]);
    const store = createAnnouncementStore(t.redis, t.prefix);
    const stored = [];
    for await (const batch of store.all()) stored.push(...batch);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      title: "某学院党支部开展主题党日活动",
      date: "2024-06-01",
      text: "正文第一段。",
    });
    expect(stored[0]?.url).toMatch(/^file:path-zhibu-files-[a-z0-9]+\/note\.txt$/);
  });
});
