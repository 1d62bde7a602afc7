import { describe, expect, it } from "vitest";
import type { Concept, QueryPlan } from "../../src/search/query.ts";
import { rescore, type RankedResult, type WeightedConcept } from "../../src/search/rescore.ts";
import { encodeTerm } from "../../src/search/terms.ts";

const now = new Date("2025-06-20T00:00:00Z");
const plan: QueryPlan = { concepts: [], phrases: [], highlights: [] };

function concept(text: string, spellings: string[]): Concept {
  return {
    text,
    alternatives: spellings.map((spelling) => ({ text: spelling, terms: [spelling], field: "text" })),
  };
}

/** Weighted as the index weighs a concept: by the idf of its rarest spelling. */
function weighted(item: Concept, idfs: Record<string, number>): WeightedConcept {
  const weight = Math.max(...item.alternatives.map((alternative) => idfs[alternative.text] ?? 0));
  return { concept: item, weight, frequency: 1 };
}

function result(id: string, score: number, terms: string[]): RankedResult {
  return { id, score, queryTerms: terms.map(encodeTerm), titleText: "", day: 20250101 };
}

const order = (results: RankedResult[], concepts: Concept[], idfs: Record<string, number>): string[] =>
  rescore(
    results,
    concepts.map((item) => weighted(item, idfs)),
    plan,
    now,
    (term) => idfs[term] ?? 0,
  ).map(({ hit }) => hit.id);

describe("rescore", () => {
  it("counts a concept once however many of its spellings an article uses", () => {
    const idfs = { 骑行: 3, 主题党日: 1.5, 党日活动: 1.5 };
    const concepts = [concept("骑行", ["骑行"]), concept("党日活动", ["党日活动", "主题党日"])];
    // BM25 added up both spellings of the common concept for "dangri".
    const results = [result("dangri", 30, ["主题党日", "党日活动"]), result("qixing", 10, ["骑行"])];
    expect(order(results, concepts, idfs)[0]).toBe("qixing");
  });

  it("weighs a concept by its commonest spelling, not by a rare synonym", () => {
    const idfs = { 社区: 2.4, 志愿服务: 2, 志愿活动: 4 };
    const concepts = [concept("社区", ["社区"]), concept("志愿服务", ["志愿服务", "志愿活动"])];
    const results = [result("zhiyuan", 10, ["志愿服务"]), result("shequ", 10, ["社区"])];
    expect(order(results, concepts, idfs)[0]).toBe("shequ");
  });
});
