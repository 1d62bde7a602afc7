/**
 * Relevance evaluation: indexes a JSON Lines corpus with the production pipeline and scores a JSON
 * Lines query set. Usage: npm run eval -- --corpus FILE --queries FILE [--data DIR] [--now ISO] [--verbose]
 * The last line printed is the report as one JSON object.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadLexicon } from "../data/lexicon.ts";
import { summarise, scoreOne, type JudgedRanking, type Scores } from "../eval/metrics.ts";
import { createSearchIndex } from "../search/index.ts";

const CorpusLine = z.object({
  id: z.string(),
  url: z.string().default(""),
  title: z.string(),
  date: z.string(),
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
  if (!values.corpus || !values.queries) {
    throw new Error(
      "usage: npm run eval -- --corpus FILE --queries FILE [--data DIR] [--now ISO] [--verbose]",
    );
  }
  const [corpus, queries, lexicon] = await Promise.all([
    readJsonLines(values.corpus, CorpusLine),
    readJsonLines(values.queries, QueryLine),
    loadLexicon(values.data),
  ]);
  const index = createSearchIndex({ lexicon });
  for (const doc of corpus) index.upsert(doc);
  const latest = corpus.reduce((max, doc) => (doc.date > max ? doc.date : max), "1970-01-01");
  const now = new Date(values.now ?? `${latest}T12:00:00+08:00`);
  const titles = new Map(corpus.map((doc) => [doc.id, doc.title]));
  const rankings: JudgedRanking[] = queries.map((query) => {
    const ranked = index.search(query.q, { limit: 10, now }).hits.map((hit) => hit.id);
    const ranking = { kind: query.kind, ranked, relevant: query.relevant };
    const scores = scoreOne(ranked, query.relevant);
    if (values.verbose && (scores.mrr10 < 1 || scores.recall5 < 1)) {
      console.log(
        `[${query.kind}] ${query.q}  rr=${scores.mrr10.toFixed(2)} r5=${scores.recall5.toFixed(2)}`,
      );
      console.log(`   relevant: ${query.relevant.map((id) => `${id} ${titles.get(id) ?? "?"}`).join(" | ")}`);
      console.log(
        `   got:      ${ranked
          .slice(0, 5)
          .map((id) => `${id} ${titles.get(id) ?? "?"}`)
          .join(" | ")}`,
      );
    }
    return ranking;
  });
  const report = summarise(rankings);
  console.log(`${corpus.length} documents, ${queries.length} queries`);
  console.log(`overall        ${format(report)}`);
  for (const [kind, scores] of Object.entries(report.byKind))
    console.log(`${kind.padEnd(14)} ${format(scores)}`);
  const byKind = Object.fromEntries(
    Object.entries(report.byKind).map(([kind, scores]) => [kind, rounded(scores)]),
  );
  console.log(JSON.stringify({ ...rounded(report), byKind }));
}

await main();
