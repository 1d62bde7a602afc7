import { describe, expect, it } from "vitest";
import { createSearchIndex, type SearchIndex } from "../../src/search/index.ts";
import type { SearchDoc } from "../../src/announcement.ts";
import { loadLexicon } from "../../src/data/lexicon.ts";
import { doc, testLexicon } from "./fixtures.ts";

/** One test per pattern of missed articles seen on questions nobody tuned for (issue #11). */

const lexicon = testLexicon();
const now = new Date("2025-06-20T00:00:00Z");

function indexOf(docs: SearchDoc[]): SearchIndex {
  const index = createSearchIndex({ lexicon });
  for (const item of docs) index.upsert(item);
  return index;
}

const ids = (index: SearchIndex, query: string): string[] =>
  index.search(query, { now }).hits.map((hit) => hit.id);

/** Articles about other things, so that the words of the tests are not everywhere. */
const others = (count: number): SearchDoc[] =>
  Array.from({ length: count }, (_, i) =>
    doc({
      id: `other${i}`,
      title: `学生党支部开展主题党日活动（${i + 1}）`,
      text: "党员集中学习党的二十大精神，交流心得体会。",
    }),
  );

describe("a question word that is one long dictionary entry", () => {
  const index = indexOf([
    doc({ id: "whole", title: "教工党支部举办读书分享会", text: "党员交流读书心得。" }),
    doc({ id: "between", title: "机电学院教工第一党支部开展读书分享会", text: "支部党员分享阅读体会。" }),
    doc({
      id: "order",
      title: "读书分享会在图书馆举行",
      text: "化工学院党支部（教工）组织党员举办读书分享会。",
    }),
    doc({ id: "synonym", title: "教职工党支部读书分享会", text: "党员交流学习体会。" }),
    doc({ id: "shorter", title: "外语学院教工支部读书分享会", text: "全体党员参加。" }),
    ...others(20),
  ]);

  it("also finds articles that write it with a word in between, a shorter form or another order", () => {
    expect(ids(index, "教工党支部读书会").slice(0, 5).sort()).toEqual(
      ["between", "order", "shorter", "synonym", "whole"].sort(),
    );
  });

  it("puts the article with the whole word first", () => {
    expect(ids(index, "教工党支部读书会")[0]).toBe("whole");
  });
});

describe("an everyday single character in a question", () => {
  const index = indexOf([
    doc({
      id: "weixiu1",
      title: "党员志愿者为社区居民维修家电",
      text: "机电学院党支部党员上门维修家电二十余台。",
    }),
    doc({ id: "weixiu2", title: "义务维修家电进社区", text: "党员服务队为老人检修家电，讲解用电安全。" }),
    doc({ id: "weixiu3", title: "家电维修服务队走进敬老院", text: "党员为老人修理家电、清洗空调。" }),
    // 修 paired with its neighbour, by chance, in an article about something else.
    doc({ id: "jiapu", title: "修家谱传家风主题党日", text: "党员讲述修家谱的故事，传承优良家风。" }),
    ...others(20),
  ]);

  it("does not let its pairings with neighbours outrank the words that matter", () => {
    expect(ids(index, "党员帮居民修家电").slice(0, 3).sort()).toEqual(["weixiu1", "weixiu2", "weixiu3"]);
  });

  it("still prefers, among the articles with the other words, one that writes it", () => {
    const both = indexOf([
      ...others(20),
      doc({ id: "juanyi", title: "党员捐衣物送温暖", text: "为山区儿童捐衣物。" }),
      doc({ id: "yiwu", title: "党员整理衣物送温暖", text: "整理衣物送往山区。" }),
    ]);
    expect(ids(both, "捐衣物")).toEqual(["juanyi", "yiwu"]);
  });
});

describe("fewer strict matches than a page", () => {
  const index = indexOf([
    doc({ id: "all", title: "化学院党支部清明节赴烈士陵园祭扫", text: "党员向烈士敬献花篮，重温入党誓词。" }),
    doc({ id: "part1", title: "党员清明祭扫", text: "党员缅怀先烈。" }),
    doc({ id: "part2", title: "党支部祭扫革命先烈", text: "党员在纪念碑前默哀。" }),
    doc({ id: "part3", title: "党员祭扫活动", text: "党员学习革命历史。" }),
    ...others(20),
  ]);

  it("puts the strict matches first and fills the page with the best partial ones", () => {
    const found = ids(index, "化学院 清明 烈士陵园 祭扫 花篮 誓词");
    expect(found[0]).toBe("all");
    expect(found.slice(1, 4).sort()).toEqual(["part1", "part2", "part3"]);
  });
});

describe("a date in the question", () => {
  const index = indexOf([
    doc({
      id: "dated",
      title: "机械学院党支部开展主题党日活动",
      text: "党员参观校史馆。",
      date: "2024-10-21",
    }),
    doc({
      id: "textDay",
      title: "电气学院党支部主题党日",
      text: "10月20日下午，党员赴纪念馆参观学习。",
      date: "",
    }),
    doc({ id: "undated", title: "土木学院党支部开展主题党日活动", text: "党员集中学习。", date: "" }),
    doc({
      id: "otherYear",
      title: "化工学院党支部主题党日活动",
      text: "党员重温入党誓词。",
      date: "2023-10-20",
    }),
    ...others(20).map((item) => ({ ...item, title: "学生党支部读书分享会", date: "2024-03-01" })),
  ]);

  it("keeps articles without a stored date, below those whose date or text meets it", () => {
    const found = ids(index, "2024年10月 主题党日");
    expect(found.slice(0, 2).sort()).toEqual(["dated", "textDay"]);
    expect(found[2]).toBe("undated");
    expect(found).not.toContain("otherYear");
  });

  it("reads a month and day without a year as the last such day", () => {
    const found = ids(index, "10月20日的主题党日");
    expect(found.slice(0, 2).sort()).toEqual(["dated", "textDay"]);
  });
});

describe("a paraphrase in everyday words", () => {
  it("meets the news prose's expression for the same activity through data/synonyms.yaml", async () => {
    const index = createSearchIndex({ lexicon: await loadLexicon("data") });
    for (const item of [
      doc({ id: "qingsao", title: "党员志愿者走进社区清扫楼道", text: "学生党支部党员为社区居民清扫楼道。" }),
      doc({ id: "piping", title: "研究生党支部召开组织生活会", text: "党员开展批评与自我批评，查摆问题。" }),
      ...others(20),
    ])
      index.upsert(item);
    expect(index.search("党员去社区搞卫生", { now }).hits[0]?.id).toBe("qingsao");
    expect(index.search("开会互相提意见", { now }).hits[0]?.id).toBe("piping");
  });
});

describe("a question none of whose words is found", () => {
  it("falls back to titles sharing most of its pairs of neighbouring characters", () => {
    const index = indexOf([
      // Cut 南京市/长江大桥: no term 市长.
      doc({ id: "daqiao", title: "南京市长江大桥党员先锋岗", text: "党员志愿者义务讲解大桥历史。" }),
      doc({ id: "unrelated", title: "化工学院党支部读书分享会", text: "党员交流读书心得。" }),
      ...others(20),
    ]);
    expect(ids(index, "市长")).toEqual(["daqiao"]);
    expect(ids(index, "量子计算机")).toEqual([]);
  });
});

describe("pseudo-relevance feedback", () => {
  it("finds partial matches through the words of the best strict match's title", () => {
    const index = indexOf([
      doc({ id: "guanying", title: "党支部观影《长津湖》 重温抗美援朝历史", text: "党员集体观看电影。" }),
      doc({ id: "kangmei", title: "学生党支部重温抗美援朝历史", text: "党员参观纪念馆，聆听老兵讲述。" }),
      ...others(20),
    ]);
    expect(ids(index, "长津湖 观影")).toEqual(["guanying", "kangmei"]);
  });
});
