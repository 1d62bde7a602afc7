import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSources, parseSources } from "../../src/ingest/sources.ts";

describe("sources file", () => {
  it("loads the bundled data/sources.yaml without errors", async () => {
    const { sources, errors } = await loadSources(
      fileURLToPath(new URL("../../data/sources.yaml", import.meta.url)),
    );
    expect(errors).toEqual([]);
    expect(sources.filter((s) => s.enabled).map((s) => s.id)).toEqual(["seeds", "samples"]);
    expect(new Set(sources.map((s) => s.kind))).toEqual(new Set(["files", "webplus", "vsb", "rss", "html"]));
    expect(sources[0]?.schedule).toEqual({ every: 1440, tz: "Asia/Shanghai" });
  });

  it("reports a bad entry by line and field and keeps the others", () => {
    const text = [
      "sources:",
      "  - id: good",
      "    name: 好的",
      "    kind: rss",
      "    url: https://news.example.edu.cn/rss.xml",
      "  - id: bad",
      "    name: 坏的",
      "    kind: webplus",
      "    url: ftp://news.example.edu.cn/list.htm",
      "    schedule: { every: 0 }",
      "  - id: good",
      "    name: 重复",
      "    kind: files",
      "    path: x",
      "  - id: nokind",
      "    name: 缺类型",
      "    kind: gopher",
      "    url: https://a.example.edu.cn/",
    ].join("\n");
    const { sources, errors } = parseSources(text);
    expect(sources.map((s) => s.id)).toEqual(["good"]);
    expect(sources[0]?.urls).toEqual(["https://news.example.edu.cn/rss.xml"]);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 9, field: "url", sourceId: "bad" }),
        expect.objectContaining({ line: 10, field: "schedule.every", sourceId: "bad" }),
        expect.objectContaining({ line: 11, field: "id", sourceId: "good" }),
        expect.objectContaining({ line: 17, field: "kind", sourceId: "nokind" }),
      ]),
    );
  });

  it("accepts cron schedules with a time zone and rejects both or neither", () => {
    const entry = (schedule: string) =>
      `sources:\n  - id: a\n    name: a\n    kind: rss\n    url: https://a.example.edu.cn/feed\n    schedule: ${schedule}\n`;
    expect(parseSources(entry('{ cron: "0 8 * * *", tz: Asia/Urumqi }')).sources[0]?.schedule).toEqual({
      cron: "0 8 * * *",
      tz: "Asia/Urumqi",
    });
    expect(parseSources(entry('{ cron: "0 8 * * *", every: 5 }')).errors[0]).toMatchObject({
      line: 6,
      field: "schedule",
    });
    expect(parseSources(entry("{ every: 5, tz: Mars/Base }")).errors[0]).toMatchObject({
      field: "schedule.tz",
    });
  });

  it("reports YAML syntax errors with their line", () => {
    expect(parseSources("sources:\n  - id: [oops\n").errors[0]?.line).toBeGreaterThan(0);
  });
});
