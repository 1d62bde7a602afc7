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
