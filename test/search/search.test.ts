import { describe, expect, it } from "vitest";
import {
  createSearchIndex,
  loadSearchIndex,
  SnapshotError,
  type SearchIndex,
} from "../../src/search/index.ts";
import { parseLexicon } from "../../src/search/index.ts";
import { generateCorpus, generateQueries } from "../bench/synthetic.ts";
import { dictionaryWords, doc, smallCorpus, testLexicon } from "./fixtures.ts";

const lexicon = testLexicon();
const now = new Date("2025-06-20T00:00:00Z");

function build(): SearchIndex {
  const index = createSearchIndex({ lexicon });
  for (const item of smallCorpus()) index.upsert(item);
  return index;
}

const ids = (index: SearchIndex, query: string, options = {}): string[] =>
  index.search(query, { now, ...options }).hits.map((hit) => hit.id);

describe("ranking", () => {
  const index = build();

  it("finds a known item from a paraphrase of its title", () => {
    expect(ids(index, "药卓支部入选样板支部")[0]).toBe("yangban");
  });

  it("puts the document matching every concept above those matching common words", () => {
    expect(ids(index, "研究生党支部清明去烈士陵园")[0]).toBe("qingming");
  });

  it("ranks by the words asked about when the school named is every article's school", () => {
    const oneSchool = createSearchIndex({ lexicon });
    oneSchool.upsert(
      doc({
        id: "fazhan",
        title: "矿业工程学院本科生第一党支部召开党员发展大会",
        text: "讨论接收预备党员。",
      }),
    );
    oneSchool.upsert(
      doc({ id: "jisao", title: "研究生第三党支部赴烈士纪念塔开展清明祭扫活动", text: "全体党员敬献花篮。" }),
    );
    oneSchool.upsert(doc({ id: "dushu", title: "机关第五党支部举办读书分享会", text: "交流读书心得。" }));
    expect(ids(oneSchool, "矿大 清明扫墓")[0]).toBe("jisao");
  });

  it("finds a party-building word inside a longer one", () => {
    expect(ids(index, "联学")).toContain("gongjian");
    expect(ids(index, "党日")).toContain("dangri");
  });

  it("finds a person by name", () => {
    expect(ids(index, "朱娜娜")).toEqual(["danche"]);
  });

  it("drops chat filler", () => {
    expect(ids(index, "有没有关于清明祭扫的新闻啊")[0]).toBe("qingming");
  });

  it("answers Traditional-script queries", () => {
    expect(ids(index, "藥卓黨支部 樣板")[0]).toBe("yangban");
  });

  it("returns nothing for a query with no known word", () => {
    expect(index.search("量子计算机", { now }).total).toBe(0);
    expect(index.search("", { now }).total).toBe(0);
  });

  it("pages with offset and limit and reports the total", () => {
    const all = index.search("党支部 学习", { now, limit: 100 });
    const page = index.search("党支部 学习", { now, offset: 1, limit: 2 });
    expect(page.total).toBe(all.total);
    expect(page.hits.map((hit) => hit.id)).toEqual(all.hits.slice(1, 3).map((hit) => hit.id));
  });
});

describe("aliases and synonyms", () => {
  const index = build();

  it("expands a school abbreviation to the school field and the text", () => {
    expect(ids(index, "华科 样板支部")[0]).toBe("yangban");
    expect(ids(index, "西工大 共建")[0]).toBe("gongjian");
  });

  it("finds a school's articles even when the body never names it", () => {
    expect(ids(index, "南京大学")).toContain("danche");
    expect(ids(index, "南大 党支部")[0]).toBe("danche");
  });

  it("matches synonyms", () => {
    expect(ids(index, "骑单车参观红色基地")[0]).toBe("danche");
    expect(ids(index, "清明扫墓")[0]).toBe("qingming");
    expect(ids(index, "矿大和西工大的样板支部联建")[0]).toBe("gongjian");
  });

  it("finds an article that writes a lexicon phrase apart, rather than nothing", () => {
    const lexiconWithPlace = {
      ...parseLexicon("", "- [毛主席老家, 韶山]\n- [主题党日, 党日活动]\n"),
      words: dictionaryWords(),
    };
    const places = createSearchIndex({ lexicon: lexiconWithPlace });
    places.upsert(
      doc({ id: "apart", title: "党支部赴毛主席的老家开展主题党日", text: "党员们重温入党誓词。" }),
    );
    places.upsert(doc({ id: "other", title: "党支部开展主题党日活动", text: "党员们学习党史。" }));
    expect(places.search("毛主席老家", { now }).hits.map((hit) => hit.id)).toEqual(["apart"]);
  });

  it("does not read an abbreviation inside a longer word", () => {
    const parsed = index.search("河南大学", { now });
    expect(parsed.query.terms).not.toContain("南京大学");
  });
});

describe("filters", () => {
  const index = build();

  it("parses a calendar month from the query", () => {
    const result = index.search("2025年6月 主题党日", { now });
    expect(result.query.filters).toMatchObject({ from: "2025-06-01", to: "2025-06-30" });
    expect(result.hits.map((hit) => hit.id)).toEqual(["dangri"]);
  });

  it("parses years and relative periods", () => {
    expect(ids(index, "2024年 共建")).toEqual(["gongjian"]);
    expect(ids(index, "去年 清明祭扫")).toEqual(["qingming"]);
    expect(ids(index, "最近一个月的主题党日")).toEqual(["dangri"]);
  });

  it("answers from any time, and says so, when the named period holds nothing", () => {
    const result = index.search("2023年 共建", { now });
    expect(result.hits.map((hit) => hit.id)).toEqual(["gongjian"]);
    expect(result.query.widenedFrom).toEqual({ from: "2023-01-01", to: "2023-12-31" });
    expect(result.query.filters.from).toBeUndefined();
    expect(index.search("2024年 共建", { now }).query.widenedFrom).toBeUndefined();
  });

  it("lets a date mentioned in the text satisfy a month filter", () => {
    const index2 = createSearchIndex({ lexicon });
    index2.upsert(
      doc({
        id: "late",
        title: "主题党日回顾",
        text: "2024年5月30日，支部开展主题党日。",
        date: "2024-06-03",
      }),
    );
    expect(ids(index2, "2024年5月 主题党日")).toEqual(["late"]);
  });

  it("applies explicit school, source and date filters", () => {
    expect(ids(index, "党支部", { filters: { school: "华科" } })).toEqual(["yangban"]);
    expect(ids(index, "党支部", { filters: { sourceIds: ["nju-news"] } })).toEqual(["danche"]);
    expect(ids(index, "党支部", { filters: { from: "2025-01-01" } }).sort()).toEqual(["dangri", "generic"]);
  });

  it("lists the newest documents for a query made only of a period", () => {
    expect(ids(index, "2024年的新闻")).toEqual(["gongjian", "qingming"]);
  });
});

describe("incremental updates", () => {
  it("adds, replaces and removes one document without a rebuild", () => {
    const index = build();
    expect(index.size).toBe(6);
    index.upsert(
      doc({ id: "new", title: "新闻学院党支部开展读书会", text: "党员共读《习近平的七年知青岁月》。" }),
    );
    expect(index.size).toBe(7);
    expect(ids(index, "读书会")).toEqual(["new"]);
    index.upsert(doc({ id: "new", title: "新闻学院党支部开展观影活动", text: "党员观看电影《长津湖》。" }));
    expect(index.size).toBe(7);
    expect(ids(index, "读书会")).toEqual([]);
    expect(ids(index, "长津湖")).toEqual(["new"]);
    index.remove("new");
    expect(index.has("new")).toBe(false);
    expect(ids(index, "长津湖")).toEqual([]);
    index.remove("missing");
    expect(index.size).toBe(6);
  });

  it("frees replaced postings on vacuum and keeps answering", async () => {
    const index = build();
    index.upsert(doc({ id: "qingming", title: "改版", text: "内容已更新为读书会。", date: "2024-04-03" }));
    await index.vacuum?.();
    expect(ids(index, "烈士陵园")).not.toContain("qingming");
    expect(ids(index, "读书会")).toEqual(["qingming"]);
  });

  it("indexes a word again after vacuum dropped its last postings", async () => {
    const index = build();
    index.upsert(doc({ id: "once", title: "长津湖观影", text: "党员观看电影《长津湖》。" }));
    index.remove("once");
    await index.vacuum?.();
    expect(ids(index, "长津湖")).toEqual([]);
    index.upsert(doc({ id: "again", title: "再看长津湖", text: "党员再次观看《长津湖》。" }));
    expect(ids(index, "长津湖")).toEqual(["again"]);
    const reloaded = loadSearchIndex(index.serialize(), { lexicon });
    expect(ids(reloaded, "长津湖")).toEqual(["again"]);
  });

  it("keeps answering correctly across many replacements (compaction)", () => {
    const index = createSearchIndex({ lexicon });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 800; i++) {
        index.upsert(
          doc({
            id: `d${i}`,
            title: `第${round}轮 支部 ${i}`,
            text: `编号${i}的党支部第${round}轮学习记录。`,
          }),
        );
      }
    }
    expect(index.size).toBe(800);
    expect(ids(index, "编号517")).toEqual(["d517"]);
    expect(index.search("第2轮", { now, limit: 1000 }).total).toBe(800);
  });
});

describe("snapshot", () => {
  it("round-trips to an index that answers the same", () => {
    const index = build();
    index.remove("generic");
    const restored = loadSearchIndex(index.serialize(), { lexicon });
    expect(restored.size).toBe(index.size);
    for (const query of ["药卓支部入选样板支部", "南大 党支部", "2024年 共建", "朱娜娜"]) {
      expect(restored.search(query, { now })).toEqual(index.search(query, { now }));
    }
    restored.upsert(doc({ id: "after", title: "读书会", text: "支部读书会。" }));
    expect(ids(restored, "读书会")).toEqual(["after"]);
  });

  it("refuses a snapshot of another format version", () => {
    const snapshot = build().serialize();
    snapshot.writeUInt32LE(999, 4);
    expect(() => loadSearchIndex(snapshot, { lexicon })).toThrow(SnapshotError);
    try {
      loadSearchIndex(snapshot, { lexicon });
    } catch (error) {
      expect((error as SnapshotError).reason).toBe("version");
    }
  });

  it("refuses corrupt or truncated snapshots", () => {
    const snapshot = build().serialize();
    const flipped = Buffer.from(snapshot);
    flipped[flipped.length - 10]! ^= 0xff;
    expect(() => loadSearchIndex(flipped, { lexicon })).toThrow(SnapshotError);
    expect(() => loadSearchIndex(snapshot.subarray(0, snapshot.length - 100), { lexicon })).toThrow(
      SnapshotError,
    );
    expect(() => loadSearchIndex(Buffer.from("not a snapshot"), { lexicon })).toThrow(SnapshotError);
  });

  it("refuses a snapshot made with other school names", () => {
    const snapshot = build().serialize();
    const other = { ...lexicon, aliases: { ...lexicon.aliases, 浙江大学: ["浙大"] } };
    expect(() => loadSearchIndex(snapshot, { lexicon: other })).toThrow(SnapshotError);
  });
});

describe("large indexes", () => {
  it("drops body postings of words in most articles, and still answers with them", () => {
    const index = createSearchIndex({ lexicon });
    for (let i = 0; i < 1500; i++) {
      index.upsert(
        doc({
          id: `n${i}`,
          title: i % 100 === 0 ? `党支部学习会第${i}期` : `第${i}期简报`,
          text: `党支部组织党员学习，编号${i}。`,
          date: "2024-03-01",
        }),
      );
    }
    expect(ids(index, "党支部 编号1234")[0]).toBe("n1234");
    const titles = index.search("党支部学习", { now, limit: 100 });
    expect(titles.hits.length).toBeGreaterThan(0);
    expect(titles.hits.every((hit) => Number(hit.id.slice(1)) % 100 === 0)).toBe(true);
    const restored = loadSearchIndex(index.serialize(), { lexicon });
    restored.upsert(doc({ id: "late", title: "简报", text: "党支部组织党员学习，编号99999。" }));
    expect(ids(restored, "编号99999")).toEqual(["late"]);
  });

  it("ranks every page as it ranks all matches, though it rescores only what can reach a page", () => {
    const corpus = generateCorpus(3000, dictionaryWords().slice(0, 20_000));
    const index = createSearchIndex({ lexicon });
    for (const item of corpus.docs) index.upsert(item);
    for (const query of generateQueries(corpus, 40)) {
      const all = index.search(query, { now, limit: 5000 });
      const page = index.search(query, { now, limit: 10 });
      expect(page.total, query).toBe(all.total);
      expect(page.hits, query).toEqual(all.hits.slice(0, 10));
      const next = index.search(query, { now, offset: 10, limit: 10 });
      expect(next.hits, query).toEqual(all.hits.slice(10, 20));
    }
  });
});
