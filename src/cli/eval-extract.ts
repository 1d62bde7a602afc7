/**
 * Extraction evaluation on real saved pages. Usage: npm run eval:extract -- [--dir DIR] [--now ISO] [--verbose]
 * One line per page, then the totals as one JSON object on the last line.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatPageScore, PageManifest, scorePage, summariseScores } from "../eval/extraction.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string", default: "test/fixtures/real-pages" },
      now: { type: "string" },
      verbose: { type: "boolean", default: false },
    },
  });
  const manifest = PageManifest.parse(JSON.parse(await readFile(join(values.dir, "manifest.json"), "utf8")));
  const now = values.now ? new Date(values.now) : new Date();
  const scores = [];
  // A worker extracts pages for hours: time each page as a warmed-up process does, not the cost of
  // compiling the extractor on whichever page happens to come first.
  const first = manifest[0];
  if (first) scorePage(first, await readFile(join(values.dir, first.file)), now);
  for (const entry of manifest) {
    const score = scorePage(entry, await readFile(join(values.dir, entry.file)), now);
    console.log(formatPageScore(score, values.verbose));
    scores.push(score);
  }
  console.log(JSON.stringify(summariseScores(scores)));
}

await main();
