import MiniSearch, { type Query } from "minisearch";
import { describe, expect, it } from "vitest";
import { createEvaluator, type ConceptSpec, type Scored } from "../../src/search/evaluate.ts";
import { readerOf } from "../../src/search/postings.ts";

interface Doc {
  id: string;
  title: string;
  body: string;
}

const docs: Doc[] = [
  { id: "a", title: "red cycling day", body: "branch members cycling along the lake, a red route" },
  { id: "b", title: "theme day", body: "a theme day of the branch with cycling and a visit to the museum" },
  { id: "c", title: "museum visit", body: "the branch visits the red museum; the museum shows the route" },
  { id: "d", title: "reading club", body: "members read together" },
  { id: "e", title: "red museum day", body: "cycling to the red museum, a theme day" },
];

const BOOST = { title: 2, body: 1 };

function build(): MiniSearch<Doc> {
  const index = new MiniSearch<Doc>({ fields: ["title", "body"], autoVacuum: false });
  index.addAll(docs);
  return index;
}

/** The concepts of the tests: {cycling or (red and route)}, {museum}, {day}. */
const concepts = [[["cycling"], ["red", "route"]], [["museum"]], [["day"]]];

function specs(index: MiniSearch<Doc>): ConceptSpec[] {
  const reader = readerOf(index);
  const fields = (["title", "body"] as const).map((field) => ({
    fieldId: reader.fieldId(field),
    boost: BOOST[field],
  }));
  return concepts.map((alternatives) => alternatives.map((terms) => ({ terms, fields })));
}

/** The same query for MiniSearch's own search: AND of concepts, OR of alternatives, AND of terms. */
function miniSearchQuery(combineWith: "AND" | "OR"): Query {
  return {
    combineWith,
    queries: concepts.map((alternatives) => ({
      combineWith: "OR",
      queries: alternatives.map((terms) => ({ combineWith: combineWith, queries: terms })),
    })),
  };
}

function byId(index: MiniSearch<Doc>, matches: Scored[]): Record<string, number> {
  const reader = readerOf(index);
  return Object.fromEntries(
    matches.map((match): [string, number] => [String(reader.idOf(match.shortId)), match.score]),
  );
}

function expected(index: MiniSearch<Doc>, combineWith: "AND" | "OR"): Record<string, number> {
  const results = index.search(miniSearchQuery(combineWith), { boost: BOOST });
  return Object.fromEntries(results.map((result): [string, number] => [String(result.id), result.score]));
}

function expectSameScores(actual: Record<string, number>, wanted: Record<string, number>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(wanted).sort());
  for (const [id, score] of Object.entries(wanted)) expect(actual[id]).toBeCloseTo(score, 9);
}

describe("query evaluation over postings", () => {
  it("scores strict matches as MiniSearch's own search does", () => {
    const index = build();
    const evaluator = createEvaluator(readerOf(index), specs(index), readerOf(index).fieldId("title"));
    expectSameScores(byId(index, evaluator.strict(undefined)), expected(index, "AND"));
  });

  it("requires every concept but the optional ones, which only add to the score", () => {
    const index = build();
    const reader = readerOf(index);
    const withoutDay = createEvaluator(reader, specs(index).slice(0, 2), reader.fieldId("title"));
    const optionalDay = createEvaluator(reader, specs(index), reader.fieldId("title"), new Set([2]));
    const required = byId(index, withoutDay.strict(undefined));
    const scored = byId(index, optionalDay.strict(undefined));
    expect(Object.keys(scored).sort()).toEqual(Object.keys(required).sort());
    expect(scored.c).toBeCloseTo(required.c!, 9);
    expect(scored.e!).toBeGreaterThan(required.e!);
  });

  it("scores partial matches as an OR of every term", () => {
    const index = build();
    const evaluator = createEvaluator(readerOf(index), specs(index), readerOf(index).fieldId("title"));
    const all = evaluator.loose([0, 1, 2], undefined, (candidates) => candidates);
    const looseQuery: Query = {
      combineWith: "OR",
      queries: concepts.flat().map((terms) => ({ combineWith: "OR", queries: terms })),
    };
    const wanted = Object.fromEntries(
      index
        .search(looseQuery, { boost: BOOST })
        .map((result): [string, number] => [String(result.id), result.score]),
    );
    expectSameScores(byId(index, all), wanted);
  });

  it("tells which terms a match has: strictly, only those of complete alternatives", () => {
    const index = build();
    const reader = readerOf(index);
    const evaluator = createEvaluator(reader, specs(index), reader.fieldId("title"));
    const find = (matches: Scored[]): Scored => matches.find((match) => reader.idOf(match.shortId) === "e")!;
    const strict = find(evaluator.strict(undefined));
    expect(evaluator.matchedTerms(strict, true).sort()).toEqual(["cycling", "day", "museum"]);
    const loose = find(evaluator.loose([0, 1, 2], undefined, (all) => all));
    expect(evaluator.matchedTerms(loose, false).sort()).toEqual(["cycling", "day", "museum", "red"]);
  });

  it("takes candidates only from the seeds and lets the bound choose among them", () => {
    const index = build();
    const reader = readerOf(index);
    const evaluator = createEvaluator(reader, specs(index), reader.fieldId("title"));
    const seen: string[] = [];
    const matches = evaluator.loose([1], undefined, (candidates, titled) => {
      seen.push(...candidates.map((shortId) => String(reader.idOf(shortId))));
      return candidates.filter(titled);
    });
    expect(seen.sort()).toEqual(["b", "c", "e"]);
    expect(Object.keys(byId(index, matches)).sort()).toEqual(["c", "e"]);
  });

  it("skips documents that the filter refuses and those discarded since the last vacuum", () => {
    const index = build();
    index.discard("e");
    const reader = readerOf(index);
    const evaluator = createEvaluator(reader, specs(index), reader.fieldId("title"));
    const refuseB = (shortId: number): boolean => reader.idOf(shortId) !== "b";
    expect(
      Object.keys(
        byId(
          index,
          evaluator.loose([0, 1, 2], refuseB, (all) => all),
        ),
      ).sort(),
    ).toEqual(["a", "c"]);
  });

  it("lists the matched terms of a query with more terms than fit in bits", () => {
    const index = new MiniSearch<Doc>({ fields: ["title", "body"] });
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    index.add({ id: "long", title: "", body: words.join(" ") });
    const reader = readerOf(index);
    const fields = [{ fieldId: reader.fieldId("body"), boost: 1 }];
    const evaluator = createEvaluator(
      reader,
      words.map((word) => [{ terms: [word], fields }]),
      reader.fieldId("title"),
    );
    const [match] = evaluator.strict(undefined);
    expect(evaluator.matchedTerms(match!, true)).toEqual(words);
  });
});
