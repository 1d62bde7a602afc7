import type { SearchDoc } from "../../src/announcement.ts";
import { readFileSync } from "node:fs";
import { parseLexicon, parseWordList, type Lexicon } from "../../src/search/index.ts";

const ALIASES = `
中国矿业大学: [矿大, 中国矿大]
西北工业大学: [西工大, 西北工大]
华中科技大学: [华科, 华中科大]
南京大学: [南大]
马克思主义学院: [马院]
`;

const SYNONYMS = `
- [扫墓, 祭扫]
- [参观, 瞻仰, 走进]
- [单车, 自行车]
- [共建, 联建, 结对]
- [主题党日, 党日活动]
`;

export const dictionaryWords = (): string[] => parseWordList(readFileSync("data/words.txt", "utf8"));

export function testLexicon(): Lexicon {
  return { ...parseLexicon(ALIASES, SYNONYMS), words: dictionaryWords() };
}

let counter = 0;

export function doc(fields: Partial<SearchDoc> & Pick<SearchDoc, "title" | "text">): SearchDoc {
  counter++;
  return {
    id: fields.id ?? `doc${counter}`,
    url: fields.url ?? `https://example.edu.cn/${counter}.htm`,
    date: fields.date ?? "2024-05-20",
    sourceId: fields.sourceId ?? "cumt-news",
    school: fields.school ?? "中国矿业大学",
    ...fields,
  };
}

/** A small corpus where every document talks about 党支部 and 学习, as the real one does. */
export function smallCorpus(): SearchDoc[] {
  return [
    doc({
      id: "gongjian",
      title: "安全学院党支部与西工大航海学院党支部开展联学共建",
      text: "5月16日，安全学院本科生第一党支部与西工大航海学院学生党支部开展联学共建活动。双方签订共建协议，党员代表交流学习体会。",
      date: "2024-05-18",
    }),
    doc({
      id: "yangban",
      title: "药卓党支部入选全国样板党支部",
      text: "近日，教育部公布第三批全国党建工作样板支部名单，我院药卓党支部入选。支部坚持党建引领，党员学习氛围浓厚。",
      date: "2023-11-02",
      school: "华中科技大学",
      sourceId: "hust-news",
    }),
    doc({
      id: "qingming",
      title: "研究生党支部清明祭扫烈士陵园",
      text: "4月3日，研究生第二党支部前往烈士陵园开展清明祭扫活动，党员们敬献花篮，重温入党誓词，学习革命先烈事迹。",
      date: "2024-04-03",
    }),
    doc({
      id: "danche",
      title: "教工党支部骑自行车寻访红色足迹",
      text: "教工党支部组织党员骑自行车前往红色教育基地，参观革命历史陈列馆，学习党史。朱娜娜同志讲解了基地历史。",
      date: "2022-06-10",
      school: "南京大学",
      sourceId: "nju-news",
    }),
    doc({
      id: "dangri",
      title: "化工学院党支部开展主题党日活动",
      text: "2025年6月12日，化工学院学生党支部开展主题党日活动，集中学习党的二十大精神，党员交流心得体会。",
      date: "2025-06-12",
    }),
    doc({
      id: "generic",
      title: "党支部组织党员学习",
      text: "党支部组织全体党员学习，党员们表示要把学习成果转化为工作动力。党支部书记作总结。",
      date: "2025-01-08",
    }),
  ];
}
