import { describe, expect, it } from "vitest";
import { matchesKeyword, wordsNotFound } from "../../src/search/index.ts";
import { testLexicon } from "./fixtures.ts";

const lexicon = testLexicon();
const doc = {
  title: "药卓党支部入选全国样板党支部",
  text: "近日，我院药卓党支部入选第三批全国党建工作样板党支部。支部党员前往烈士陵园祭扫。",
  school: "华中科技大学",
};

describe("matchesKeyword", () => {
  it("matches a keyword written differently from the text, as search does", () => {
    expect(matchesKeyword(doc, "样板支部", lexicon)).toBe(true);
    expect(matchesKeyword(doc, "樣板黨支部", lexicon)).toBe(true);
    expect(matchesKeyword(doc, "扫墓", lexicon)).toBe(true);
  });

  it("matches a school by abbreviation through the school field", () => {
    expect(matchesKeyword(doc, "华科", lexicon)).toBe(true);
    expect(matchesKeyword(doc, "矿大", lexicon)).toBe(false);
  });

  it("requires every word of the keyword", () => {
    expect(matchesKeyword(doc, "样板支部 读书会", lexicon)).toBe(false);
    expect(matchesKeyword(doc, "主题党日", lexicon)).toBe(false);
  });

  it("does not require a lone everyday character, as search does not", () => {
    expect(matchesKeyword(doc, "去烈士陵园", lexicon)).toBe(true);
    expect(matchesKeyword(doc, "捐烈士陵园", lexicon)).toBe(true);
  });

  it("matches nothing with an empty or filler-only keyword", () => {
    expect(matchesKeyword(doc, "", lexicon)).toBe(false);
    expect(matchesKeyword(doc, "的", lexicon)).toBe(false);
  });
});

describe("wordsNotFound", () => {
  it("names the words of a question that none of the answers hold, as the user wrote them", () => {
    expect(wordsNotFound("样板支部 读书会 华科", [doc], lexicon)).toEqual(["读书会"]);
    expect(wordsNotFound("樣板黨支部 扫墓", [doc], lexicon)).toEqual([]);
  });

  it("counts a word found in any of the answers, and ignores dates and filler", () => {
    const other = { title: "读书会", text: "支部举行读书会。", school: "中国矿业大学" };
    expect(wordsNotFound("2024年5月 的 样板支部 读书会", [doc, other], lexicon)).toEqual([]);
    expect(wordsNotFound("矿大 主题党日", [doc], lexicon)).toEqual(["矿大", "主题党日"]);
    expect(wordsNotFound("样板支部 火星探测", [doc], lexicon)).toEqual(["火星探测"]);
  });
});
