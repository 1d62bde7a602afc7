import { describe, expect, it } from "vitest";
import { decodePage, listedCandidates } from "../../src/ingest/page.ts";

function listed(rows: string) {
  const html = `<html><head><title>学院新闻</title></head><body><ul class="list">${rows}</ul></body></html>`;
  return listedCandidates(decodePage("http://www.example.edu.cn/list.htm", Buffer.from(html))).map((item) => [
    item.title,
    item.date,
  ]);
}

describe("card links", () => {
  it("are titled by their headline block when no heading names it, not with the date and summary", () => {
    const card = (n: number, headline: string, summary: string) =>
      `<a href="/tzgg/${n}.htm"><li><div class="img"><img src="/${n}.png"></div><div class="r">
      <div class="rb">${headline}</div><div class="rs"><span class="time">2025-11-2${n}</span></div>
      <div class="rc">${summary}</div></div></li></a>`;
    expect(
      listed(
        card(6, "第八届国际学生环境生态论坛——第二轮通知", "本届论坛将于2025年11月29日进行全天线上注册。") +
          card(4, "关于开展辅导员班主任考核工作的通知", "") +
          card(2, "2025年博士学位论文答辩通知", "答辩定于2025年11月30日举行。"),
      ),
    ).toEqual([
      ["第八届国际学生环境生态论坛——第二轮通知", "2025-11-26"],
      ["关于开展辅导员班主任考核工作的通知", "2025-11-24"],
      ["2025年博士学位论文答辩通知", "2025-11-22"],
    ]);
  });
});

describe("list entries printed as headline and summary", () => {
  it("takes the headline, not the summary linking the same article", () => {
    const row = (n: number, headline: string, summary: string) =>
      `<li class="news"><div class="img"><a href="/${n}/page.htm" title="${headline}"><img src="/${n}.jpg"></a></div>
      <div class="news_title"><a href="/${n}/page.htm" title="${headline}">${headline}</a></div>
      <div class="news_meta">2021-03-1${n}</div>
      <div class="news_text"><a href="/${n}/page.htm" title="${headline}">${summary}</a></div>
      <a class="more" href="/${n}/page.htm">全文》</a></li>`;
    expect(
      listed(
        row(
          8,
          "研究生班长交流会顺利举行",
          "2021 年 3 月 16 日，学院组织研究生各班班长、班级骨干参加交流会。",
        ) +
          row(
            6,
            "学院召开学生党支部书记联席会议",
            "下午，学院在软件楼 105 会议室召开学生党支部书记联席会议，开展党务",
          ) +
          row(4, "学院开展主题团日活动", "为纪念五四运动，学院开展主题团日活动，通过知识问答、观看纪念"),
      ),
    ).toEqual([
      ["研究生班长交流会顺利举行", "2021-03-18"],
      ["学院召开学生党支部书记联席会议", "2021-03-16"],
      ["学院开展主题团日活动", "2021-03-14"],
    ]);
  });

  it("still takes the full title over a cut one linking the same article", () => {
    const row = (n: number) =>
      `<li><a href="/a/${n}.htm">关于做好第${n}批…</a><a href="/a/${n}.htm">关于做好第${n}批研究生招生复试工作的通知</a><span>2024-05-0${n}</span></li>`;
    expect(listed(row(3) + row(2))).toEqual([
      ["关于做好第3批研究生招生复试工作的通知", "2024-05-03"],
      ["关于做好第2批研究生招生复试工作的通知", "2024-05-02"],
    ]);
  });

  it("takes the headline when no link names it in a title attribute, the summary coming first or after", () => {
    const row = (n: number, headline: string, summary: string, summaryFirst: boolean) => {
      const links = [
        `<h4><a href="/${n}/page.htm">${headline}</a></h4>`,
        `<p><a href="/${n}/page.htm">${summary}</a></p>`,
      ];
      return `<li>${(summaryFirst ? links.reverse() : links).join("")}<span>2019-05-0${n}</span></li>`;
    };
    expect(
      listed(
        row(
          8,
          "学院开展纪念五四运动主题团日活动",
          "5 月 7 日，学院开展纪念五四运动主题团日活动，通过知识问答、观看纪念",
          true,
        ) +
          row(
            5,
            "我院学生获研究生五四演讲比赛二等奖",
            "为纪念五四运动 100 周年，学院举办研究生五四演讲比赛，复旦",
            false,
          ),
      ),
    ).toEqual([
      ["学院开展纪念五四运动主题团日活动", "2019-05-08"],
      ["我院学生获研究生五四演讲比赛二等奖", "2019-05-05"],
    ]);
  });

  it("does not take a picture's generic label for the headline", () => {
    const row = (n: number, headline: string) =>
      `<li><a href="/${n}/page.htm" title="点击查看详细内容"><img src="/${n}.jpg"></a>
      <a href="/${n}/page.htm" title="点击查看详细内容">${headline}</a><span>2024-05-0${n}</span></li>`;
    expect(
      listed(row(3, "学院召开2024年党风廉政建设工作会议") + row(2, "我校教师在全国教学竞赛中获一等奖")),
    ).toEqual([
      ["学院召开2024年党风廉政建设工作会议", "2024-05-03"],
      ["我校教师在全国教学竞赛中获一等奖", "2024-05-02"],
    ]);
  });
});
