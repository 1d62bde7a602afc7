import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestPipeline } from "../../src/ingest/pipeline.ts";
import { defineSource } from "../../src/ingest/sources.ts";
import { parseTextArticle } from "../../src/ingest/text-article.ts";
import { announcementId } from "../../src/store/announcement-id.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

const source = defineSource({ id: "t", name: "测试", school: "测试大学", kind: "files", path: "x" });
const seed000 = fileURLToPath(new URL("../fixtures/files/seeds/000_f6dda60eb8fe8b47.txt", import.meta.url));

describe("ingest pipeline", () => {
  let t: TestRedis;
  beforeEach(() => {
    t = createTestRedis();
  });
  afterEach(() => t.cleanup());

  const pipeline = () =>
    createIngestPipeline({
      redis: t.redis,
      prefix: t.prefix,
      logger: silentLogger(),
      clock: () => new Date(0),
    });

  it("stores a mirror once, with the mirror's URL as an alternate", async () => {
    const seed = parseTextArticle(await readFile(seed000, "utf8"));
    const original = {
      url: "https://xwzx.cumt.edu.cn/be/08/c523a638472/page.htm",
      title: seed.title,
      text: seed.text,
    };
    const p = pipeline();
    expect(await p.ingest(original, source)).toBe("new");
    // The mirror drops the image captions at the top and re-flows a paragraph.
    const mirrorText = seed.text
      .split("\n")
      .slice(7)
      .join("\n")
      .replace("。西北工业大学", "。\n西北工业大学");
    const mirror = {
      url: "https://www.cumt.net.cn/24f29c2a467d44505494a4a5d1c81054/?utm_source=x",
      title: seed.title,
      text: mirrorText,
    };
    expect(await p.ingest(mirror, source)).toBe("duplicate");
    const stored = await p.store.get(announcementId(original.url));
    expect(stored?.alternates).toEqual(["https://www.cumt.net.cn/24f29c2a467d44505494a4a5d1c81054/"]);
    expect(await p.store.count()).toBe(1);
    expect(await p.ingest(mirror, source)).toBe("duplicate");
  });

  it("stores a mirror as new when the article it mirrors was removed from the store", async () => {
    const seed = parseTextArticle(await readFile(seed000, "utf8"));
    const p = pipeline();
    const original = { url: "https://a.example.edu.cn/1.htm", title: seed.title, text: seed.text };
    await p.ingest(original, source);
    await p.store.remove(announcementId(original.url));
    const mirror = { ...original, url: "https://b.example.edu.cn/1.htm", text: `${seed.text}\n转载。` };
    expect(await p.ingest(mirror, source)).toBe("new");
  });

  it("keeps an exact copy under another URL as an alternate", async () => {
    const p = pipeline();
    const article = { url: "https://a.example.edu.cn/1.htm", title: "标题", text: "第一段。\n第二段。" };
    expect(await p.ingest(article, source)).toBe("new");
    expect(
      await p.ingest({ ...article, url: "https://b.example.edu.cn/1.htm", text: "第一段。 第二段" }, source),
    ).toBe("duplicate");
  });

  it("replaces a re-edited article and keeps different articles apart", async () => {
    const seed = parseTextArticle(await readFile(seed000, "utf8"));
    const p = pipeline();
    const url = "https://a.example.edu.cn/2023/0203/c1a1/page.htm";
    expect(await p.ingest({ url, title: seed.title, text: seed.text }, source)).toBe("new");
    const edited = seed.text.replace("12月2日上午9时", "12月2日上午10时");
    expect(await p.ingest({ url, title: seed.title, text: edited }, source)).toBe("changed");
    const stored = await p.store.get(announcementId(url));
    expect(stored).toMatchObject({ date: "2023-02-03", school: "测试大学" });
    expect(stored?.text).toContain("上午10时");
    const other = {
      url: "https://a.example.edu.cn/2.htm",
      title: "另一篇",
      text:
        "党支部开展主题党日活动，".repeat(3) +
        "全体党员参观红色教育基地并重温入党誓词，支部书记讲授专题党课。".repeat(3),
    };
    expect(await p.ingest(other, source)).toBe("new");
    expect(await p.store.count()).toBe(2);
  });

  it("refuses an article without title or body", async () => {
    await expect(
      pipeline().ingest({ url: "https://a.example.edu.cn/x", title: "", text: "x" }, source),
    ).rejects.toThrow(/no title/);
  });
});
