import { describe, expect, it } from "vitest";
import { parseDay } from "../../src/ingest/dates.ts";
import { decodePage, listedCandidates } from "../../src/ingest/page.ts";
import { dayOnly, splitEdgeDate } from "../../src/ingest/title-date.ts";

function listed(rows: string, url = "http://www.example.edu.cn/list.htm") {
  const html = `<html><head><title>通知公告</title></head><body><ul class="list">${rows}</ul></body></html>`;
  return listedCandidates(decodePage(url, Buffer.from(html))).map((item) => [item.title, item.date]);
}

describe("splitEdgeDate", () => {
  it.each([
    ["[24-05-05] 某某基金暂停申购的公告", "某某基金暂停申购的公告", "2024-05-05"],
    ["【2024-05-05】某某基金暂停申购的公告", "某某基金暂停申购的公告", "2024-05-05"],
    ["某某基金分红公告 2020-07-03", "某某基金分红公告", "2020-07-03"],
    ["某某基金分红公告 | 2020-07-03 10:21", "某某基金分红公告", "2020-07-03"],
    ["2024年5月5日 学院召开党委会", "学院召开党委会", "2024-05-05"],
  ])("takes the date set apart from the title in %s", (text, title, date) => {
    expect(splitEdgeDate(text)).toEqual({ title, date });
  });

  it.each([
    "某某基金管理有限公司2020年6月30日基金净值公告",
    "2016年8.0分剧情《月光男孩》BD中英双字幕",
    "2016年8.4高分战争《血战钢锯岭》国英双语.BD中英双字幕",
    "2024年研考扬州大学考点入场安检提示",
    "2021 年 3 月 16 日，计算机学院组织研究生班长参加交流会",
    "2024.5.20毕业典礼",
    "2024-05-05",
  ])("leaves a date written into the title in it: %s", (text) => {
    expect(splitEdgeDate(text)).toEqual({ title: text });
  });
});

describe("dayOnly", () => {
  it("reads an element that holds a date and nothing else, labelled, bracketed or not", () => {
    expect(dayOnly(" 2020-07-01 ")).toBe("2020-07-01");
    expect(dayOnly("(2020-08-16 22:26:38)")).toBe("2020-08-16");
    expect(dayOnly("发布日期：2024年5月5日")).toBe("2024-05-05");
    expect(dayOnly("截止日期：2024-06-30")).toBeUndefined();
    expect(dayOnly("2020年6月30日基金净值公告")).toBeUndefined();
  });
});

describe("a film's score is not a day", () => {
  it("reads a day only when one separator runs through it", () => {
    expect(parseDay("2016年7.9分获奖动画《海洋奇缘》 日期：2017-02-17")).toBe("2017-02-17");
    expect(parseDay("2024.05.05")).toBe("2024-05-05");
    expect(parseDay("2024 年 5 月 5 日")).toBe("2024-05-05");
    expect(parseDay("2026 01.16")).toBe("2026-01-16");
  });
});

describe("list entries whose titles hold a date", () => {
  it("takes the date of its own element, not the one in the title", () => {
    const row = (n: number, title: string) =>
      `<div class="item"><a href="/upload/${n}.pdf">${title}</a><span><a href="/dl/${n}.jhtml">&nbsp;</a><span>2020-07-0${n}</span></span></div>`;
    expect(
      listed(
        row(1, "某某基金管理有限公司2020年6月30日基金净值公告") +
          row(2, "某某基金关于暂停申购业务的公告") +
          row(3, "某某基金2020年第二季度报告"),
      ),
    ).toEqual([
      ["某某基金管理有限公司2020年6月30日基金净值公告", "2020-07-01"],
      ["某某基金关于暂停申购业务的公告", "2020-07-02"],
      ["某某基金2020年第二季度报告", "2020-07-03"],
    ]);
  });

  it("reads the row's date when it runs into the title that opens with a year", () => {
    const row = (n: number, title: string) =>
      `<li><span>2023-12-1${n}</span><a href="/info/${n}.htm">${title}</a></li>`;
    expect(listed(row(8, "2024年研考扬州大学考点入场安检提示") + row(7, "2024年考点考生须知公告"))).toEqual([
      ["2024年研考扬州大学考点入场安检提示", "2023-12-18"],
      ["2024年考点考生须知公告", "2023-12-17"],
    ]);
  });

  it("keeps a title that opens with a year and a score whole, and dates it by the row's date line", () => {
    const row = (n: number, title: string) =>
      `<table class="tbspan"><tr><td><b><a href="/html/${n}.html">${title}</a></b></td></tr>
      <tr><td><font>日期：2017-02-1${n} 21:50:00 点击：0</font></td></tr>
      <tr><td>◎译 名 某片 ◎年 代 2016 ◎豆瓣评分 7.9/10</td></tr></table>`;
    const html = `<html><body><div class="co_content8">${row(9, "2016年8.0分剧情《月光男孩》BD中英双字幕")}${row(7, "2016年7.9分获奖动画《海洋奇缘》BD中英双字幕")}${row(5, "2016年布拉德·皮特战争动作《间谍同盟》BD中英双字幕")}</div></body></html>`;
    const items = listedCandidates(decodePage("http://www.example.net/list_1.html", Buffer.from(html)));
    expect(items.map((item) => [item.title, item.date])).toEqual([
      ["2016年8.0分剧情《月光男孩》BD中英双字幕", "2017-02-19"],
      ["2016年7.9分获奖动画《海洋奇缘》BD中英双字幕", "2017-02-17"],
      ["2016年布拉德·皮特战争动作《间谍同盟》BD中英双字幕", "2017-02-15"],
    ]);
  });

  it("takes a date printed at the link's edge in an element of its own out of the title", () => {
    const row = (n: number) =>
      `<li><a href="/info/${n}.htm"><span class="date">2024-05-0${n}</span>关于第${n}批奖学金评审结果的公示</a></li>`;
    expect(listed(row(3) + row(2) + row(1))).toEqual(
      [3, 2, 1].map((n) => [`关于第${n}批奖学金评审结果的公示`, `2024-05-0${n}`]),
    );
  });
});

describe("list entries' dates judged against the clock", () => {
  it("does not take a day after now: the URL's day stands in, else none", () => {
    const html = `<html><body><ul class="list">
      <li><a href="/2024/0505/c1a1/page.htm">学院召开2024年党风廉政建设工作会议</a><span>2099-05-05</span></li>
      <li><a href="/info/2.htm">我校教师在全国教学竞赛中获一等奖</a><span>2099-05-04</span></li>
      <li><a href="/info/3.htm">研究生院举办导师培训专题讲座</a><span>2024-05-03</span></li></ul></body></html>`;
    const page = decodePage("http://www.example.edu.cn/list.htm", Buffer.from(html));
    const items = listedCandidates(page, { now: new Date("2024-06-01T04:00:00Z") });
    expect(items.map((item) => item.date)).toEqual(["2024-05-05", undefined, "2024-05-03"]);
  });
});

describe("cards printing the year apart from month and day", () => {
  it("are dated as printed (2026 / 01.16), not by the next card or the URL", () => {
    const row = (day: string, title: string) =>
      `<a class="news" href="/2026/0116/c1a${day}/page.htm"><div class="con"><time><div class="y">2026</div>
      <div class="d">01.${day}</div></time><div class="title">${title}</div></div></a>`;
    const html = `<html><body><div class="list">${row("16", "关于寒假期间校园安全保卫工作的通知")}${row("15", "关于第15周周末封闭部分教学楼的通知")}${row("14", "关于公布校园文化建设优秀案例评选结果的通知")}</div></body></html>`;
    const items = listedCandidates(decodePage("http://www.example.edu.cn/tzgg/list.htm", Buffer.from(html)));
    expect(items.map((item) => item.date)).toEqual(["2026-01-16", "2026-01-15", "2026-01-14"]);
  });
});
