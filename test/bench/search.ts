/**
 * Search bench: `npm run bench:search [-- --docs N] [-- --queries Q] [-- --naive-docs N[,M]] [-- --skip-naive]`.
 * For 10,000 and 100,000 synthetic announcements (or N only) measures build time, heap used by the
 * index, snapshot size, save and load time, and query latency p50/p99 over chat-style questions;
 * also the naive configuration (MiniSearch over plain character bigrams, OR query) as a baseline,
 * by default at 10,000 documents only (at 100,000 it takes minutes and ~1.5 GB, and its JSON
 * snapshot outgrows a string: save and load are then reported as null). The last line is a JSON
 * array of one object per size, the naive figures nested as `naive` in the object of their size.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import MiniSearch from "minisearch";
import type { SearchDoc } from "../../src/announcement.ts";
import { loadLexicon } from "../../src/data/lexicon.ts";
import {
  createSearchIndex,
  loadSearchIndex,
  parseWordList,
  type Lexicon,
  type SearchIndex,
} from "../../src/search/index.ts";
import { generateCorpus, generateQueries } from "./synthetic.ts";

interface Figures {
  buildMs: number;
  heapMB: number;
  /** Null when the snapshot cannot be made (JSON of the naive index outgrows a string at 100k). */
  snapshotMB: number | null;
  saveMs: number | null;
  loadMs: number | null;
  p50Ms: number;
  p99Ms: number;
}

/** One size: our figures, and the naive baseline's when measured in the same run. */
interface Row extends Figures {
  docs: number;
  naive?: Figures;
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
};

const heapUsed = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

function percentiles(run: (query: string) => void, queries: string[]): { p50: number; p99: number } {
  for (const query of queries.slice(0, 20)) run(query);
  const times = queries.map((query) => time(() => run(query))[1]).sort((a, b) => a - b);
  const at = (share: number): number => times[Math.min(times.length - 1, Math.floor(share * times.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Builds the index and saves its snapshot; the index itself is let go, as when a process ends. */
function buildAndSave(docs: SearchDoc[], lexicon: Lexicon) {
  const before = heapUsed();
  const [index, buildMs] = time(() => {
    const built = createSearchIndex({ lexicon });
    for (const doc of docs) built.upsert(doc);
    return built;
  });
  const heapMB = (heapUsed() - before) / 1e6;
  const [snapshot, saveMs] = time(() => index.serialize());
  return { buildMs, heapMB, snapshot, saveMs };
}

function measureZhibu(docs: SearchDoc[], queries: string[], lexicon: Lexicon): Figures {
  const { buildMs, heapMB, snapshot, saveMs } = buildAndSave(docs, lexicon);
  gc();
  // Loading is timed as a process starting up does it: with no other index in memory.
  const [loaded, loadMs] = time(() => loadSearchIndex(snapshot, { lexicon }));
  const now = new Date("2026-01-01T00:00:00Z");
  const { p50, p99 } = percentiles((query) => loaded.search(query, { now, limit: 10 }), queries);
  check(loaded, docs.length);
  return {
    buildMs: Math.round(buildMs),
    heapMB: round(heapMB),
    snapshotMB: round(snapshot.length / 1e6),
    saveMs: Math.round(saveMs),
    loadMs: Math.round(loadMs),
    p50Ms: round(p50, 2),
    p99Ms: round(p99, 2),
  };
}

function check(index: SearchIndex, expected: number): void {
  if (index.size !== expected)
    throw new Error(`loaded index has ${index.size} documents, expected ${expected}`);
}

function bigrams(text: string): string[] {
  const terms: string[] = [];
  const chars = [...text.replace(/[\s\p{P}]+/gu, " ")];
  for (let i = 0; i + 1 < chars.length; i++) {
    if (chars[i] !== " " && chars[i + 1] !== " ") terms.push(chars[i]! + chars[i + 1]!);
  }
  return terms;
}

function measureNaive(docs: SearchDoc[], queries: string[]): Figures {
  const options = { fields: ["title", "text"], tokenize: bigrams, processTerm: (term: string) => term };
  const before = heapUsed();
  const [index, buildMs] = time(() => {
    const built = new MiniSearch<SearchDoc>(options);
    built.addAll(docs);
    return built;
  });
  const heapMB = (heapUsed() - before) / 1e6;
  let saved: { snapshot: string; saveMs: number; loaded: MiniSearch<SearchDoc>; loadMs: number } | undefined;
  try {
    const [snapshot, saveMs] = time(() => JSON.stringify(index));
    const [loaded, loadMs] = time(() => MiniSearch.loadJSON<SearchDoc>(snapshot, options));
    saved = { snapshot, saveMs, loaded, loadMs };
  } catch (error) {
    console.log(`naive snapshot failed: ${(error as Error).message}; querying the built index`);
  }
  const queried = saved?.loaded ?? index;
  const { p50, p99 } = percentiles(
    (query) => queried.search(query, { combineWith: "OR" }).slice(0, 10),
    queries,
  );
  return {
    buildMs: Math.round(buildMs),
    heapMB: round(heapMB),
    snapshotMB: saved ? round(Buffer.byteLength(saved.snapshot) / 1e6) : null,
    saveMs: saved ? Math.round(saved.saveMs) : null,
    loadMs: saved ? Math.round(saved.loadMs) : null,
    p50Ms: round(p50, 2),
    p99Ms: round(p99, 2),
  };
}

/**
 * The dictionary's words in frequency order, for the Zipf draw: the section taken from jieba, not
 * the party-building vocabulary listed first (which the generator places on purpose).
 */
function frequencyOrdered(wordsFile: string): string[] {
  const section = wordsFile.split(/^# From jieba's dictionary.*$/m)[1] ?? wordsFile;
  return parseWordList(section);
}

function describe(config: string, docs: number, row: Figures): string {
  return (
    `${config.padEnd(13)} ${String(docs).padStart(7)} docs  build ${row.buildMs} ms  heap ${row.heapMB} MB  ` +
    `snapshot ${row.snapshotMB} MB  save ${row.saveMs} ms  load ${row.loadMs} ms  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      docs: { type: "string" },
      queries: { type: "string", default: "300" },
      "naive-docs": { type: "string", default: "10000" },
      "skip-naive": { type: "boolean", default: false },
    },
  });
  const lexicon = await loadLexicon("data");
  const vocabulary = frequencyOrdered(await readFile("data/words.txt", "utf8"));
  const sizes = values.docs ? [Number(values.docs)] : [10_000, 100_000];
  const queryCount = Number(values.queries);
  const naiveDocs = values["naive-docs"].split(",").map(Number);
  const rows: Row[] = [];
  if (!(globalThis as { gc?: unknown }).gc) console.log("note: run with --expose-gc for heap figures");
  for (const size of sizes) {
    const corpus = generateCorpus(size, vocabulary);
    const queries = generateQueries(corpus, queryCount);
    const averageLength = corpus.docs.reduce((sum, doc) => sum + doc.text.length, 0) / corpus.docs.length;
    console.log(
      `${size} synthetic announcements, ${Math.round(averageLength)} characters on average, ${queries.length} queries`,
    );
    const row: Row = { docs: size, ...measureZhibu(corpus.docs, queries, lexicon) };
    console.log(describe("zhibu", size, row));
    rows.push(row);
    if (!values["skip-naive"] && naiveDocs.includes(size)) {
      const naive = measureNaive(corpus.docs, queries);
      console.log(describe("naive-bigram", size, naive));
      const ratio = (a: number | null, b: number | null): string =>
        a === null || b === null ? "n/a" : `×${round(a / b)}`;
      console.log(
        `naive / zhibu: build ${ratio(naive.buildMs, row.buildMs)}, heap ${ratio(naive.heapMB, row.heapMB)}, ` +
          `load ${ratio(naive.loadMs, row.loadMs)}, p50 ${ratio(naive.p50Ms, row.p50Ms)}, p99 ${ratio(naive.p99Ms, row.p99Ms)}`,
      );
      row.naive = naive;
    }
  }
  console.log(JSON.stringify(rows));
}

await main();
