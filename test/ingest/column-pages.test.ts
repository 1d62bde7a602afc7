import { describe, expect, it } from "vitest";
import { decodePage, listedCandidates } from "../../src/ingest/page.ts";

function listed(url: string, body: string, head = "<title>通知公告</title>") {
  const html = `<html><head>${head}</head><body>${body}</body></html>`;
  return listedCandidates(decodePage(url, Buffer.from(html)));
}

describe("column pages of campus sites", () => {
  it("leaves a bracketed category label and a bullet printed in elements of their own out of titles", () => {
    const row = (n: number, before: string) =>
      `<li><a href="../info/1172/${n}.htm">${before}关于第${n}届大学生物理竞赛报名的通知</a><span>2026-09-0${n}</span></li>`;
    const items = listed(
      "https://jwc.example.edu.cn/jxxx/jxtz.htm",
      `<ul class="list">${row(1, "<i>[竞赛安排]</i>")}${row(2, "<i>【考试安排】</i>")}${row(3, "<i>&gt;</i>")}${row(4, "<span>·</span>")}</ul>`,
    );
    expect(items.map((item) => item.title)).toEqual(
      [1, 2, 3, 4].map((n) => `关于第${n}届大学生物理竞赛报名的通知`),
    );
  });

  it("reads a short bracketed date in the link as the entry's date, not as a category label", () => {
    const row = (n: number) =>
      `<li><a href="/info/${n}.htm"><span>[2026-9-${n}]</span>关于第${n}批实验室开放项目立项的通知</a></li>`;
    const items = listed("https://sy.example.edu.cn/tzgg.htm", `<ul>${[1, 2, 3].map(row).join("")}</ul>`);
    expect(items[0]).toMatchObject({ title: "关于第1批实验室开放项目立项的通知", date: "2026-09-01" });
  });

  it("keeps a bracketed label the title itself opens with", () => {
    const row = (n: number) =>
      `<li><a href="/a/${n}.htm"><span>【实践教学】 关于举办第${n}届市场调查大赛的通知</span></a><span>2026-09-2${n}</span></li>`;
    const items = listed(
      "https://jwb.example.edu.cn/tzgg/index.htm",
      `<ul>${[1, 2, 3].map(row).join("")}</ul>`,
    );
    expect(items[0]?.title).toBe("【实践教学】 关于举办第1届市场调查大赛的通知");
  });

  it("does not list the pager's links when the column's own entries are few", () => {
    const row = (n: number) =>
      `<div class="newslist"><div class="time">2026-08-1${n}</div>
      <div class="title"><a href="/article/${n}">第${n}期教学楼自习室开放安排的通知</a></div></div>`;
    const pager = `<ul class="pager">
      <li><a href="?page=0" title="当前页"><span class="visually-hidden">当前页</span>1</a></li>
      <li><a href="?page=1" title="转到页面2"><span class="visually-hidden">页面</span>2</a></li>
      <li><a href="?page=35" title="转到最后一页">
        <span class="visually-hidden">末页</span>
        <span aria-hidden="true"> »</span>
        <i class="icon">&#xe627;</i>
      </a></li></ul>`;
    const items = listed(
      "https://jwb.example.edu.cn/newscenter/notice",
      `<div class="view">${[1, 2].map(row).join("")}${pager}</div>`,
    );
    expect(items.map((item) => item.url)).toEqual([
      "https://jwb.example.edu.cn/article/1",
      "https://jwb.example.edu.cn/article/2",
    ]);
  });

  it("reads a VSB page whose template keeps WebPlus portlet windows as VSB", () => {
    const html = `<html><head><!--Announced by Visual SiteBuilder 9-->
      <script src="/system/resource/js/counter.js"></script></head>
      <body><div frag="窗口6" portletmode="simpleList"><ul class="news_list"></ul></div></body></html>`;
    expect(decodePage("https://aao.example.edu.cn/tzgg.htm", Buffer.from(html)).kind).toBe("vsb");
    const webplus = `<html><body><div frag="窗口6"><ul class="news_list"></ul></div></body></html>`;
    expect(decodePage("https://jwc.example.edu.cn/tzgg/list.htm", Buffer.from(webplus)).kind).toBe("webplus");
  });
});
