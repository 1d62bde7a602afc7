import { describe, expect, it } from "vitest";
import { labelledDays } from "../../src/ingest/date-labels.ts";
import { articleOfPage, decodePage } from "../../src/ingest/page.ts";

const NOW = new Date("2024-06-01T04:00:00Z");
const PROSE =
  "支部全体党员参加了本次活动，大家认真学习，积极发言，纷纷表示要把学习成果转化为工作动力。".repeat(3);

describe("labelledDays", () => {
  it.each([
    ["2024-05-05 来源：教务处", [["2024-05-05", "none"]]],
    ["发布时间：2024-05-05", [["2024-05-05", "publication"]]],
    ["日期：2024-05-05", [["2024-05-05", "publication"]]],
    ["成文日期：2024-05-03", [["2024-05-03", "publication"]]],
    ["更新时间 2012年12月10日, 格林尼治标准时间10:41", [["2012-12-10", "revision"]]],
    ["报名截止时间：2024-06-30", [["2024-06-30", "other"]]],
    ["会议时间：2024年5月20日 14:00", [["2024-05-20", "other"]]],
    ["作者：张三发布时间：2024-05-05", [["2024-05-05", "publication"]]],
    // The source's value runs into a bare 时间 label.
    ["来源：教务处时间：2024-05-05", [["2024-05-05", "publication"]]],
    [
      "考试时间：2024-06-08 更新时间：2024-05-08 发布时间：2024-05-05",
      [
        ["2024-06-08", "other"],
        ["2024-05-08", "revision"],
        ["2024-05-05", "publication"],
      ],
    ],
  ])("reads %s", (text, expected) => {
    expect(labelledDays(text).map(({ day, label }) => [day, label])).toEqual(expected);
  });
});

function article(under: string, head = ""): string | undefined {
  const html = `<html><head><title>关于举办学术报告会的通知</title>${head}</head><body>
    <h1>关于举办学术报告会的通知</h1><div class="info">${under}</div><div class="body"><p>${PROSE}</p></div></body></html>`;
  return articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).date;
}

describe("dates labelled as other days than the publication day", () => {
  it.each(["截止时间", "活动时间", "会议时间", "报名时间", "考试时间", "截止日期", "更新时间", "修改时间"])(
    "a date under the headline labelled %s does not outrank the PubDate meta",
    (label) => {
      expect(article(`${label}：2024-05-20`, '<meta name="PubDate" content="2024-05-02 09:00">')).toBe(
        "2024-05-02",
      );
    },
  );

  it("does not outrank a publication-labelled date printed after it", () => {
    expect(article("报名时间：2024-05-20 至 2024-05-25 发布时间：2024-05-02")).toBe("2024-05-02");
    expect(article("<span>更新时间：2024-05-08</span><span>发布日期：2024-05-02</span>")).toBe("2024-05-02");
  });

  it("does not outrank article:published_time or a publication label elsewhere on the page", () => {
    expect(
      article(
        "活动时间：2024-05-20",
        '<meta property="article:published_time" content="2024-05-02T09:00:00+08:00">',
      ),
    ).toBe("2024-05-02");
    const html = `<html><head><title>通知</title></head><body><h1>关于举办学术报告会的通知</h1>
      <div>会议时间：2024-05-20</div><div class="body"><p>${PROSE}</p></div><div>发布时间：2024-05-02</div></body></html>`;
    expect(articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).date).toBe(
      "2024-05-02",
    );
  });

  it("reads a revision date when the page shows no other, and never a deadline or meeting date", () => {
    expect(article("更新时间 2012年12月10日, 格林尼治标准时间10:41")).toBe("2012-12-10");
    expect(article("截止时间：2024-05-20")).toBeUndefined();
  });
});
