import { describe, expect, it } from "vitest";
import { detectKind } from "../../src/ingest/adapters/detect.ts";
import { decodePage, articleOfPage, listedCandidates } from "../../src/ingest/page.ts";
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

  it("strips thousands of unclosed comments and scripts in linear time", () => {
    const hostile = `<html><body><p>正文</p>${"<!-- x <script>y ".repeat(50_000)}</body></html>`;
    expect(cpuSeconds(() => loadHtml(hostile))).toBeLessThan(2);
    expect(loadHtml("<p>一</p><script>a</script><p>二</p><!-- c --><p>三</p>").text()).toBe("一二三");
  });
});
