import { describe, expect, it } from "vitest";
import { linkedTitle } from "../../src/bot/format.ts";
import { composeDigest, oneLineSummary } from "../../src/digest/compose.ts";
import { defaultSettings, type SubscriptionSettings } from "../../src/digest/subscription.ts";
import { assertValidTelegramHtml, includesKeyword, makeAnnouncement, testSources } from "./support.ts";

const now = new Date("2024-05-06T00:00:00Z");
const compose = (
  announcements: Parameters<typeof composeDigest>[0]["announcements"],
  settings?: Partial<SubscriptionSettings>,
  itemCap = 30,
) =>
  composeDigest({
    announcements,
    settings: { ...defaultSettings("Asia/Shanghai"), ...settings },
    sources: testSources,
    matchKeyword: includesKeyword,
    itemCap,
    now,
  });

describe("digest composition", () => {
  it("heads a section with what it really holds: the source and all its schools", () => {
    const fromSchool = (school: string, n: number) =>
      Array.from({ length: n }, () => makeAnnouncement({ sourceId: "nwpu", school }));
    const text =
      compose([
        ...fromSchool("中国矿业大学", 5),
        ...fromSchool("西北工业大学", 3),
        ...fromSchool("华中科技大学", 2),
        makeAnnouncement(),
      ])?.parts[0] ?? "";
    expect(text).toContain("<b>🏫 西工大党建网 · 中国矿业大学、西北工业大学 等 3 校</b>");
    expect(text).toContain("<b>🏫 中国矿业大学 · 矿大党委组织部</b>");
    const two = compose([...fromSchool("中国矿业大学", 1), ...fromSchool("西北工业大学", 1)])?.parts[0];
    expect(two).toContain("<b>🏫 西工大党建网 · 西北工业大学、中国矿业大学</b>");
  });

  it("leaves out what was published before the look-back window, however late it arrived", () => {
    const old = makeAnnouncement({ date: "2022-03-01", title: "旧公告" });
    const recent = makeAnnouncement({ date: "2024-05-01", title: "新公告" });
    const digest = composeDigest({
      announcements: [old, recent],
      settings: defaultSettings("Asia/Shanghai"),
      sources: testSources,
      matchKeyword: includesKeyword,
      itemCap: 30,
      publishedSince: "2024-04-29",
      now,
    });
    expect(digest?.parts[0]).toContain("新公告");
    expect(digest?.parts[0]).not.toContain("旧公告");
    expect(digest?.parts[0]).toContain("（1 条新公告）");
  });

  it("sends nothing when nothing matches", () => {
    expect(compose([])).toBeUndefined();
    expect(compose([makeAnnouncement()], { sourceIds: ["nwpu"] })).toBeUndefined();
  });

  it("lists newest first, grouped by source, with link, date, school and a one-line summary", () => {
    const older = makeAnnouncement({ date: "2024-05-01", title: "旧的 <通知> & 公告" });
    const newer = makeAnnouncement({ date: "2024-05-05", title: "新的通知" });
    const other = makeAnnouncement({
      date: "2024-05-03",
      sourceId: "nwpu",
      school: "西北工业大学",
      title: "西工大主题党日",
    });
    const digest = compose([older, other, newer]);
    expect(digest?.parts).toHaveLength(1);
    const text = digest?.parts[0] ?? "";
    assertValidTelegramHtml(text);
    expect(text).toContain("2024-05-06");
    expect(text.indexOf("新的通知")).toBeLessThan(text.indexOf("旧的"));
    expect(text.indexOf("矿大党委组织部")).toBeLessThan(text.indexOf("西工大党建网"));
    expect(text).toContain(`<a href="${older.url.replace("&", "&amp;")}">旧的 &lt;通知&gt; &amp; 公告</a>`);
    expect(text).toContain("2024-05-01 ｜ 中国矿业大学");
    expect(text).toContain("为深入学习贯彻党的二十大精神，支部开展共建活动。");
    expect(text).not.toContain("随后进行了交流");
  });

  it("links only http(s) addresses; a file: announcement shows its title as plain text", () => {
    const local = makeAnnouncement({ title: "本地 <样例> 公告", url: "file:///data/samples/1.html" });
    const web = makeAnnouncement({ title: "网上公告", url: "http://news.example.edu.cn/2.htm" });
    const text = compose([local, web])?.parts[0] ?? "";
    assertValidTelegramHtml(text);
    expect(text).not.toContain("file:");
    expect(text).toContain("• 本地 &lt;样例&gt; 公告");
    expect(text).toContain(`<a href="${web.url}">网上公告</a>`);
    expect(linkedTitle("公告", "javascript:alert(1)", 10)).toBe("公告");
  });

  it("filters by sources and by include and exclude keywords", () => {
    const a = makeAnnouncement({ title: "主题党日活动" });
    const b = makeAnnouncement({ title: "招聘启事", text: "招聘。" });
    const c = makeAnnouncement({ title: "主题党日暨招聘", sourceId: "nwpu" });
    const only = (settings: Partial<SubscriptionSettings>) =>
      compose([a, b, c], settings)?.parts.join("") ?? "";
    expect(only({ includeKeywords: ["主题党日"] })).toContain("主题党日活动");
    expect(only({ includeKeywords: ["主题党日"] })).not.toContain("招聘启事");
    expect(only({ excludeKeywords: ["招聘"] })).not.toContain("主题党日暨招聘");
    expect(only({ sourceIds: ["nwpu"] })).not.toContain("主题党日活动");
  });

  it("splits long digests at item boundaries into valid HTML parts under 4096 characters", () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      makeAnnouncement({
        title: `很长的标题 & <特殊> 字符 ${"党".repeat(100)} ${i}`,
        sourceId: i % 3 === 0 ? "nwpu" : "cumt",
        text: `${"正文".repeat(50)}。`,
      }),
    );
    const digest = compose(many, {}, 60);
    expect(digest?.parts.length).toBeGreaterThan(2);
    for (const part of digest?.parts ?? []) {
      expect(part.length).toBeLessThanOrEqual(4096);
      assertValidTelegramHtml(part);
    }
    expect(digest?.parts.join("").match(/<a href/g)).toHaveLength(60);
    expect(digest?.parts[1]).toMatch(/（续）|^<b>🏫/);
    expect(digest?.parts.at(-1)).toContain(`（${digest?.parts.length}/${digest?.parts.length}）`);
  });

  it("caps the items and points to /ask for the rest", () => {
    const many = Array.from({ length: 35 }, () => makeAnnouncement());
    const digest = compose(many, {}, 30);
    expect(digest).toMatchObject({ listed: 30, omitted: 5 });
    expect(digest?.parts.join("")).toContain("另有 5 条未列出");
    expect(digest?.parts.join("")).toContain("/ask");
  });

  it("summarises a body in one short line", () => {
    expect(oneLineSummary("\n  第一句话。第二句话。")).toBe("第一句话。");
    expect(oneLineSummary("会议现场\n合影留念\n12月2日上午，两校支部举行共建交流会。随后合影。")).toBe(
      "12月2日上午，两校支部举行共建交流会。",
    );
    expect([...oneLineSummary("长".repeat(200))]).toHaveLength(70);
  });
});
