import { describe, expect, it } from "vitest";
import { ndcgAt, recallAt, reciprocalRank, summarise } from "../../src/eval/metrics.ts";

const relevant = new Set(["a", "b"]);

describe("metrics", () => {
  it("reciprocal rank counts the first relevant hit within k", () => {
    expect(reciprocalRank(["x", "a", "b"], relevant, 10)).toBe(0.5);
    expect(reciprocalRank(["x", "y", "a"], relevant, 2)).toBe(0);
  });

  it("recall is the share of relevant ids in the top k", () => {
    expect(recallAt(["a", "x", "y", "z", "w", "b"], relevant, 5)).toBe(0.5);
    expect(recallAt(["b", "a"], relevant, 5)).toBe(1);
  });

  it("nDCG is 1 for an ideal ranking and lower when relevant ids come later", () => {
    expect(ndcgAt(["a", "b", "x"], relevant, 10)).toBeCloseTo(1);
    const late = ndcgAt(["x", "a", "b"], relevant, 10);
    expect(late).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)));
    expect(ndcgAt([], relevant, 10)).toBe(0);
  });

  it("summarises overall and per kind", () => {
    const report = summarise([
      { kind: "topic", ranked: ["a"], relevant: ["a"] },
      { kind: "person", ranked: ["x", "a"], relevant: ["a"] },
    ]);
    expect(report.mrr10).toBeCloseTo(0.75);
    expect(report.byKind.topic?.mrr10).toBe(1);
    expect(report.byKind.person?.mrr10).toBe(0.5);
  });
});
