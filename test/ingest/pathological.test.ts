import { describe, expect, it } from "vitest";
import { detectKind } from "../../src/ingest/adapters/detect.ts";
import { decodePage, articleOfPage, listedCandidates } from "../../src/ingest/page.ts";
import { elementText, firstLines } from "../../src/ingest/element-text.ts";
import { loadHtml } from "../../src/ingest/html.ts";

/** CPU time of `task`; bounds are loose because the machine is shared, the failures they catch are not. */
function cpuSeconds(task: () => unknown): number {
  const start = process.cpuUsage();
  task();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** A portal's page of about `bytes`: dozens of leading comments, then many blocks of dated links. */
function mediaPage(bytes: number): string {
  const blocks: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const block = `<div class="news-item"><h3><a href="/a/2024050${i % 9}/${i}.html">第${i}条 新闻标题示例文字</a></h3>
<span class="time">2024-05-0${(i % 9) + 1} 08:00</span><p>这是第${i}段摘要，用于模拟门户网站首页上的大量内容块，包含很多汉字和标点。</p>
<!-- block ${i} --><script>var x${i}=1;</script></div>\n`;
    blocks.push(block);
    size += block.length * 2;
  }
  const comments = Array.from({ length: 60 }, (_, i) => `<!-- [ published at 2024-05-05 ${i} ] -->`).join(
    "\n",
  );
  return `${comments}\n<!DOCTYPE html><html><head><title>新闻中心_门户网</title></head><body>${blocks.join("")}</body></html>`;
}

describe("large and hostile pages", () => {
  const page = mediaPage(2 * 1024 * 1024);

  it("detects the kind of a 2 MB portal page with many leading comments quickly", () => {
    expect(cpuSeconds(() => expect(detectKind(page)).toBe("html"))).toBeLessThan(2);
    expect(detectKind(`${"<!-- c -->\n".repeat(40)}<rss version="2.0"><channel></channel></rss>`)).toBe(
      "rss",
    );
  });

  it("extracts an article and a column from it in bounded time", () => {
    const decoded = decodePage("http://news.example.cn/", Buffer.from(page));
    expect(cpuSeconds(() => articleOfPage(decoded, new Date("2024-06-01T00:00:00Z")))).toBeLessThan(2);
    expect(cpuSeconds(() => listedCandidates(decoded))).toBeLessThan(2);
  });

  it("extracts a body of thousands of lines (a published roll of names) without quadratic work", () => {
    const lines = Array.from({ length: 12_000 }, (_, i) => `<p>第${i}名 张三${i} 计算机学院</p>`);
    const html = `<html><head><title>名单公示 - 学院</title></head><body><h1>名单公示</h1>
      <div class="body">${lines.join("")}<p align="center">附表</p></div></body></html>`;
    const decoded = decodePage("http://news.example.edu.cn/a/1.htm", Buffer.from(html));
    let text = "";
    const seconds = cpuSeconds(() => (text = articleOfPage(decoded, new Date("2024-06-01T00:00:00Z")).text));
    expect(seconds).toBeLessThan(1);
    expect(text.split("\n").slice(-2)).toEqual(["第11999名 张三11999 计算机学院", "附表"]);
  });

  it("reads markup nested thousands deep (unclosed tags) without overflowing the stack or quadratic work", () => {
    const depth = 10_000;
    const nested = `${'<div class="side">菜单<a href="/a/1.htm">第一条新闻标题文字</a>'.repeat(depth)}${"</div>".repeat(depth)}`;
    const html = `<html><head><title>示例</title></head><body><h1>党支部开展主题党日活动</h1>${nested}</body></html>`;
    const decoded = decodePage("http://news.example.edu.cn/a/1.htm", Buffer.from(html));
    expect(cpuSeconds(() => articleOfPage(decoded, new Date("2024-06-01T00:00:00Z")))).toBeLessThan(3);
    expect(cpuSeconds(() => listedCandidates(decoded))).toBeLessThan(3);
  });

  it("lists a page of tens of thousands of bare links (a roll of readers' names) in bounded time", () => {
    const names = Array.from({ length: 30_000 }, (_, i) => `<a href="/users/reader_${i}">reader_${i}</a>`);
    const html = `<html><head><title>Kudos</title></head><body><h1>A story</h1><p>Kudos from ${names.join(", ")}</p></body></html>`;
    const decoded = decodePage("http://archive.example.org/works/1", Buffer.from(html));
    expect(cpuSeconds(() => listedCandidates(decoded))).toBeLessThan(2);
    expect(cpuSeconds(() => articleOfPage(decoded, new Date("2024-06-01T00:00:00Z")))).toBeLessThan(2);
  });

  it("reads the first lines of a long block as the whole block's text gives them", () => {
    const paragraphs = Array.from(
      { length: 3000 },
      (_, i) => `<p>第${i}段\r正文 ${"字".repeat(i % 50)}</p><p> </p>`,
    );
    const $ = loadHtml(`<div id="b"><span>null</span>${paragraphs.join("")}<img src="/a.jpg"></div>`);
    const block = $("#b").get(0)!;
    const lines = elementText(block, "http://x.cn/").split("\n");
    for (const count of [0, 1, 6, 500, 6001, 9000]) {
      expect(firstLines(block, "http://x.cn/", count)).toEqual(lines.slice(0, count));
    }
    expect(firstLines($("<div></div>").get(0)!, "http://x.cn/", 3)).toEqual([]);
  });

  it("strips thousands of unclosed comments and scripts in linear time", () => {
    const hostile = `<html><body><p>正文</p>${"<!-- x <script>y ".repeat(50_000)}</body></html>`;
    expect(cpuSeconds(() => loadHtml(hostile))).toBeLessThan(2);
    expect(loadHtml("<p>一</p><script>a</script><p>二</p><!-- c --><p>三</p>").text()).toBe("一二三");
  });
});
