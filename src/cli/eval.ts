/**
 * Relevance evaluation: indexes a JSON Lines corpus with the production pipeline and scores a JSON
 * Lines query set. Usage: npm run eval -- [--corpus FILE --queries FILE] [--data DIR] [--now ISO] [--verbose]
 * With --corpus and --queries it scores that one split; without them, every split of the
 * development set (see SPLITS). The last line printed is the report as one JSON object.
 *
 * Each split is searched in its own corpus: relevance was judged against that corpus only, so in
 * a combined one a right answer from the other split would count as a miss.
 */
import { access, readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadLexicon } from "../data/lexicon.ts";
import { summarise, scoreOne, type JudgedRanking, type Report, type Scores } from "../eval/metrics.ts";
import { createSearchIndex } from "../search/index.ts";
import type { Lexicon } from "../search/types.ts";

const CorpusLine = z.object({
  id: z.string(),
  url: z.string().default(""),
  title: z.string(),
  // An empty date is an article whose publication day is unknown.
  date: z.string().default(""),
  text: z.string(),
  school: z.string().default(""),
  sourceId: z.string().default(""),
});

const QueryLine = z.object({
  q: z.string(),
  relevant: z.array(z.string()),
  kind: z.string().default("unknown"),
});

async function readJsonLines<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line, i) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

const format = (scores: Scores): string =>
  `MRR@10 ${scores.mrr10.toFixed(3)}  Recall@5 ${scores.recall5.toFixed(3)}  nDCG@10 ${scores.ndcg10.toFixed(3)}`;

const round = (value: number): number => Math.round(value * 10000) / 10000;

function rounded(scores: Scores): Scores {
  return { mrr10: round(scores.mrr10), recall5: round(scores.recall5), ndcg10: round(scores.ndcg10) };
}

function roundedReport(report: Report): Report {
  const byKind = Object.fromEntries(
    Object.entries(report.byKind).map(([kind, scores]) => [kind, rounded(scores)]),
  );
  return { ...rounded(report), byKind };
}

interface SplitFiles {
  corpus: string;
  queries: string;
}

/** The splits of the development set, scored when no files are named. */
const SPLITS: (SplitFiles & { name: string })[] = [
  { name: "dev", corpus: "test/fixtures/eval/corpus.jsonl", queries: "test/fixtures/eval/queries.jsonl" },
  {
    name: "real",
    corpus: "test/fixtures/eval/real/corpus.jsonl",
    queries: "test/fixtures/eval/real/queries.jsonl",
  },
];

interface RunOptions {
  lexicon: Lexicon;
  now: string | undefined;
  verbose: boolean;
}

/**
 * Ranks every query of a split in the split's own corpus and prints its figures, headed by the
 * split's name (none for the one split named on the command line).
 */
async function runSplit(split: SplitFiles, options: RunOptions, name?: string): Promise<JudgedRanking[]> {
  const [corpus, queries] = await Promise.all([
    readJsonLines(split.corpus, CorpusLine),
    readJsonLines(split.queries, QueryLine),
  ]);
  const index = createSearchIndex({ lexicon: options.lexicon });
  for (const doc of corpus) index.upsert(doc);
  const latest = corpus.reduce((max, doc) => (doc.date > max ? doc.date : max), "1970-01-01");
  const now = new Date(options.now ?? `${latest}T12:00:00+08:00`);
  const titles = new Map(corpus.map((doc) => [doc.id, doc.title]));
  const rankings: JudgedRanking[] = queries.map((query) => {
    const ranked = index.search(query.q, { limit: 10, now }).hits.map((hit) => hit.id);
    const scores = scoreOne(ranked, query.relevant);
    if (options.verbose && (scores.mrr10 < 1 || scores.recall5 < 1)) {
      const describe = (ids: string[]): string =>
        ids.map((id) => `${id} ${titles.get(id) ?? "?"}`).join(" | ");
      console.log(
        `[${query.kind}] ${query.q}  rr=${scores.mrr10.toFixed(2)} r5=${scores.recall5.toFixed(2)}`,
      );
      console.log(`   relevant: ${describe(query.relevant)}`);
      console.log(`   got:      ${describe(ranked.slice(0, 5))}`);
    }
    return { kind: query.kind, ranked, relevant: query.relevant };
  });
  const report = summarise(rankings);
  console.log(`${name ? `${name}: ` : ""}${corpus.length} documents, ${queries.length} queries`);
  console.log(`overall        ${format(report)}`);
  for (const [kind, scores] of Object.entries(report.byKind))
    console.log(`${kind.padEnd(14)} ${format(scores)}`);
  return rankings;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: "string" },
      queries: { type: "string" },
      data: { type: "string", default: "data" },
      now: { type: "string" },
      verbose: { type: "boolean", default: false },
    },
  });
  if ((values.corpus === undefined) !== (values.queries === undefined)) {
    throw new Error(
      "usage: npm run eval -- [--corpus FILE --queries FILE] [--data DIR] [--now ISO] [--verbose]",
    );
  }
  const options: RunOptions = {
    lexicon: await loadLexicon(values.data),
    now: values.now,
    verbose: values.verbose,
  };
  if (values.corpus !== undefined && values.queries !== undefined) {
    const rankings = await runSplit({ corpus: values.corpus, queries: values.queries }, options);
    console.log(JSON.stringify(roundedReport(summarise(rankings))));
    return;
  }
  const splits: Record<string, Report> = {};
  const all: JudgedRanking[] = [];
  for (const split of SPLITS) {
    if (!(await exists(split.corpus)) || !(await exists(split.queries))) continue;
    const rankings = await runSplit(split, options, split.name);
    splits[split.name] = roundedReport(summarise(rankings));
    all.push(...rankings);
  }
  // Every query of every split, each counted once, then each split on its own.
  console.log(JSON.stringify({ ...roundedReport(summarise(all)), splits }));
}

await main();
