import { describe, expect, it } from "vitest";
import { canonicalUrl } from "../../src/ingest/canonical-url.ts";

describe("canonicalUrl", () => {
  it.each([
    ["HTTPS://News.Example.EDU.cn:443/523/index.htm", "https://news.example.edu.cn/523/"],
    ["http://a.edu.cn:80/x/index.html#top", "http://a.edu.cn/x/"],
    [
      "https://a.edu.cn/p.htm?utm_source=wx&id=3&spm=1.2&from=timeline&a=1",
      "https://a.edu.cn/p.htm?a=1&id=3",
    ],
    ["https://a.edu.cn//2024//0505/page.htm", "https://a.edu.cn/2024/0505/page.htm"],
    ["file:seeds/004.txt", "file:seeds/004.txt"],
  ])("%s → %s", (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });
});
