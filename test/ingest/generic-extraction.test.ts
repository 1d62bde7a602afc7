import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeBody, detectCharset } from "../../src/ingest/charset.ts";
import { dayFromUrl, parseDay } from "../../src/ingest/dates.ts";
import { decodePage, articleOfPage, listedCandidates } from "../../src/ingest/page.ts";

const NOW = new Date("2024-06-01T04:00:00Z");

describe("dates as pages write them", () => {
  it.each([
    ["20240505", "2024-05-05"],
    ["２０２４年０５月０５日", "2024-05-05"],
    ["２０２４／５／５", "2024-05-05"],
    ["二〇二四年五月十五日", "2024-05-15"],
    ["二零二三年十二月三十一日", "2023-12-31"],
    ["24年5月5日", "2024-05-05"],
    ["[98-05-05]", "1998-05-05"],
    ["6/10/2021, 8:21:04 PM", "2021-06-10"],
    ["Dec 28 Sat 2013 00:28", "2013-12-28"],
    ["01/06\n2023 大队委员竞选", "2023-01-06"],
    ["06 2023-01 标题", "2023-01-06"],
    ["062023-01", "2023-01-06"],
    ["2023-01 06", "2023-01-06"],
    ["07/29 2022 讲座 时间：2022.7.11", "2022-07-29"],
    ["December 28, 2013", "2013-12-28"],
    ["28 Dec 2013", "2013-12-28"],
  ])("reads %s", (text, day) => {
    expect(parseDay(text)).toBe(day);
  });

  it("reads days from media and TRS paths", () => {
    expect(dayFromUrl("https://www.chinanews.com/ll/2020/07-04/9229287.shtml")).toBe("2020-07-04");
    expect(dayFromUrl("http://tech.gmw.cn/2017-03/10/content_1.htm")).toBe("2017-03-10");
    expect(dayFromUrl("http://www.gov.cn/xinwen/2024-05/05/t20240505_1.htm")).toBe("2024-05-05");
  });
});

describe("charset", () => {
  it("reads valid UTF-8 as UTF-8 whatever the meta says, and GBK labelled Western as GBK", () => {
    const utf8 = Buffer.from('<meta charset="gb2312"><p>党支部</p>');
    expect(detectCharset(utf8)).toBe("utf-8");
    expect(decodeBody(utf8)).toContain("党支部");
    const gbk = iconv.encode('<meta charset="iso-8859-1"><p>党支部主题党日</p>', "gbk");
    expect(decodeBody(gbk)).toContain("党支部主题党日");
  });
});

function page(body: string, head = "<title>党支部开展主题党日活动 - 学院新闻网</title>"): string {
  return `<html><head>${head}</head><body>${body}</body></html>`;
}

const PROSE =
  "支部全体党员参加了本次活动，大家认真学习，积极发言，纷纷表示要把学习成果转化为工作动力。".repeat(3);

describe("generic article pages", () => {
  it("finds the headline in a title block, the bare date under it, and the body without chrome", () => {
    const html = page(`
      <div class="nav"><a href="/">首页</a> <a href="/a">学院新闻</a></div>
      <div class="arti"><div class="l_tit">党支部开展主题党日活动</div>
        <div class="info">2024-05-05 08:00 来源：党委宣传部</div>
        <div class="body"><p><img src="/u/1.jpg"></p><p>${PROSE}</p><p>${PROSE}</p><p>活动取得圆满成功。</p>
        <div class="share">分享到：微信 微博</div></div></div>
      <div class="footer">版权所有 示例大学</div>`);
    const article = articleOfPage(decodePage("http://news.example.edu.cn/a/1.htm", Buffer.from(html)), NOW);
    expect(article).toMatchObject({
      title: "党支部开展主题党日活动",
      date: "2024-05-05",
      origin: "党委宣传部",
    });
    expect(article.text.startsWith("支部全体党员")).toBe(true);
    expect(article.text.endsWith("活动取得圆满成功。")).toBe(true);
  });

  it("ends the body before the attachments listed under it, and lists them apart", () => {
    const html = page(`
      <div class="arti"><h1>关于报送党支部工作总结的通知</h1><div class="info">2024-05-05</div>
        <div class="body"><p>${PROSE}</p><p>请各党支部于5月20日前报送。</p>
        <p>附件：<a href="/f/1.docx">1.工作总结模板.docx</a></p><p><a href="/f/2.xlsx">2.汇总表.xlsx</a></p></div></div>`);
    const article = articleOfPage(decodePage("http://news.example.edu.cn/a/3.htm", Buffer.from(html)), NOW);
    expect(article.text.endsWith("请各党支部于5月20日前报送。")).toBe(true);
    expect(article.attachments).toEqual([
      "附件：1.工作总结模板.docx http://news.example.edu.cn/f/1.docx",
      "附件：2.汇总表.xlsx http://news.example.edu.cn/f/2.xlsx",
    ]);
  });

  it("does not read the date in the address of the author's avatar under the headline", () => {
    const html = page(`
      <div class="arti"><h1>巴以冲突，困住中国外贸人</h1>
        <div class="author"><img src="http://img.example.com/newugc/20190924/10/avatar.jpg"><a href="/m/1">在人间</a>
        <div class="time">2024年01月25日 18:03:35 来自内蒙古自治区</div></div>
        <div class="body"><p>${PROSE}</p><p>${PROSE}</p></div></div>`);
    const article = articleOfPage(decodePage("http://news.example.com/c/8Wda7.htm", Buffer.from(html)), NOW);
    expect(article.date).toBe("2024-01-25");
  });

  it("reads a body that holds a stray <?xml …?> processing instruction, as Word-pasted CMS text does", () => {
    const html = page(`
      <div class="arti"><h1>党支部开展主题党日活动</h1><div class="info">2024-05-05</div>
        <div class="body"><?xml version="1.0" encoding="utf-8"?><p>${PROSE}</p><p>${PROSE}</p><p>活动取得圆满成功。</p></div></div>`);
    const article = articleOfPage(decodePage("http://news.example.edu.cn/a/2.htm", Buffer.from(html)), NOW);
    expect(article.title).toBe("党支部开展主题党日活动");
    expect(article.text.endsWith("活动取得圆满成功。")).toBe(true);
  });

  it("does not open or end the body with photo captions, marked up or centred under the picture", () => {
    const html = page(`<h1>党支部开展主题党日活动</h1><div class="body">
      <div class="image"><img src="/u/1.jpg"><p class="caption">党员在活动现场。</p></div>
      <p>${PROSE}</p><p align="center"><img src="/u/2.jpg"></p><p align="center">合影留念</p>
      <p>${PROSE}活动取得圆满成功。</p>
      <p align="center"><img src="/u/3.jpg"></p><p style="text-align: center">全体党员合影</p></div>`);
    const text = articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).text;
    expect(text.startsWith("支部全体党员")).toBe(true);
    expect(text).not.toContain("合影留念");
    expect(text.endsWith("活动取得圆满成功。")).toBe(true);
  });

  it("keeps a centred salutation under a picture, and a short paragraph after one that is not centred", () => {
    const html = page(`<h1>党支部开展主题党日活动</h1><div class="body">
      <p align="center"><img src="/u/1.jpg"></p><p align="center">各位考生：</p><p>${PROSE}</p>
      <p><img src="/u/2.jpg"></p><p>遗憾！比赛仅获第五。</p><p>${PROSE}</p></div>`);
    const text = articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).text;
    expect(text.startsWith("各位考生：")).toBe(true);
    expect(text).toContain("遗憾！比赛仅获第五。");
  });

  it("starts the body after the bold subheads a feature opens with, not after a bold lead", () => {
    const subheads = page(`<h1>党支部开展主题党日活动</h1><div class="body">
      <p><strong>学前：政治会考什么？</strong></p><p>\u3000\u3000<b>学后：未来如何发展？</b></p>
      <p>${PROSE}</p><p><strong>中段小标题</strong></p><p>${PROSE}</p></div>`);
    const text = articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(subheads)), NOW).text;
    expect(text.startsWith("支部全体党员")).toBe(true);
    expect(text).toContain("中段小标题");
    const lead = page(`<h1>党支部开展主题党日活动</h1><div class="body">
      <p><strong>新华社北京3月5日电</strong></p><p><strong>编者按：</strong>本期关注党日活动。</p><p>${PROSE}</p></div>`);
    expect(
      articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(lead)), NOW).text.startsWith(
        "新华社北京3月5日电",
      ),
    ).toBe(true);
  });

  it("keeps centred running text under a picture where the whole text is centred", () => {
    const html = page(`<h1>党支部开展主题党日活动</h1><div class="body">
      <p style="text-align: center;"><img src="/u/1.jpg"></p><p style="text-align: center;">一波寒流报到 山峦披上彩衣</p>
      <p style="text-align: center;">道路一路上云气滞留山头 顺路下切即抵达</p><p>${PROSE}</p></div>`);
    const text = articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).text;
    expect(text.startsWith("一波寒流报到")).toBe(true);
  });

  it("reads prose wrapped in nested styling spans as the body, not a comment box beside it", () => {
    const styled = (line: string) =>
      `<p style="text-align: center;"><span style="font-size: 12pt;"><span style="font-family: 楷体;">${line}</span></span></p>`;
    const lines = Array.from({ length: 20 }, (_, i) =>
      styled(`第${i}段 山峦披上彩衣 道路一路上云气滞留山头 顺路下切`),
    ).join("");
    const html = page(`<h1>党支部开展主题党日活动</h1><div class="body">${lines}</div>
      <ul class="posts">${"<li><p>好美呢！我们也想去，下次一起去吧！</p></li>".repeat(5)}</ul>`);
    const text = articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).text;
    expect(text.startsWith("第0段")).toBe(true);
  });

  it("reads a short article that shares its block with a box of headline links, not a QR-code prompt", () => {
    const headlines = Array.from(
      { length: 6 },
      (_, i) => `<p><a href="/15/0704/${i}.html">第${i}条要闻 监管部门出台新举措稳定市场预期</a></p>`,
    ).join("");
    const html =
      page(`<h1>保险监管部门召开会议研究市场问题</h1><div class="info">2015-07-04 15:31 来源：日报</div>
      <div class="text"><p>记者从<a href="/kw/1.html">监管部门</a>相关人士处确认，今天下午召开会议，具体内容尚未透露。</p>
        <p>不过，近日传言不断，会议或与资金配置有关。</p>
        <table><tr><td><p><a href="/app"><b>客户端<br>下载：</b></a></p><p><img src="/app.png"></p></td></tr></table>
        <div><h1>重点推荐</h1><span><a href="/more">更多资讯</a></span></div>
        <div><p><b>证券要闻</b></p>${headlines}<p><b>公司新闻</b></p>${headlines}</div></div>
      <div class="pop"><div class="pop-text">用微信扫描二维码<br>分享至好友和朋友圈</div></div>`);
    const text = articleOfPage(
      decodePage("http://money.example.com/15/0704/a.html", Buffer.from(html)),
      NOW,
    ).text;
    expect(text.startsWith("记者从监管部门相关人士处确认")).toBe(true);
  });

  it("reads a one-paragraph flash under the headline, not a denser teaser in a list beside it", () => {
    const html = page(`<div class="main"><div class="article"><h1>党支部开展主题党日活动</h1>
        <div class="info">2024-05-05 来源：党委宣传部</div>
        <div class="content"><p>本报讯 5月5日，学院党支部开展主题党日活动，全体党员参加，<a href="/kw">活动</a>由书记主持，大家重温入党誓词，交流学习体会。</p></div>
        <div class="keywords"><a href="/k/1">党建</a> <a href="/k/2">主题党日</a></div></div>
      <div class="teasers"><div class="teaser"><a href="/b.htm">青年教师座谈会召开</a><p>近日学院召开青年教师座谈会，十余名青年教师参加座谈并围绕课堂教学与科研工作交流心得、畅谈个人发展规划与今后努力方向。</p></div></div></div>
      <div class="copyright"><div class="copy-text"><p>有意与本网合作者请与本网联系，未经书面授权请勿转载或建立镜像否则即为侵权。</p>
        <p>地址：某市某区某路1号 邮编100000</p><p>版权所有 翻印必究</p><p>技术支持：学校信息中心</p></div></div>`);
    const text = articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).text;
    expect(text).toBe(
      "本报讯 5月5日，学院党支部开展主题党日活动，全体党员参加，活动由书记主持，大家重温入党誓词，交流学习体会。",
    );
  });

  it("still reads a short unpunctuated body when no block on the page has a sentence mark", () => {
    const html = page(`<h1>党支部开展主题党日活动</h1><div class="info">2024-05-05</div>
      <div class="body"><p><img src="/u/1.jpg"></p><p>春日校园 樱花盛开</p></div>
      <div class="links"><a href="/lib">图书馆</a> <a href="/mail">校园邮箱</a></div>`);
    const text = articleOfPage(decodePage("http://x.example.edu.cn/a.htm", Buffer.from(html)), NOW).text;
    expect(text).toBe("春日校园 樱花盛开");
  });

  it("reads the date printed above the headline when nothing under it or in the URL gives one", () => {
    const html =
      page(`<div class="head"><div class="publish"><span>Dec </span><span>28 </span><span>Sat </span>
      <span>2013 </span><span>00:28</span></div><h2>党支部开展主题党日活动</h2></div><div><p>${PROSE}</p></div>`);
    const article = articleOfPage(decodePage("http://x.example.com/post/123", Buffer.from(html)), NOW);
    expect(article.date).toBe("2013-12-28");
  });

  it("prefers the date shown under the headline, in a long article, to a re-publication date in the metas", () => {
    const html = page(
      `<div class="content"><h1 class="article-title">党支部开展主题党日活动</h1>
      <div class="article-attr"><span>来源：</span><span>访问量：199</span><span>发布日期：2017-05-15 10:49:00</span></div>
      <div class="body">${`<p>${PROSE}</p>`.repeat(25)}</div></div>`,
      '<title>党支部开展主题党日活动</title><meta name="PubDate" content="2022-04-24 10:00:43">',
    );
    expect(articleOfPage(decodePage("http://x.example.gov.cn/a.shtml", Buffer.from(html)), NOW).date).toBe(
      "2017-05-15",
    );
  });

  it("reads the publication day from an open-information table over the headline", () => {
    const html = page(
      `<div class="xxgk-detail"><table><tr><td>索 引 号：</td><td>014742224A/2023-0043406</td></tr>
      <tr><td>成文日期：</td><td>2023-05-08</td><td>生成日期：</td><td>2023-05-11</td></tr></table>
      <h1>党支部开展主题党日活动</h1><div>访问量：1632</div><div>关联稿件：<a href="/b.shtml">图文解读</a> 2023-07-12</div>
      <div class="body"><p>${PROSE}</p></div></div>`,
      '<title>党支部开展主题党日活动</title><meta name="PubDate" content="2023-08-16 10:33:59">',
    );
    expect(articleOfPage(decodePage("http://x.example.gov.cn/a.shtml", Buffer.from(html)), NOW).date).toBe(
      "2023-05-11",
    );
  });

  it("does not take a day after the clock's for the publication day", () => {
    const html = page(`<h1>党支部开展主题党日活动</h1><div>发布时间：2099-01-01</div><p>${PROSE}</p>`);
    const article = articleOfPage(
      decodePage("http://x.example.edu.cn/2024/0505/c1a2/page.htm", Buffer.from(html)),
      NOW,
    );
    expect(article.date).toBe("2024-05-05");
  });

  it("reads a headline the template breaks over two lines whole, when the title metas name it whole", () => {
    const head =
      '<title>全区延续税收优惠政策预计减负180亿元_自治区政府门户网站</title><meta name="ArticleTitle" content="全区延续税收优惠政策预计减负180亿元">';
    const html = page(
      `<h1 class="detail_title">全区延续税收优惠政策<div>预计减负180亿元</div></h1><div class="body"><p>${PROSE}</p></div>`,
      head,
    );
    expect(
      articleOfPage(decodePage("http://www.example.gov.cn/a/1.html", Buffer.from(html)), NOW).title,
    ).toBe("全区延续税收优惠政策预计减负180亿元");
  });

  it("reads a title meta that carries the headline's markup as text", () => {
    const head =
      '<title>建设凝聚强大智慧和力量——热烈祝贺会议开幕_市人民政府网</title><meta name="ArticleTitle" content="建设凝聚强大智慧和力量<div>——热烈祝贺会议开幕</div>">';
    const html = page(
      `<p class="art_p">建设凝聚强大智慧和力量<div>——热烈祝贺会议开幕</div></p><div class="body"><p>${PROSE}</p></div>`,
      head,
    );
    expect(
      articleOfPage(decodePage("http://www.example.gov.cn/a/1.html", Buffer.from(html)), NOW).title,
    ).toBe("建设凝聚强大智慧和力量——热烈祝贺会议开幕");
  });

  it("keeps only the first line of a heading block whose next line the title does not continue", () => {
    const html = page(
      `<h1>党支部开展主题党日活动<div>分享到：微信 微博</div></h1><div class="body"><p>${PROSE}</p></div>`,
    );
    expect(articleOfPage(decodePage("http://x.example.edu.cn/", Buffer.from(html)), NOW).title).toBe(
      "党支部开展主题党日活动",
    );
  });

  it("reads the headline printed over the text when <title> is only the site's name", () => {
    const html = page(
      `<a class="bt_link" href="/">首页</a>>><a class="bt_link" href="/c/1.htm">人物聚焦</a>
      <table><tr><td class="bt_title">王教授——微创手术走进县医院</td></tr>
      <tr><td><div class="bt_content"><p>${PROSE}</p></div></td></tr></table>
      <div class="bt_more">更多人物报道</div>`,
      "<title>医学部新闻网_(新闻)</title>",
    );
    expect(
      articleOfPage(decodePage("http://news.example.edu.cn/a/1.htm", Buffer.from(html)), NOW).title,
    ).toBe("王教授——微创手术走进县医院");
  });

  it("keeps the <title>'s headline when the page prints it, over a column name above the text", () => {
    const html = page(
      `<div class="col_title">通知公告</div><p><b>党支部开展主题党日活动</b></p><div><p>${PROSE}</p></div>`,
    );
    expect(articleOfPage(decodePage("http://x.example.edu.cn/", Buffer.from(html)), NOW).title).toBe(
      "党支部开展主题党日活动",
    );
  });

  it("falls back to <title> without the site name", () => {
    const html = page(`<div><p>${PROSE}</p></div>`);
    expect(articleOfPage(decodePage("http://x.example.edu.cn/", Buffer.from(html)), NOW).title).toBe(
      "党支部开展主题党日活动",
    );
  });
});

describe("generic list pages", () => {
  it("lists the column's dated links on the page's site, not the menu, the sidebar or other sites", () => {
    const row = (n: number, host = "") =>
      `<li><a href="${host}/info/${n}.htm">第${n}条 党支部主题党日活动报道</a><span>2024-05-0${n % 9 || 1}</span></li>`;
    const html = page(`
      <ul class="menu"><li><a href="/xwzx.htm">新闻中心</a></li><li><a href="/tzgg.htm">通知公告</a></li></ul>
      <div class="side"><ul>${[1, 2, 3].map((n) => row(n, "http://other.example.org")).join("")}</ul></div>
      <div class="list"><ul>${[11, 12, 13, 14, 15].map((n) => row(n)).join("")}</ul>
      <div class="pager"><a href="/xwzx/2.htm">下一页</a></div></div>`);
    const items = listedCandidates(decodePage("http://news.example.edu.cn/xwzx.htm", Buffer.from(html)));
    expect(items.map((item) => item.url)).toEqual(
      [11, 12, 13, 14, 15].map((n) => `http://news.example.edu.cn/info/${n}.htm`),
    );
    expect(items[0]).toMatchObject({ title: "第11条 党支部主题党日活动报道", date: "2024-05-02" });
  });

  it("keeps an entry with a short title when its date is printed as day and year apart", () => {
    const row = (n: number, title: string) =>
      `<li><a href="/info/${n}.htm" title="${title}"><div class="data"><div><p>11/2${n}</p>
      <span>2022</span></div></div><div class="info"><h3>${title}</h3><p>活动于2022.7.11举行，同学们积极参与。</p></div></a></li>`;
    const html = page(
      `<ul class="list">${row(1, "大队委员竞选活动")}${row(2, "辩论赛")}${row(3, "参加美文吟诵大赛")}</ul>`,
    );
    const items = listedCandidates(decodePage("http://www.example.edu.cn/tdhd.htm", Buffer.from(html)));
    expect(items.map((item) => [item.title, item.date])).toEqual([
      ["大队委员竞选活动", "2022-11-21"],
      ["辩论赛", "2022-11-22"],
      ["参加美文吟诵大赛", "2022-11-23"],
    ]);
  });

  it("leaves a badge printed in its own element out of an entry's title", () => {
    const row = (n: number, badge = "") =>
      `<li><h3><a href="/a/${n}.htm">${badge}第${n}条 某地举行新闻发布会介绍情况</a></h3><span>2024-05-0${n}</span></li>`;
    const html = page(
      `<ul class="list">${row(1, '<span class="zt">专题</span>')}${row(2, "<em>[置顶]</em>")}${row(3)}</ul>`,
    );
    const items = listedCandidates(decodePage("http://news.example.com/list.htm", Buffer.from(html)));
    expect(items.map((item) => item.title)).toEqual(
      [1, 2, 3].map((n) => `第${n}条 某地举行新闻发布会介绍情况`),
    );
  });

  it("lists links that wrap an inline SVG icon with its <?xml …?> declaration", () => {
    const icon = '<?xml version="1.0" encoding="utf-8"?><svg viewBox="0 0 8 8"><path d="M0 0h8v8z"/></svg>';
    const row = (n: number) =>
      `<li><a href="/a/${n}.htm">${icon}第${n}条 某地举行新闻发布会介绍情况</a><span>2024-05-0${n}</span></li>`;
    const html = page(`<ul class="list">${[1, 2, 3].map(row).join("")}</ul>`);
    const items = listedCandidates(decodePage("http://news.example.com/list.htm", Buffer.from(html)));
    expect(items.map((item) => item.title)).toEqual(
      [1, 2, 3].map((n) => `第${n}条 某地举行新闻发布会介绍情况`),
    );
  });

  it("strips a date printed at the edge of an entry's link, not one inside its title", () => {
    const row = (n: number, title: string) =>
      `<li><a href="/a/${n}.htm">${title}</a><span>2020-07-0${n}</span></li>`;
    const html = page(
      `<ul class="list">${row(1, "某某基金管理有限公司2020年6月30日基金净值公告")}${row(2, "[20-07-02] 某某基金暂停申购的公告")}${row(3, "某某基金分红公告 2020-07-03")}</ul>`,
    );
    const items = listedCandidates(decodePage("http://www.example.com/xxpl.htm", Buffer.from(html)));
    expect(items.map((item) => item.title)).toEqual([
      "某某基金管理有限公司2020年6月30日基金净值公告",
      "某某基金暂停申购的公告",
      "某某基金分红公告",
    ]);
  });
});
