import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeBody, detectCharset } from "../../src/ingest/charset.ts";
import { dayFromUrl, parseDay } from "../../src/ingest/dates.ts";

const TEXT = "党支部开展“学党史、悟思想”主题党日活动，鎔（GB18030 才有的字：𠀀）";

describe("charset", () => {
  const gbk = (html: string) => iconv.encode(html, "gb18030");

  it("takes the charset from the HTTP header", () => {
    const bytes = gbk(`<p>${TEXT}</p>`);
    expect(detectCharset(bytes, "text/html; charset=GB2312")).toBe("gb18030");
    expect(decodeBody(bytes, "text/html; charset=gbk")).toBe(`<p>${TEXT}</p>`);
  });

  it("takes it from <meta charset> or the http-equiv meta when the header has none", () => {
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><p>${TEXT}</p>`;
    expect(decodeBody(gbk(html), "text/html")).toBe(html);
    expect(decodeBody(gbk(`<meta charset="GBK"><p>${TEXT}</p>`))).toContain(TEXT);
  });

  it("detects GBK when nothing is declared, or when UTF-8 is declared wrongly", () => {
    expect(decodeBody(gbk(`<p>${TEXT}</p>`))).toBe(`<p>${TEXT}</p>`);
    expect(decodeBody(gbk(`<p>${TEXT}</p>`), "text/html; charset=utf-8")).toBe(`<p>${TEXT}</p>`);
  });

  it("reads UTF-8 with or without a BOM", () => {
    expect(decodeBody(Buffer.from(`\ufeff<p>${TEXT}</p>`))).toBe(`<p>${TEXT}</p>`);
    expect(detectCharset(Buffer.from(`<p>${TEXT}</p>`))).toBe("utf-8");
  });
});

describe("dates", () => {
  it.each([
    ["发布时间：2023-02-03", "2023-02-03"],
    ["发布时间:2024/5/5 点击数:", "2024-05-05"],
    ["2024年05月05日 10:30", "2024-05-05"],
    ["[24-05-05]", "2024-05-05"],
    ["2024.5.5", "2024-05-05"],
    ["Fri, 03 Feb 2023 17:26:42 GMT", "2023-02-04"],
    ["2024-05-22T23:30:00Z", "2024-05-23"],
    ["2024-05-22T23:30:00+08:00", "2024-05-22"],
    ["2023-02-30", undefined],
    ["2023-2024学年 发布时间：2024-05-05", "2024-05-05"],
    ["点击数：2024", undefined],
  ])("%s → %s (Asia/Shanghai)", (text, day) => {
    expect(parseDay(text)).toBe(day);
  });

  it("reads the day from a WebPlus article URL", () => {
    expect(dayFromUrl("https://xwzx.cumt.edu.cn/2024/0403/c523a701245/page.htm")).toBe("2024-04-03");
    expect(dayFromUrl("https://a.edu.cn/info/1090/2697.htm")).toBeUndefined();
  });
});
