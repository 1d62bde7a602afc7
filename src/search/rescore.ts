import type { Concept, QueryPlan } from "./query.ts";
import { encodeTerm } from "./terms.ts";
import type { SearchHit } from "./types.ts";

/** Share of the score that does not depend on how many of the query's concepts a document covers. */
const COVERAGE_FLOOR = 0.1;
const RECENCY_WEIGHT = 0.03;
const RECENCY_DAYS = 365;
const TITLE_PHRASE_BONUS = 0.6;
/**
 * The most rescoring multiplies MiniSearch's score by: full coverage (alternatives weigh at most
 * 1), every phrase in the title, published today.
 */
export const MAX_RESCORE_FACTOR = (1 + TITLE_PHRASE_BONUS) * (1 + RECENCY_WEIGHT);

export interface WeightedConcept {
  concept: Concept;
  /** Mean idf of its best spelling's terms. */
  weight: number;
  /** Upper bound of the documents its best alternative matches. */
  frequency: number;
}

/** What rescoring reads of a MiniSearch result. */
export interface RankedResult {
  id: unknown;
  score: number;
  queryTerms: string[];
  titleText: string;
  day: number;
}

export interface RescoredResult {
  hit: SearchHit;
  /** Share of the query's meaning the document covers, 0–1. */
  coverage: number;
  day: number;
}

/** Best first; the newer of two equal scores first. */
export function byRescore(a: RescoredResult, b: RescoredResult): number {
  return b.hit.score - a.hit.score || b.day - a.day;
}

export function dayToTime(day: number): number {
  return Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100);
}

/**
 * MiniSearch's BM25 score, scaled by how much of the query's meaning a document covers (each
 * concept weighted by its idf, an alternative covered in proportion to the idf of its matched
 * terms), by a title that contains neighbouring query words as written, and by recency as a
 * tie-breaker. Sorted best first.
 */
export function rescore(
  results: RankedResult[],
  used: WeightedConcept[],
  plan: QueryPlan,
  now: Date,
  idf: (term: string) => number,
): RescoredResult[] {
  const plans = used.map(({ concept, weight }) => ({
    weight,
    alternatives: concept.alternatives.map((alternative) => ({
      share: alternative.weight ?? 1,
      terms: alternative.terms.map((term) => ({ term: encodeTerm(term), idf: idf(term) })),
    })),
  }));
  const totalWeight = plans.reduce((sum, { weight }) => sum + weight, 0);
  const nowTime = now.getTime();
  const scored = results.map((result) => {
    const matched = new Set(result.queryTerms);
    let covered = 0;
    for (const { weight, alternatives } of plans) {
      let best = 0;
      for (const { share, terms } of alternatives) {
        let mass = 0;
        let hit = 0;
        for (const term of terms) {
          mass += term.idf;
          if (matched.has(term.term)) hit += term.idf;
        }
        if (mass > 0) best = Math.max(best, (share * hit) / mass);
      }
      covered += weight * best;
    }
    const coverage = totalWeight > 0 ? covered / totalWeight : 0;
    const phraseHits = plan.phrases.filter((phrase) => result.titleText.includes(phrase)).length;
    const phraseShare = plan.phrases.length > 0 ? phraseHits / plan.phrases.length : 0;
    const ageDays = Math.max(0, (nowTime - dayToTime(result.day)) / 86_400_000);
    const score =
      result.score *
      (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage * coverage) *
      (1 + TITLE_PHRASE_BONUS * phraseShare) *
      (1 + RECENCY_WEIGHT * Math.exp(-ageDays / RECENCY_DAYS));
    return { hit: { id: result.id as string, score }, coverage, day: result.day };
  });
  return scored.sort(byRescore);
}
