import { describe, expect, it } from "vitest";
import { findDates, mentionTerms, parseQueryDate } from "../../src/search/dates.ts";
import { fold } from "../../src/search/normalize.ts";
import { compileLexicon } from "../../src/search/lexicon.ts";
import { documentTerms, phraseTerms } from "../../src/search/tokenizer.ts";
import { dictionaryWords } from "./fixtures.ts";

const { dictionary: segment } = compileLexicon({ aliases: {}, synonyms: [], words: dictionaryWords() });
const terms = (text: string, year?: number): string[] => [...new Set(documentTerms(text, segment, year))];

describe("fold", () => {
  it("turns Traditional into Simplified, full-width into half-width and upper into lower case", () => {
    expect(fold("華中科技大學 黨支部")).toBe("华中科技大学 党支部");
    expect(fold("ＣＵＭＴ　２０２４")).toBe("cumt 2024");
  });

  it("keeps the length so offsets map back to the original", () => {
    const text = "臺灣Ａ\u0007黨😀支部";
    expect(fold(text)).toHaveLength(text.length);
  });
});

describe("document terms", () => {
  it("indexes dictionary words, and the dictionary words inside long ones", () => {
    expect(terms("样板党支部").sort()).toEqual(["样板", "样板党支部", "党支部", "支部"].sort());
    expect(terms("研究生参加活动")).toEqual(expect.arrayContaining(["研究生", "研究", "参加", "活动"]));
  });

  it("gives Traditional and Simplified text the same terms", () => {
    expect(terms("華中科技大學黨支部")).toEqual(terms("华中科技大学党支部"));
  });

  it("turns unknown names into bigrams, and pairs a lone unknown character with its neighbours", () => {
    expect(terms("药卓党支部")).toEqual(expect.arrayContaining(["药卓", "党支部"]));
    expect(terms("朱娜娜同志")).toEqual(expect.arrayContaining(["娜娜", "朱娜"]));
    expect(phraseTerms("朱娜娜", segment)).toEqual(expect.arrayContaining(["朱娜", "娜娜"]));
  });

  it("splits mixed scripts into Chinese words and Latin or digit words", () => {
    expect(terms("CUMT党支部AI学习2024")).toEqual(
      expect.arrayContaining(["cumt", "党支部", "ai", "学习", "2024"]),
    );
  });

  it("skips grammar words and does not pair across punctuation, emoji or control characters", () => {
    const found = terms("党员😀学习\u0000支部，的活动");
    expect(found).toEqual(expect.arrayContaining(["党员", "学习", "支部", "活动"]));
    expect(found).not.toContain("的");
    expect(found.some((term) => term.includes("😀"))).toBe(false);
  });

  it("handles empty and very long input", () => {
    expect(documentTerms("", segment)).toEqual([]);
    const long = "党支部开展主题党日活动学习二十大精神。".repeat(600).slice(0, 10_000);
    const found = documentTerms(long, segment);
    expect(found.filter((term) => term === "党支部").length).toBeGreaterThan(500);
  });
});

describe("dates", () => {
  it("makes 2024年5月, 2024-05-05 and 2024.5.5 meet on the month", () => {
    const month = mentionTerms(findDates("2024年5月")[0]!);
    const iso = mentionTerms(findDates("2024-05-05")[0]!);
    const dotted = mentionTerms(findDates("2024.5.5 会议")[0]!);
    expect(iso).toEqual(dotted);
    expect(iso).toEqual(expect.arrayContaining(month));
  });

  it("dates a month and day by the article's year", () => {
    expect(terms("5月16日下午", 2023)).toEqual(expect.arrayContaining(["\u0001m202305", "\u0001d20230516"]));
    expect(findDates("5月16日")).toEqual([]);
  });

  it("indexes a month and day without a year when the article's year is unknown", () => {
    expect(terms("12月9日下午")).toEqual(expect.arrayContaining(["\u0001n12", "\u0001n1209"]));
    expect(terms("12月9日下午", 2023)).not.toContain("\u0001n12");
  });

  it("ignores numbers that are not dates", () => {
    expect(findDates("电话0516-83590000，房间308")).toEqual([]);
    expect(findDates("2024-13-40")).toEqual([]);
  });

  it("reads relative periods in queries against the given clock", () => {
    const now = new Date("2025-06-15T04:00:00Z");
    expect(parseQueryDate("去年的主题党日", now)?.range).toMatchObject({
      from: "2024-01-01",
      to: "2024-12-31",
    });
    expect(parseQueryDate("最近一个月", now)?.range).toMatchObject({ from: "2025-05-15", to: "2025-06-15" });
    expect(parseQueryDate("2025年6月 党课", now)?.range).toMatchObject({
      from: "2025-06-01",
      to: "2025-06-30",
    });
    expect(parseQueryDate("清明祭扫", now)).toBeUndefined();
    expect(parseQueryDate("12月9日 党课", now)?.range).toMatchObject({
      from: "2024-12-08",
      to: "2024-12-16",
    });
    expect(parseQueryDate("6月9日 党课", now)?.range).toMatchObject({ from: "2025-06-08", to: "2025-06-16" });
  });
});
