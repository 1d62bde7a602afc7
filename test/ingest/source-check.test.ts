import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient } from "../../src/ingest/http.ts";
import { checkSource } from "../../src/ingest/source-check.ts";
import { LOOPBACK, startFixtureSites, type FixtureSites } from "../support/fixture-server.ts";
import { silentLogger } from "../support/logger.ts";

describe("source check", () => {
  let sites: FixtureSites;
  beforeAll(async () => {
    sites = await startFixtureSites();
  });
  afterAll(() => sites.close());
  const deps = () => ({
    http: createHttpClient({ hostDelayMs: 0 }),
    logger: silentLogger(),
    limit: 2,
    ...LOOPBACK,
  });

  it.each([
    ["webplus-a", "/523/list.htm", "webplus", 3, "utf-8"],
    ["webplus-b", "/xwdt/list.htm", "webplus", 2, "utf-8"],
    ["vsb-a", "/djgz/djdt.htm", "vsb", 2, "utf-8"],
    ["vsb-b", "/xwzx/zbdt.htm", "vsb", 2, "utf-8"],
    ["webplus-c", "/zbfc/list.htm", "webplus", 2, "utf-8"],
    ["vsb-c", "/zzgz.htm", "vsb", 2, "utf-8"],
    ["feeds", "/rdf.xml", "rss", 1, "utf-8"],
    ["gbk", "/list.htm", "webplus", 2, "gb18030"],
  ])("recognises %s%s as %s with its items", async (site, path, kind, count, charset) => {
    const check = await checkSource(sites.url(site, path), deps());
    expect(check).toMatchObject({ kind, itemCount: count, charset });
    expect(check.items.length).toBe(Math.min(2, count));
    for (const item of check.items) {
      expect(item.error).toBeUndefined();
      expect(item.article?.title).toBeTruthy();
      expect(item.article?.date ?? item.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(item.article?.text.length).toBeGreaterThan(50);
    }
  });

  it("says when a page lists nothing it recognises", async () => {
    expect(await checkSource(sites.url("redesigned", "/523/list.htm"), deps())).toMatchObject({
      itemCount: 0,
      items: [],
    });
  });
});
