import { describe, expect, it } from "vitest";
import { decodeBody } from "../../src/ingest/charset.ts";
import { loadHtml } from "../../src/ingest/html.ts";

describe("loadHtml", () => {
  it("gives each page a `$` that reads its own document, however many pages are open", () => {
    const first = loadHtml(
      `<html><head><title>甲</title></head><body><p class="x">一</p><p class="x">二</p></body></html>`,
    );
    const second = loadHtml(
      `<html><body><p class="x">三</p><!-- 注释 --><script>var a;</script></body></html>`,
    );
    expect(first(".x").length).toBe(2);
    expect(first(".x").last().text()).toBe("二");
    expect(second(".x").text()).toBe("三");
    expect(first.root().find("title").text()).toBe("甲");
    expect(second.root().text()).toBe("三");
    expect(first.extract({ title: "title" })).toEqual({ title: "甲" });
    expect(second("p", "body").length).toBe(1);
    expect(first(first("body").get(0)).children().length).toBe(2);
  });

  it("decodes UTF-8 pages with or without a byte order mark, and falls back to GB18030", () => {
    const text = "党支部 2024-05-05 😀";
    expect(decodeBody(Buffer.from(text))).toBe(text);
    expect(decodeBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
    expect(decodeBody(Buffer.from([0xb5, 0xb3, 0xd6, 0xa7, 0xb2, 0xbf]))).toBe("党支部");
  });
});
