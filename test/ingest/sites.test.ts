import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpClient, createRedisValidatorStore } from "../../src/ingest/http.ts";
import { ingestSource, type IngestionDeps } from "../../src/ingest/run.ts";
import { defineSource } from "../../src/ingest/sources.ts";
import type { Announcement } from "../../src/announcement.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { LOOPBACK, startFixtureSites, SITES_DIR, type FixtureSites } from "../support/fixture-server.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

describe("ingesting fixture sites", () => {
  let sites: FixtureSites;
  let t: TestRedis;
  let deps: IngestionDeps;
  beforeAll(async () => {
    sites = await startFixtureSites();
  });
  afterAll(() => sites.close());
  beforeEach(() => {
    t = createTestRedis();
    deps = {
      redis: t.redis,
      prefix: t.prefix,
      dataDir: "/nonexistent",
      logger: silentLogger(),
      clock: () => new Date("2026-01-10T08:00:00Z"),
      http: createHttpClient({
        hostDelayMs: 0,
        retries: 0,
        validators: createRedisValidatorStore(t.redis, t.prefix),
      }),
    };
  });
  afterEach(() => t.cleanup());

  const source = (entry: Record<string, unknown>) =>
    defineSource({ name: "测试来源", school: "测试大学", ...LOOPBACK, ...entry });

  async function stored(): Promise<Announcement[]> {
    const all: Announcement[] = [];
    for await (const batch of createAnnouncementStore(t.redis, t.prefix).all()) all.push(...batch);
    return all.sort((a, b) => a.url.localeCompare(b.url));
  }

  it("WebPlus (news_list layout): follows list2.htm and extracts title, date, body, credits, links", async () => {
    const run = await ingestSource(
      deps,
      source({ id: "wpa", kind: "webplus", url: sites.url("webplus-a", "/523/list.htm"), maxPages: 3 }),
    );
    expect(run.summary).toMatchObject({ fetched: 4, new: 4, failed: 0 });
    const all = await stored();
    expect(all.map((a) => [a.date, a.title])).toEqual([
      ["2024-04-03", "安全工程学院研究生第三党支部赴淮海战役烈士纪念塔开展清明祭扫活动"],
      ["2024-04-24", "机关第五党支部举办“书香润初心”世界读书日读书分享会"],
      ["2024-05-05", "材料与物理学院研究生第二党支部与兄弟院校党支部举行线上共建交流会"],
      ["2024-05-23", "矿业工程学院本科生第一党支部召开党员发展大会"],
    ]);
    const qingming = all[0];
    expect(qingming).toMatchObject({
      school: "测试大学",
      sourceId: "wpa",
      author: "韩雨桐",
      reviewer: "孟庆华",
    });
    expect(qingming?.text.split("\n")[0]).toMatch(/^4月2日下午，安全工程学院/);
    expect(qingming?.text).toContain(
      `图片：${sites.url("webplus-a", "/_upload/article/images/0f/11/a13f/9ae97feb.jpg")}`,
    );
    expect(qingming?.text).toMatch(
      /附件：报名表\.docx http:\/\/127\.0\.0\.1:\d+\/_upload\/article\/files\/0f\/11\//,
    );
    expect(qingming?.text).not.toMatch(/浏览次数|分享到|图1|发布时间|撰稿|版权所有|首页/);
  });

  it("WebPlus (wp_article_list layout), with a generic fallback for a redesigned article page", async () => {
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(line) });
    const run = await ingestSource(
      { ...deps, logger },
      source({ id: "wpb", kind: "webplus", url: sites.url("webplus-b", "/xwdt/list.htm") }),
    );
    expect(run.summary).toMatchObject({ new: 2, failed: 0 });
    const [study, leifeng] = await stored();
    expect(study).toMatchObject({
      date: "2024-09-12",
      title: "航海学院党委理论学习中心组专题学习党的二十届三中全会精神",
      author: "李明",
    });
    expect(study?.text).not.toMatch(/上一篇|下一篇|作者|来源/);
    expect(leifeng).toMatchObject({ date: "2025-03-06", title: "学院学生党员开展“学雷锋”社区志愿服务活动" });
    expect(leifeng?.text.split("\n")).toHaveLength(3);
    expect(leifeng?.text).not.toMatch(/热点新闻|分享到|日期/);
    expect(warnings.join("")).toMatch(/selectors need attention/);
  });

  it("VSB (ul li rows, paged djdt/1.htm): 年月日 dates, credits, attachments outside the body", async () => {
    const run = await ingestSource(
      deps,
      source({ id: "vsba", kind: "vsb", url: sites.url("vsb-a", "/djgz/djdt.htm"), maxPages: 5 }),
    );
    expect(run.summary).toMatchObject({ new: 3, failed: 0 });
    const all = await stored();
    expect(all.map((a) => [a.url.replace(sites.base("vsb-a"), ""), a.date])).toEqual([
      ["/info/1090/2697.htm", "2024-05-23"],
      ["/info/1090/2698.htm", "2024-04-24"],
      ["/info/1090/2699.htm", "2024-05-05"],
    ]);
    expect(all[0]).toMatchObject({
      author: "党委宣传部",
      reviewer: "周丹",
      title: "矿业工程学院本科生第一党支部召开党员发展大会",
    });
    expect(all[0]?.text).toMatch(
      /\n附件：活动方案\.pdf http:\/\/127\.0\.0\.1:\d+\/system\/_content\/download\.jsp\?/,
    );
    expect(all[0]?.text).not.toMatch(/通讯员|点击数|上一条|当前位置/);
  });

  it("VSB (table rows, [yy-mm-dd] dates, date only in the PubDate meta tag)", async () => {
    const run = await ingestSource(
      deps,
      source({ id: "vsbb", kind: "vsb", url: sites.url("vsb-b", "/xwzx/zbdt.htm") }),
    );
    expect(run).toMatchObject({ listed: 2, summary: { new: 2 } });
    const all = await stored();
    expect(all.map((a) => [a.date, a.title, a.text.split("\n").length])).toEqual([
      ["2024-09-12", "航海学院党委理论学习中心组专题学习党的二十届三中全会精神", 4],
      ["2025-03-06", "学院学生党员开展“学雷锋”社区志愿服务活动", 3],
    ]);
  });

  it("WebPlus (old table template, 年月日 dates, Article_Content body)", async () => {
    const run = await ingestSource(
      deps,
      source({ id: "wpc", kind: "webplus", url: sites.url("webplus-c", "/zbfc/list.htm") }),
    );
    expect(run.summary).toMatchObject({ new: 2, failed: 0 });
    const all = await stored();
    expect(all.map((a) => [a.date, a.title, a.text.split("\n").length])).toEqual([
      ["2024-04-03", "安全工程学院研究生第三党支部赴淮海战役烈士纪念塔开展清明祭扫活动", 5],
      ["2024-04-24", "机关第五党支部举办“书香润初心”世界读书日读书分享会", 4],
    ]);
  });

  it("VSB (title and [yy-mm-dd] date inside the link, body in #vsb_content_100)", async () => {
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(line) });
    const run = await ingestSource(
      { ...deps, logger },
      source({ id: "vsbc", kind: "vsb", url: sites.url("vsb-c", "/zzgz.htm") }),
    );
    expect(run.summary).toMatchObject({ new: 2, failed: 0 });
    const all = await stored();
    expect(all.map((a) => [a.date, a.title])).toEqual([
      ["2024-05-23", "矿业工程学院本科生第一党支部召开党员发展大会"],
      ["2024-09-12", "航海学院党委理论学习中心组专题学习党的二十届三中全会精神"],
    ]);
    expect(all[0]?.text).not.toMatch(/日期|来源|浏览/);
    expect(warnings).toEqual([]);
  });

  it("RSS 2.0 with full text takes the text from the feed without fetching pages", async () => {
    const before = sites.requests.length;
    await ingestSource(deps, source({ id: "rss", kind: "rss", url: sites.url("feeds", "/rss2.xml") }));
    expect(sites.requests.slice(before).map((r) => r.path)).toEqual(["/rss2.xml"]);
    const all = (await stored()).sort((a, b) => a.date.localeCompare(b.date));
    expect(all.map((a) => [a.date, a.author, a.text.split("\n").length])).toEqual([
      ["2024-09-12", "党委宣传部", 4],
      ["2025-03-06", "党委宣传部", 3],
    ]);
  });

  it("Atom with summaries only fetches each article page; RDF feeds are read too", async () => {
    await ingestSource(
      deps,
      source({
        id: "atom",
        kind: "rss",
        url: sites.url("feeds", "/atom.xml"),
        hosts: [new URL(sites.base("webplus-a")).host],
      }),
    );
    await ingestSource(deps, source({ id: "rdf", kind: "rss", url: sites.url("feeds", "/rdf.xml") }));
    const all = await stored();
    expect(all.map((a) => [a.sourceId, a.date, a.title])).toEqual(
      expect.arrayContaining([
        ["atom", "2024-04-03", "安全工程学院研究生第三党支部赴淮海战役烈士纪念塔开展清明祭扫活动"],
        ["atom", "2024-05-23", "矿业工程学院本科生第一党支部召开党员发展大会"],
        ["rdf", "2024-04-24", "机关第五党支部举办“书香润初心”世界读书日读书分享会"],
      ]),
    );
    expect(all.find((a) => a.sourceId === "atom")?.text.split("\n").length).toBeGreaterThan(4);
  });

  it("decodes a GBK site whether the charset is in the header, the markup, or nowhere", async () => {
    await ingestSource(deps, source({ id: "gbk", kind: "webplus", url: sites.url("gbk", "/list.htm") }));
    const all = await stored();
    expect(all.map((a) => a.title)).toEqual([
      "化工与制药学院教工党支部开展“学党史、悟思想”主题党日活动",
      "离退休第一党支部举办学习党的二十届三中全会精神座谈会",
    ]);
    expect(all[0]?.text).toContain("辛亥革命博物院");
    expect(all[1]?.text).toContain("离岗不离党、退休不褪色");
  });

  it("copes with broken markup", async () => {
    const run = await ingestSource(
      deps,
      source({ id: "broken", kind: "webplus", url: sites.url("broken", "/list.htm") }),
    );
    expect(run.summary).toMatchObject({ new: 2, failed: 0 });
    const broken = (await stored()).find((a) => a.url.endsWith("/c9a1/page.htm"));
    expect(broken).toMatchObject({
      title: "离退休第一党支部举办学习党的二十届三中全会精神座谈会",
      date: "2024-10-15",
    });
    expect(broken?.text.split("\n")).toHaveLength(3);
  });

  it("stores a mirror on a second site once, keeping its URL as an alternate", async () => {
    await ingestSource(
      deps,
      source({ id: "wpa", kind: "webplus", url: sites.url("webplus-a", "/523/list.htm") }),
    );
    const run = await ingestSource(
      deps,
      source({
        id: "mirror",
        kind: "html",
        url: sites.url("mirror", "/news/"),
        selectors: { item: "li.post", content: ".post-body" },
      }),
    );
    expect(run.summary).toMatchObject({ fetched: 1, duplicates: 1, new: 0 });
    const all = await stored();
    expect(all).toHaveLength(3);
    const original = all.find((a) => a.title.startsWith("安全工程学院"));
    expect(original?.sourceId).toBe("wpa");
    expect(original?.alternates).toEqual([sites.url("mirror", "/news/2024/04/qingming.html")]);
  });

  it("costs one 304 per list page when nothing changed, and fetches only new or retitled articles", async () => {
    const wpa = source({ id: "wpa", kind: "webplus", url: sites.url("webplus-a", "/523/list.htm") });
    await ingestSource(deps, wpa);
    const before = sites.requests.length;
    const again = await ingestSource(deps, wpa);
    expect(again).toMatchObject({ notModified: true, listed: 0, summary: { fetched: 0 } });
    expect(sites.requests.slice(before).map((r) => r.status)).toEqual([304]);

    const list = await readFile(join(SITES_DIR, "webplus-a/523/list.htm"), "utf8");
    const edited = list
      .replace(
        /title='安全工程学院研究生第三党支部([^']*)'>安全工程学院研究生第三党支部[^<]*/,
        "title='（更新）安全工程学院研究生第三党支部$1'>（更新）安全工程学院研究生第三党支部$1",
      )
      .replace(
        '<ul class="news_list list2">',
        `<ul class="news_list list2">\n<li class="news"><span class="news_title"><a href='/2024/0912/c1234a5678/page.htm'>新文章</a></span><span class="news_meta">2024-09-12</span></li>`,
      );
    sites.override("webplus-a", "/523/list.htm", edited);
    sites.override(
      "webplus-a",
      "/2024/0912/c1234a5678/page.htm",
      await readFile(join(SITES_DIR, "webplus-b/2024/0912/c1234a5678/page.htm"), "utf8"),
    );
    const mark = sites.requests.length;
    const third = await ingestSource(deps, wpa);
    sites.override("webplus-a", "/523/list.htm", list);
    expect(third.summary).toMatchObject({ fetched: 2, new: 1, unchanged: 3 });
    // Known articles from the last week are asked for again, conditionally: 304s.
    expect(
      sites.requests
        .slice(mark)
        .map((r) => `${r.path} ${r.status}`)
        .sort(),
    ).toEqual(
      [
        "/523/list.htm 200",
        "/2024/0403/c523a701245/page.htm 200",
        "/2024/0912/c1234a5678/page.htm 200",
        "/2024/0505/c523a702001/page.htm 304",
        "/2024/0424/c523a733860/page.htm 304",
      ].sort(),
    );
  });

  it("replaces a re-edited article found by a conditional check; old articles are asked for at their weekly check only", async () => {
    const list = await readFile(join(SITES_DIR, "webplus-a/523/list.htm"), "utf8");
    const articlePath = "/2024/0403/c523a701245/page.htm";
    const page = await readFile(join(SITES_DIR, `webplus-a${articlePath}`), "utf8");
    const wpa = source({ id: "wpa", kind: "webplus", url: sites.url("webplus-a", "/523/list.htm") });
    await ingestSource(deps, wpa);
    try {
      sites.override("webplus-a", "/523/list.htm", `${list}<!-- build 2 -->`);
      sites.override("webplus-a", articlePath, page.replace("共32人", "共35人"));
      expect((await ingestSource(deps, wpa)).summary).toMatchObject({ changed: 1, unchanged: 2 });
      const edited = (await stored()).find((a) => a.url.endsWith(articlePath));
      expect(edited?.text).toContain("共35人");

      sites.override("webplus-a", "/523/list.htm", `${list}<!-- build 3 -->`);
      sites.override("webplus-a", articlePath, page.replace("共32人", "共36人"));
      const monthLater = { ...deps, clock: () => new Date("2026-02-10T08:00:00Z") };
      expect((await ingestSource(monthLater, wpa)).summary).toMatchObject({
        fetched: 1,
        changed: 1,
        unchanged: 3,
      });
      sites.override("webplus-a", "/523/list.htm", `${list}<!-- build 4 -->`);
      const mark = sites.requests.length;
      expect((await ingestSource(monthLater, wpa)).summary).toMatchObject({ fetched: 0, unchanged: 3 });
      expect(sites.requests.slice(mark).map((r) => r.path)).toEqual(["/523/list.htm"]);
    } finally {
      sites.override("webplus-a", "/523/list.htm", list);
      sites.override("webplus-a", articlePath, page);
    }
  });

  it("does not refetch articles whose list entry is unchanged, even with truncated list titles", async () => {
    const list = await readFile(join(SITES_DIR, "webplus-a/523/list.htm"), "utf8");
    const truncated = list.replace(/ title='[^']*'/g, "").replace(/>([^<]{12})[^<]{3,}<\/a>/g, ">$1…</a>");
    const wpa = source({ id: "wpa", kind: "webplus", url: sites.url("webplus-a", "/523/list.htm") });
    sites.override("webplus-a", "/523/list.htm", truncated);
    try {
      expect((await ingestSource(deps, wpa)).summary).toMatchObject({ new: 3 });
      // A different list body (so no 304) with the same entries: only conditional checks, all 304.
      sites.override("webplus-a", "/523/list.htm", `${truncated}<!-- build 2 -->`);
      expect((await ingestSource(deps, wpa)).summary).toMatchObject({ fetched: 0, unchanged: 3 });
    } finally {
      sites.override("webplus-a", "/523/list.htm", list);
    }
  });

  it("keeps the list conditional when an article is gone for good", async () => {
    const list = await readFile(join(SITES_DIR, "webplus-c/zbfc/list.htm"), "utf8");
    const withGone = list.replace(
      "</table>",
      `<tr><td><a class="column-news-item" href="/gone/page.htm">已删除的文章</a></td></tr></table>`,
    );
    sites.override("webplus-c", "/zbfc/list.htm", withGone);
    const wpc = source({ id: "wpc", kind: "webplus", url: sites.url("webplus-c", "/zbfc/list.htm") });
    try {
      expect((await ingestSource(deps, wpc)).summary).toMatchObject({ new: 2, failed: 1 });
      expect(await ingestSource(deps, wpc)).toMatchObject({ notModified: true });
    } finally {
      sites.override("webplus-c", "/zbfc/list.htm", list);
    }
  });

  it("fetches a site with a broken certificate only for a source that opted in", async () => {
    const url = sites.url("https", "/523/list.htm");
    await expect(ingestSource(deps, source({ id: "tls", kind: "webplus", url }))).rejects.toMatchObject({
      name: "UpstreamRefusedError",
    });
    const run = await ingestSource(
      deps,
      source({ id: "tls", kind: "webplus", url, http: { insecureTls: true } }),
    );
    expect(run.summary).toMatchObject({ new: 3, failed: 0 });
  });

  it("reports zero items when a list page changed layout", async () => {
    sites.override(
      "webplus-a",
      "/523/list.htm",
      await readFile(join(SITES_DIR, "redesigned/523/list.htm"), "utf8"),
    );
    try {
      const run = await ingestSource(
        deps,
        source({ id: "wpa", kind: "webplus", url: sites.url("webplus-a", "/523/list.htm") }),
      );
      expect(run).toMatchObject({ listed: 0, notModified: false });
    } finally {
      sites.override(
        "webplus-a",
        "/523/list.htm",
        await readFile(join(SITES_DIR, "webplus-a/523/list.htm"), "utf8"),
      );
    }
  });
});
