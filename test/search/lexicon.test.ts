import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadLexicon } from "../../src/data/lexicon.ts";
import { compileLexicon } from "../../src/search/lexicon.ts";
import { LexiconError, parseLexicon } from "../../src/search/index.ts";

describe("parseLexicon", () => {
  it("reads aliases as a mapping and synonyms as groups", () => {
    const lexicon = parseLexicon("中国矿业大学: [矿大, CUMT]\n", "- [扫墓, 祭扫]\n- [孤词]\n");
    expect(lexicon.aliases).toEqual({ 中国矿业大学: ["矿大", "CUMT"] });
    expect(lexicon.synonyms).toEqual([["扫墓", "祭扫"]]);
  });

  it("rejects a malformed file with a typed error", () => {
    expect(() => parseLexicon("- 矿大\n", "")).toThrow(LexiconError);
    expect(() => parseLexicon("", "a: b\n")).toThrow(LexiconError);
  });

  it("folds names so Traditional and upper-case spellings resolve", () => {
    const compiled = compileLexicon(parseLexicon("華中科技大學: [華科, HUST]\n", ""));
    expect(compiled.canonicalOf.get("华科")).toBe("华中科技大学");
    expect(compiled.canonicalOf.get("hust")).toBe("华中科技大学");
  });
});

describe("data files", () => {
  it("cover the commonly abbreviated universities and the listed synonym groups", async () => {
    const lexicon = await loadLexicon("data");
    const compiled = compileLexicon(lexicon);
    expect(
      Object.keys(lexicon.aliases).filter((name) => name.endsWith("大学")).length,
    ).toBeGreaterThanOrEqual(60);
    for (const abbreviation of [
      "西工大",
      "矿大",
      "华科",
      "北大",
      "清华",
      "哈工大",
      "武工程",
      "地大",
      "石大",
      "马院",
      "国科大",
      "西油",
      "上师大",
      "华中大",
      "川农",
    ]) {
      expect(compiled.canonicalOf.has(abbreviation), abbreviation).toBe(true);
    }
    expect(lexicon.synonyms.length).toBeGreaterThanOrEqual(30);
    const raw = await readFile("data/synonyms.yaml", "utf8");
    expect(raw).toContain("祭扫");
  });

  it("give each abbreviation one school, and never a word of everyday news", async () => {
    const { aliases } = await loadLexicon("data");
    const schoolsOf = new Map<string, string[]>();
    for (const [school, abbreviations] of Object.entries(aliases))
      for (const abbreviation of abbreviations)
        schoolsOf.set(abbreviation, [...(schoolsOf.get(abbreviation) ?? []), school]);
    expect([...schoolsOf].filter(([, schools]) => schools.length > 1)).toEqual([]);
    // 广大师生, 河北大地: read as schools, these would send common phrases to one university.
    for (const phrase of ["广大", "河北大", "山西大", "江南大", "公大"])
      expect(schoolsOf.has(phrase), phrase).toBe(false);
  });

  it("link the words students use to the wording of party-branch news", async () => {
    const compiled = compileLexicon(await loadLexicon("data"));
    const spellings = (word: string): string[] => compiled.phrases.get(word)?.alternatives ?? [];
    expect(spellings("毛主席老家")).toContain("韶山");
    expect(spellings("保洁阿姨")).toContain("环卫工人");
    expect(spellings("反腐")).toContain("警示教育");
    expect(spellings("骑单车")).toContain("骑行");
  });
});
