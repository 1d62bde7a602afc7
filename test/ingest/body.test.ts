import { describe, expect, it } from "vitest";
import { cleanBody } from "../../src/ingest/body.ts";
import { parseTextArticle } from "../../src/ingest/text-article.ts";

describe("cleanBody", () => {
  it("takes closing credits out into fields", () => {
    expect(cleanBody("第一段。\n最后一段。(通讯员 黄家乐 叶梓晴)")).toEqual({
      text: "第一段。\n最后一段。",
      author: "黄家乐 叶梓晴",
    });
    expect(cleanBody("正文。\n撰稿：张三  审核：李四")).toEqual({
      text: "正文。",
      author: "张三",
      reviewer: "李四",
    });
    expect(cleanBody("正文。(審稿 鄭慧敏)")).toEqual({ text: "正文。", reviewer: "鄭慧敏" });
  });

  it("does not take running text for a byline", () => {
    expect(cleanBody("支部党员以第一作者发表高水平论文20篇。")).toEqual({
      text: "支部党员以第一作者发表高水平论文20篇。",
    });
  });

  it("drops counters, share bars, paging and captions", () => {
    const raw = "正文第一段。\n图\n浏览次数：123\n分享到：微信\n上一篇：某某\n點擊數:\n正文第二段。";
    expect(cleanBody(raw).text).toBe("正文第一段。\n正文第二段。");
  });
});

describe("parseTextArticle", () => {
  it("reads a traditional-Chinese scraped page", () => {
    const page =
      "黨建動態\n首頁 > 黨建工作 > 正文\n研究生黨支部開展主題黨日活動\n\n發布時間:2024-05-04 點擊數:\n\n正文。(審稿 鄭慧敏)";
    expect(parseTextArticle(page)).toEqual({
      title: "研究生黨支部開展主題黨日活動",
      date: "2024-05-04",
      text: "正文。",
      reviewer: "鄭慧敏",
    });
  });

  it("keeps attachment links and drops images and other link targets", () => {
    const md =
      "---\ntitle: 通知\ndate: 2024-03-01\n---\n见[报名表](https://a.edu.cn/f/表.docx)与[官网](https://a.edu.cn/)。\n![图](https://a.edu.cn/1.jpg)\n";
    expect(parseTextArticle(md).text).toBe("见附件：报名表 https://a.edu.cn/f/表.docx与官网。");
  });
});
