import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { formatPageScore, PageManifest, scorePage, summariseScores } from "../../src/eval/extraction.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const REAL_PAGES = join(ROOT, "test/fixtures/real-pages");
const SITES = join(ROOT, "test/fixtures/sites");
const NOW = new Date("2026-01-01T00:00:00Z");

/** A two-page set built from the loopback fixture sites, so the scorer is exercised on any branch. */
async function fixtureSet(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "zhibu-eval-extract-"));
  await copyFile(join(SITES, "webplus-a/2024/0505/c523a702001/page.htm"), join(dir, "a.html"));
  await copyFile(join(SITES, "webplus-a/523/list.htm"), join(dir, "list.html"));
  const manifest = [
    {
      file: "a.html",
      kind: "article",
      url: "http://a.example.edu.cn/2024/0505/c523a702001/page.htm",
      site: "a.example.edu.cn",
      title: "never this title",
      date: "2024-05-05",
      bodyStart: "",
      bodyEnd: null,
    },
    { file: "list.html", kind: "list", url: null, site: "a.example.edu.cn", links: 999, firstTitles: [] },
  ];
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

describe("extraction evaluation", () => {
  it("prints one line per page and the totals as the last line", async () => {
    const dir = await fixtureSet();
    const { stdout } = await promisify(execFile)("npx", ["tsx", "src/cli/eval-extract.ts", "--dir", dir], {
      cwd: ROOT,
    });
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^a\.html\s+article\s+title fail\s+date ok\s+body ok\s+[\d.]+ ms$/);
    expect(lines[1]).toMatch(/^list\.html\s+list\s+links fail\s+titles ok\s+[\d.]+ ms$/);
    const report = JSON.parse(lines[2] ?? "") as Record<string, number>;
    expect(Object.keys(report)).toEqual([
      "articles",
      "titleOk",
      "dateOk",
      "bodyOk",
      "bodyEndOk",
      "listPages",
      "listLinksOk",
      "maxPageMs",
    ]);
    expect(report).toMatchObject({ articles: 1, titleOk: 0, dateOk: 1, bodyOk: 1, listPages: 1 });
  });

  it.skipIf(!existsSync(join(REAL_PAGES, "manifest.json")))(
    "scores every committed real page without failing on any",
    async () => {
      const manifest = PageManifest.parse(
        JSON.parse(await readFile(join(REAL_PAGES, "manifest.json"), "utf8")),
      );
      const scores = [];
      for (const entry of manifest) {
        const score = scorePage(entry, await readFile(join(REAL_PAGES, entry.file)), NOW);
        expect(formatPageScore(score)).toMatch(/ ms$/);
        scores.push(score);
      }
      const report = summariseScores(scores);
      // A floor far below the measured figures: this guards against crashes and collapses, not tuning.
      expect(report.titleOk).toBeGreaterThanOrEqual(report.articles / 2);
      expect(report.bodyOk).toBeGreaterThanOrEqual(report.articles / 3);
    },
  );
});
