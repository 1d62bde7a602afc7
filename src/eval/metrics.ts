/** Ranking quality measures over one query's ranked ids and its set of relevant ids. */

export function reciprocalRank(ranked: string[], relevant: ReadonlySet<string>, k: number): number {
  const position = ranked.slice(0, k).findIndex((id) => relevant.has(id));
  return position < 0 ? 0 : 1 / (position + 1);
}

export function recallAt(ranked: string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  return ranked.slice(0, k).filter((id) => relevant.has(id)).length / relevant.size;
}

/** Binary-gain nDCG: the ideal ranking puts every relevant id first. */
export function ndcgAt(ranked: string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export interface Scores {
  mrr10: number;
  recall5: number;
  ndcg10: number;
}

export interface JudgedRanking {
  kind: string;
  ranked: string[];
  relevant: string[];
}

export function scoreOne(ranked: string[], relevant: string[]): Scores {
  const judged = new Set(relevant);
  return {
    mrr10: reciprocalRank(ranked, judged, 10),
    recall5: recallAt(ranked, judged, 5),
    ndcg10: ndcgAt(ranked, judged, 10),
  };
}

function mean(scores: Scores[]): Scores {
  const n = Math.max(scores.length, 1);
  const sum = (pick: (s: Scores) => number): number => scores.reduce((total, s) => total + pick(s), 0) / n;
  return { mrr10: sum((s) => s.mrr10), recall5: sum((s) => s.recall5), ndcg10: sum((s) => s.ndcg10) };
}

export interface Report extends Scores {
  byKind: Record<string, Scores>;
}

/** Mean scores overall and per kind of query. */
export function summarise(rankings: JudgedRanking[]): Report {
  const perQuery = rankings.map((ranking) => ({
    kind: ranking.kind,
    scores: scoreOne(ranking.ranked, ranking.relevant),
  }));
  const byKind: Record<string, Scores> = {};
  for (const kind of [...new Set(perQuery.map((q) => q.kind))].sort()) {
    byKind[kind] = mean(perQuery.filter((q) => q.kind === kind).map((q) => q.scores));
  }
  return { ...mean(perQuery.map((q) => q.scores)), byKind };
}
