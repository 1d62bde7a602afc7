import type { SearchDoc } from "../../src/announcement.ts";

/**
 * Synthetic party-branch announcements with the skew of the real corpus: a handful of words
 * (党支部, 党员, 学习 …) in nearly every article, a few dozen recurring activity topics, people's
 * names the dictionary does not know, and the rest of the text drawn from the dictionary by a
 * Zipf law over its frequency order. Deterministic for a given seed.
 */

export interface Random {
  next(): number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const int = (max: number): number => Math.floor(next() * max);
  return { next, int, pick: (items) => items[int(items.length)]! };
}

const UBIQUITOUS = [
  "党支部",
  "党员",
  "学习",
  "活动",
  "开展",
  "支部",
  "学院",
  "组织",
  "精神",
  "教育",
  "同志",
  "书记",
];

export const TOPICS = [
  "主题党日",
  "清明祭扫",
  "烈士陵园",
  "联学共建",
  "样板党支部",
  "微党课",
  "读书会",
  "志愿服务",
  "乡村振兴",
  "红色教育基地",
  "组织生活会",
  "述职评议",
  "重温入党誓词",
  "党史学习教育",
  "二十大精神",
  "理论学习",
  "支部书记讲党课",
  "民主评议党员",
  "发展党员",
  "入党积极分子培训",
  "革命纪念馆",
  "社会实践",
  "科研攻关",
  "实验室安全",
  "毕业生党员",
  "新生党员",
  "结对帮扶",
  "社区服务",
  "无偿献血",
  "植树活动",
  "观看电影",
  "知识竞赛",
  "演讲比赛",
  "座谈交流",
  "专题研讨",
  "廉政教育",
  "国家安全教育",
  "劳动教育",
  "校史馆",
  "爱国主义教育",
];

export const SCHOOLS: { name: string; abbreviation: string }[] = [
  { name: "中国矿业大学", abbreviation: "矿大" },
  { name: "西北工业大学", abbreviation: "西工大" },
  { name: "华中科技大学", abbreviation: "华科" },
  { name: "北京大学", abbreviation: "北大" },
  { name: "清华大学", abbreviation: "清华" },
  { name: "中国人民大学", abbreviation: "人大" },
  { name: "哈尔滨工业大学", abbreviation: "哈工大" },
  { name: "北京航空航天大学", abbreviation: "北航" },
  { name: "南京大学", abbreviation: "南大" },
  { name: "浙江大学", abbreviation: "浙大" },
  { name: "复旦大学", abbreviation: "复旦" },
  { name: "上海交通大学", abbreviation: "上交" },
  { name: "武汉大学", abbreviation: "武大" },
  { name: "四川大学", abbreviation: "川大" },
  { name: "西安交通大学", abbreviation: "西交" },
  { name: "西安电子科技大学", abbreviation: "西电" },
  { name: "中山大学", abbreviation: "中大" },
  { name: "厦门大学", abbreviation: "厦大" },
  { name: "山东大学", abbreviation: "山大" },
  { name: "吉林大学", abbreviation: "吉大" },
  { name: "兰州大学", abbreviation: "兰大" },
  { name: "重庆大学", abbreviation: "重大" },
  { name: "中国地质大学", abbreviation: "地大" },
  { name: "中国石油大学", abbreviation: "石大" },
  { name: "武汉工程大学", abbreviation: "武工程" },
];

const UNITS = [
  "机械工程学院",
  "材料学院",
  "化工学院",
  "计算机学院",
  "马克思主义学院",
  "外国语学院",
  "经济管理学院",
  "安全工程学院",
];
const BRANCHES = [
  "研究生第一党支部",
  "本科生党支部",
  "教工党支部",
  "学生第二党支部",
  "博士生党支部",
  "离退休党支部",
];
const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵";
const GIVEN =
  "娜娜伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫斌宇浩凯健俊帆帅旭宁雪琳晨欣怡佳琪思源雅琴浩然晓雯国强立新文博婷";
const FUNCTION_WORDS = ["的", "了", "在", "和", "与", "为", "将", "等", "中", "对", "并", "也"];

export function makeNames(random: Random, count: number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const given =
      random.int(3) === 0 ? random.pick([...GIVEN]) : random.pick([...GIVEN]) + random.pick([...GIVEN]);
    names.add(random.pick([...SURNAMES]) + given);
  }
  return [...names];
}

/**
 * Samples dictionary ranks with probability ~ (rank + 20)^-ZIPF_EXPONENT; the exponent is set so
 * that an 820-character article has about as many distinct terms as real ones (~230, measured on
 * hand-written campus news of 300-900 characters and scaled by Heaps' law).
 */
const ZIPF_EXPONENT = 1.35;

function zipfSampler(size: number, random: Random): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) {
    total += (rank + 20) ** -ZIPF_EXPONENT;
    cumulative[rank] = total;
  }
  return () => {
    const target = random.next() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

export interface Corpus {
  docs: SearchDoc[];
  names: string[];
  /** For each document, the topics it is about. */
  topicsOf: Map<string, string[]>;
}

const TARGET_BODY_LENGTH = 820;

export function generateCorpus(count: number, vocabulary: string[], seed = 42): Corpus {
  const random = seededRandom(seed);
  const sample = zipfSampler(vocabulary.length, random);
  const names = makeNames(random, Math.max(200, Math.floor(count / 20)));
  const docs: SearchDoc[] = [];
  const topicsOf = new Map<string, string[]>();
  const start = Date.UTC(2018, 0, 1);
  const span = Date.UTC(2025, 11, 31) - start;
  for (let n = 0; n < count; n++) {
    const id = `a${n.toString(36)}`;
    const school = random.pick(SCHOOLS);
    const partner = random.pick(SCHOOLS);
    const topics = [random.pick(TOPICS), random.pick(TOPICS)];
    const people = [random.pick(names), random.pick(names), random.pick(names)];
    const date = new Date(start + random.next() * span);
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const unit = random.pick(UNITS);
    const branch = random.pick(BRANCHES);
    const title =
      random.int(2) === 0
        ? `${unit}${branch}开展${topics[0]}活动`
        : `${unit}${branch}与${partner.abbreviation}${random.pick(UNITS)}开展${topics[0]}`;
    const specials = [
      ...UBIQUITOUS.filter(() => random.next() < 0.85),
      ...UBIQUITOUS.filter(() => random.next() < 0.5),
      ...topics,
      ...topics,
      topics[0]!,
      ...people,
      unit,
      branch,
      `${month}月${day}日`,
      partner.abbreviation,
    ];
    let body = `${month}月${day}日，${unit}${branch}开展${topics[0]}活动。`;
    while (body.length < TARGET_BODY_LENGTH) {
      const words: string[] = [];
      const sentenceLength = 8 + random.int(14);
      for (let w = 0; w < sentenceLength; w++) {
        const roll = random.next();
        if (roll < 0.12 && specials.length > 0) words.push(specials[random.int(specials.length)]!);
        else if (roll < 0.3) words.push(random.pick(FUNCTION_WORDS));
        else words.push(vocabulary[sample()]!);
      }
      body += words.join("") + (random.int(3) === 0 ? "。" : "，");
    }
    docs.push({
      id,
      url: `https://news.example.edu.cn/${id}.htm`,
      title,
      date: date.toISOString().slice(0, 10),
      sourceId: `src-${school.abbreviation}`,
      school: school.name,
      text: body.slice(0, TARGET_BODY_LENGTH - 1) + "。",
    });
    topicsOf.set(id, topics);
  }
  return { docs, names, topicsOf };
}

/** Chat-style questions about documents of the corpus. */
export function generateQueries(corpus: Corpus, count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  const queries: string[] = [];
  const abbreviationOf = new Map(SCHOOLS.map((school) => [school.name, school.abbreviation]));
  for (let i = 0; i < count; i++) {
    const doc = random.pick(corpus.docs);
    const [topic, other] = corpus.topicsOf.get(doc.id) ?? ["主题党日", "读书会"];
    const abbreviation = abbreviationOf.get(doc.school) ?? "矿大";
    const [year, month] = doc.date.split("-");
    const templates = [
      () => `${abbreviation}的${topic}`,
      () => `有没有${topic}的新闻`,
      () => `${random.pick(corpus.names)}`,
      () => `${year}年${Number(month)}月 ${topic}`,
      () => `${abbreviation}和${random.pick(SCHOOLS).abbreviation}的${topic}`,
      () => doc.title.slice(2, 14),
      () => `研究生党支部${other}`,
      () => `最近一个月的${topic}`,
      () => `${topic} ${other}`,
      () => `党支部学习`,
    ];
    queries.push(random.pick(templates)());
  }
  return queries;
}
