import type { Concept, QueryPlan } from "./query.ts";
import { encodeTerm } from "./terms.ts";
import type { SearchHit } from "./types.ts";

/** Share of the score that does not depend on how many of the query's concepts a document covers. */
const COVERAGE_FLOOR = 0.1;
const RECENCY_WEIGHT = 0.03;
const RECENCY_DAYS = 365;
const TITLE_PHRASE_BONUS = 0.6;
/** What an optional concept (see Concept) weighs in coverage, against a required one of the same idf. */
const OPTIONAL_SHARE = 0.25;
/**
 * The most rescoring multiplies a score by, for a query: each concept counted once at most (a
 * factor ≤ 1), full coverage (alternatives weigh at most 1), every phrase in the title, published
 * today.
 */
export function maxRescoreFactor(plan: QueryPlan): number {
  return (plan.phrases.length > 0 ? 1 + TITLE_PHRASE_BONUS : 1) * (1 + RECENCY_WEIGHT);
}

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
  /** A factor of at most 1 the engine knows beforehand (see UNDATED_PRIOR in search-index.ts). */
  prior?: number;
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

interface PlannedAlternative {
  share: number;
  terms: { term: string; idf: number }[];
}

/**
 * What a concept is worth: the idf of its commonest full spelling, for a document that has any
 * spelling has the concept. The rarest spelling would overrate a common concept that has one
 * unusual synonym (主题党日活动 beside 党日活动). The parts of a long word are not a spelling.
 */
function commonestSpellingWeight(alternatives: PlannedAlternative[]): number | undefined {
  let weight: number | undefined;
  for (const { share, terms } of alternatives) {
    const idfs = terms.map((term) => term.idf).filter((value) => value > 0);
    if (share < 1 || idfs.length === 0) continue;
    const mean = idfs.reduce((sum, value) => sum + value, 0) / idfs.length;
    weight = Math.min(weight ?? mean, mean);
  }
  return weight;
}

/**
 * BM25 adds up every query term a document has, so an article using three spellings of one
 * concept (主题党日, 党日活动, 主题党日活动) scores as if it matched three concepts. Scales the
 * score down to the share of its matched idf that counts each concept once, by its best term.
 */
function singleCounted(conceptMass: number, matched: Set<string>, termIdf: Map<string, number>): number {
  let matchedMass = 0;
  for (const term of matched) matchedMass += termIdf.get(term) ?? 0;
  return matchedMass > 0 ? Math.min(1, conceptMass / matchedMass) : 1;
}

/**
 * The BM25 score with each concept counted once, scaled by how much of the query's meaning a
 * document covers (each concept weighted by its commonest spelling's idf, an alternative covered
 * in proportion to the idf of its matched terms), by a title that contains neighbouring query
 * words as written, and by recency as a tie-breaker. Sorted best first.
 */
export function rescore(
  results: RankedResult[],
  used: WeightedConcept[],
  plan: QueryPlan,
  now: Date,
  idf: (term: string) => number,
): RescoredResult[] {
  const plans = used.map(({ concept, weight }) => {
    const alternatives = concept.alternatives.map((alternative): PlannedAlternative => ({
      share: alternative.weight ?? 1,
      terms: alternative.terms.map((term) => ({ term: encodeTerm(term), idf: idf(term) })),
    }));
    const share = concept.optional ? OPTIONAL_SHARE : 1;
    return { weight: share * (commonestSpellingWeight(alternatives) ?? weight), alternatives };
  });
  const totalWeight = plans.reduce((sum, { weight }) => sum + weight, 0);
  const termIdf = new Map<string, number>();
  for (const { alternatives } of plans)
    for (const { terms } of alternatives) for (const { term, idf: value } of terms) termIdf.set(term, value);
  const nowTime = now.getTime();
  const scored = results.map((result) => {
    const matched = new Set(result.queryTerms);
    let covered = 0;
    let conceptMass = 0;
    for (const { weight, alternatives } of plans) {
      let best = 0;
      let strongest = 0;
      for (const { share, terms } of alternatives) {
        let mass = 0;
        let hit = 0;
        for (const term of terms) {
          mass += term.idf;
          if (matched.has(term.term)) {
            hit += term.idf;
            strongest = Math.max(strongest, term.idf);
          }
        }
        if (mass > 0) best = Math.max(best, (share * hit) / mass);
      }
      covered += weight * best;
      conceptMass += strongest;
    }
    const coverage = totalWeight > 0 ? covered / totalWeight : 0;
    const phraseHits = plan.phrases.filter((phrase) => result.titleText.includes(phrase)).length;
    const phraseShare = plan.phrases.length > 0 ? phraseHits / plan.phrases.length : 0;
    const ageDays = Math.max(0, (nowTime - dayToTime(result.day)) / 86_400_000);
    const score =
      result.score *
      (result.prior ?? 1) *
      singleCounted(conceptMass, matched, termIdf) *
      (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage * coverage) *
      (1 + TITLE_PHRASE_BONUS * phraseShare) *
      (1 + RECENCY_WEIGHT * Math.exp(-ageDays / RECENCY_DAYS));
    return { hit: { id: result.id as string, score }, coverage, day: result.day };
  });
  return scored.sort(byRescore);
}
