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

  it("drops a news site's error-report link, not a paragraph about correcting errors", () => {
    expect(cleanBody("正文。\n马某、吴某参加调研。\n【纠错】").text).toBe("正文。\n马某、吴某参加调研。");
    expect(cleanBody("正文。\n纠错是学习的一部分。").text).toBe("正文。\n纠错是学习的一部分。");
  });
});

describe("where the body ends", () => {
  it("drops a closing run of production credits and the reprint's original title", () => {
    const raw =
      "正文第一段。\n最后一段。\n原标题：他晚于某人登月\n出品︱某某科学栏目组 胖胖\n作者︱春春\n摄影：王五";
    expect(cleanBody(raw).text).toBe("正文第一段。\n最后一段。");
  });

  it("keeps a last paragraph that opens with a role word but is running text", () => {
    const raw = "正文。\n作者：张三在会上指出，要做好这项工作。";
    expect(cleanBody(raw).text).toBe(raw);
  });

  it("drops a closing copyright or reprint notice, not a paragraph about copyright", () => {
    expect(cleanBody("正文。\n【本文为某网独家稿件，未经授权，不得转载。】").text).toBe("正文。");
    expect(cleanBody("正文。\n版权声明：本文转载请注明出处。").text).toBe("正文。");
    expect(cleanBody("正文。\n某某网(www.example.com)专稿，未经书面授权请勿转载。").text).toBe("正文。");
    const story = "正文。\n法院认为，被告未经授权转载原告作品，构成侵权。";
    expect(cleanBody(story).text).toBe(story);
    const reprinted = "正文。\n这篇专稿发表后，未经授权被多家网站转载。";
    expect(cleanBody(reprinted).text).toBe(reprinted);
  });

  it("drops a closing QR-code or app plug, not a notice that mentions the account", () => {
    expect(cleanBody("正文。\nID：news-com\n长按二维码，关注我们").text).toBe("正文。");
    const notice = "正文。\n（六）如有变化将另行公告，请各位考生关注我校招生信息网和微信公众号。";
    expect(cleanBody(notice).text).toBe(notice);
  });

  it("cuts a box of other articles printed at the end of the content block", () => {
    const raw = "正文第一段。\n最后一段。\n本期精彩回顾\n某地举行某活动\n另一篇文章的标题很长也只是标题";
    expect(cleanBody(raw).text).toBe("正文第一段。\n最后一段。");
    const prose = `正文。\n相关阅读\n${"这是一段很长的正文，".repeat(10)}`;
    expect(cleanBody(prose).text).toBe(`正文。\n${"这是一段很长的正文，".repeat(10)}`);
  });

  it("cuts a featured-links box with the app promo captioned above it, not a short last paragraph", () => {
    const raw =
      "正文第一段。\n最后一段。\n某某财经\n会赚钱的客户端：\n图片：https://example.com/app.png\n重点推荐\n证券要闻\n某某指数三周下跌\n某公司换届遭质疑";
    expect(cleanBody(raw).text).toBe("正文第一段。\n最后一段。");
    const short = "正文第一段。\n大家好，\n谢谢大家！\n相关阅读\n某地举行某活动";
    expect(cleanBody(short).text).toBe("正文第一段。\n大家好，\n谢谢大家！");
  });

  it("drops a bracketed reporters' line under the last paragraph, not a paragraph quoting a reporter", () => {
    expect(cleanBody("正文。\n最后一段。\n（总台央视记者 张三 李四）").text).toBe("正文。\n最后一段。");
    const quote = "正文。\n（记者走访发现，多数商户已经恢复营业。）";
    expect(cleanBody(quote).text).toBe(quote);
  });

  it("does not open or end on a photo credit line", () => {
    expect(cleanBody("（新华社记者 张三 摄）\n正文。\n图片来源：视觉中国").text).toBe("正文。");
    expect(cleanBody("图注：会场一角\n正文。").text).toBe("正文。");
    expect(cleanBody("正文。\n本片由某团队拍摄").text).toBe("正文。\n本片由某团队拍摄");
  });

  it("keeps a last paragraph that starts with 关注 but plugs nothing", () => {
    expect(cleanBody("正文。\n关注学生成长是我们的责任").text).toBe("正文。\n关注学生成长是我们的责任");
  });

  it("drops the review chain and office credits a university page ends with", () => {
    const raw =
      "正文。\n文字：张三 图片：李四\n初审：王五 复审：赵六 终审：钱七\n责任校对：孙八\n撰稿人：周九";
    expect(cleanBody(raw).text).toBe("正文。");
    for (const credit of [
      "文/图：张三",
      "图文：张三",
      "一审：张三 二审：李四 三审：王五",
      "编审：张三",
      "作者单位：某某大学",
    ]) {
      expect(cleanBody(`正文。\n${credit}`).text).toBe("正文。");
    }
  });

  it("does not open with a byline, but does with a sentence that starts with a role word", () => {
    expect(cleanBody("文/张三 图/李四\n通讯员：王五\n正文第一段。").text).toBe("正文第一段。");
    const lead = "记者 从市教育局获悉，今年全市共有考生12万人\n正文。";
    expect(cleanBody(lead).text).toBe(lead);
  });

  it("does not open with a bulletin's repeated headline, issuing offices and date", () => {
    const raw =
      "某县2022年统计公报[1]\n某县统计局 国家统计局某县调查队\n（2023年5月）\n2022年，全县经济稳中有进。";
    expect(cleanBody(raw, "某县2022年统计公报").text).toBe("2022年，全县经济稳中有进。");
  });

  it("reads a government notice between its number under the split headline and its signature", () => {
    const raw =
      "某省人民政府关于禁止在\n某工程征地范围内新增建设项目的通告\n某政明电〔2022〕1号\n为做好某工程建设，现就有关事项通告如下：\n特此通告。\n某省人民政府\n2022年1月27日";
    expect(cleanBody(raw, "某省人民政府关于禁止在某工程征地范围内新增建设项目的通告").text).toBe(
      "为做好某工程建设，现就有关事项通告如下：\n特此通告。",
    );
    const numbered = "国办发（2024）5号文件要求各地加强管理。\n正文。";
    expect(cleanBody(numbered).text).toBe(numbered);
  });

  it("starts a long report after the table of contents it opens with, not a text that mentions one", () => {
    const raw =
      "目 录：\n导 言\n第一章 发展历程\n一、百年征程\n结语\n导 言\n18世纪中期，工业革命拉开大幕。\n百年来，中国走出了自己的路。";
    expect(cleanBody(raw).text).toBe("18世纪中期，工业革命拉开大幕。\n百年来，中国走出了自己的路。");
    const notice = "本目录收录了2023年出台的政策文件。\n请各单位对照执行。";
    expect(cleanBody(notice).text).toBe(notice);
  });

  it("does not open with a byline and source, a relative time, a counter or a reading-time note", () => {
    const raw =
      "张三 李四 | 来源：某某报\n1天前\n0\n本文共3381字，预计阅读时间1分21秒\n8月21日晚间，某局发布消息。";
    expect(cleanBody(raw).text).toBe("8月21日晚间，某局发布消息。");
  });

  it("drops a notice's sign-off by several offices together, not a closing list of offices in a sentence", () => {
    expect(cleanBody("请各参赛团队做好准备。\n教务处、经济学院\n2026年3月26日").text).toBe(
      "请各参赛团队做好准备。",
    );
    expect(cleanBody("通知如下。\n参加单位：教务处、经济学院").text).toBe(
      "通知如下。\n参加单位：教务处、经济学院",
    );
  });

  it("drops a sign-off that names an association in its short form (校科协, 区妇联)", () => {
    expect(cleanBody("欢迎师生参加。\n科学技术处、社会科学处、校科协\n2026年5月27日").text).toBe(
      "欢迎师生参加。",
    );
    expect(cleanBody("请各单位按时报送。\n区妇联").text).toBe("请各单位按时报送。");
  });

  it("drops the writer's name signed under the last sentence, not a closing formula or a list of names", () => {
    expect(cleanBody("正文第一段。\n为实现中国梦奋斗不息。\n梁某某").text).toBe(
      "正文第一段。\n为实现中国梦奋斗不息。",
    );
    expect(cleanBody("请各单位做好准备。\n特此通知").text).toBe("请各单位做好准备。\n特此通知");
    expect(cleanBody("获奖名单如下：\n张三 李四\n王五").text).toBe("获奖名单如下：\n张三 李四\n王五");
  });

  it("cuts a closing invitation to like and follow, not a line far from the end that starts the same way", () => {
    const raw = "正文。\n最后一段。\n如果您喜欢本站图文分享 邀请您到粉丝团\n按个赞!\n内容不定期更新 谢谢!";
    expect(cleanBody(raw).text).toBe("正文。\n最后一段。");
    const poem = ["春风", "如果你喜欢春天", "就去看花", "花开满山", "鸟鸣山涧", "一年又一年"].join("\n");
    expect(cleanBody(poem).text).toBe(poem);
  });

  it("drops a translator's credit at the end of the last paragraph", () => {
    expect(cleanBody("最后一段。（编译/林某某）").text).toBe("最后一段。");
  });

  it("drops the writer's bracketed name after the last sentence, not （完）", () => {
    expect(cleanBody("正文。\n实现“多赢”“共赢”。（钟某文）\n[").text).toBe("正文。\n实现“多赢”“共赢”。");
    expect(cleanBody("正文。\n最后一段。（完）").text).toBe("正文。\n最后一段。（完）");
  });

  it("drops several writers' or a reporter's bracketed names after the last sentence", () => {
    expect(cleanBody("正文。\n过一个廉洁的新春佳节。（常某香 马某阳 ）").text).toBe(
      "正文。\n过一个廉洁的新春佳节。",
    );
    expect(cleanBody("正文。\n推动工业高质量发展。（记者 胡某蓉）").text).toBe(
      "正文。\n推动工业高质量发展。",
    );
    expect(cleanBody("正文。\n比赛分为（初赛 复赛 决赛）").text).toBe("正文。\n比赛分为（初赛 复赛 决赛）");
  });

  it("drops a round-up's closing 整合 and 素材来源 credits, not a last paragraph that starts with 整理", () => {
    const raw =
      "正文。\n加快打造高质量发展动力源。\n整合 新华日报·交汇点记者 徐某翔\n素材来源 江苏13个设区市党报及官方发布";
    expect(cleanBody(raw).text).toBe("正文。\n加快打造高质量发展动力源。");
    expect(cleanBody("正文。\n整理 好行装，我们出发。").text).toBe("正文。\n整理 好行装，我们出发。");
  });

  it("drops a closing reporter line and a print-edition reference", () => {
    expect(cleanBody("正文。\n最后一段。\n中青报·中青网记者 魏某某 来源：中国青年报").text).toBe(
      "正文。\n最后一段。",
    );
    expect(cleanBody("正文。\n最后一段。\n《 人民日报 》（ 2024年05月10日 04 版）").text).toBe(
      "正文。\n最后一段。",
    );
  });

  it("reads a reprint between its bare 原标题 note and a reporter line marked with a box", () => {
    const raw =
      "原标题：春季学期开学，织密返校防控网\n江苏多地日前发布通知。\n开学前完成核酸检测。\n□ 本报记者 葛灵丹";
    expect(cleanBody(raw).text).toBe("江苏多地日前发布通知。\n开学前完成核酸检测。");
  });

  it("ends a multi-page story at its pager, with what the page prints after it", () => {
    const raw =
      "正文。\n促进农业增效。\n新华社发（刘某某摄）\n|<<1234下一页>>|\n数字农机\n[作者: 刘某某 责任编辑:\n杨某某 ]";
    expect(cleanBody(raw).text).toBe("正文。\n促进农业增效。");
  });

  it("does not open with a column tag and a reporter's byline, but does with an 编者按 tag", () => {
    expect(cleanBody("【新春走基层】\n光明日报记者 王某宏 张某攀\n土豆，听名字就“土”得掉渣。").text).toBe(
      "土豆，听名字就“土”得掉渣。",
    );
    expect(cleanBody("河南商报记者马某峰/文受访者供图\n“你是不知道。”\n第二段。").text).toBe(
      "“你是不知道。”\n第二段。",
    );
    expect(cleanBody("【编者按】\n本刊今起连载。").text).toBe("【编者按】\n本刊今起连载。");
  });

  it("opens with a dateline sentence that names a date and the word 发布", () => {
    const raw =
      "央广网北京2月13日消息 中央军委主席日前签署命令，发布《规定》，自2022年2月10日起施行。\n第二段。";
    expect(cleanBody(raw).text).toBe(raw);
    expect(cleanBody("发布时间：2022年2月13日\n正文。").text).toBe("正文。");
  });

  it("does not open with the outlet's summary over the text", () => {
    const raw =
      "[摘要：京东过于务虚，并因此受到质疑。]\n原标题：京东数字游戏\n京东每次促销活动都是在考验媒体智商。\n最后一段。";
    expect(cleanBody(raw).text).toBe("京东每次促销活动都是在考验媒体智商。\n最后一段。");
    expect(cleanBody("摘要不多说。\n正文。").text).toBe("摘要不多说。\n正文。");
  });

  it("ends a feature before its note on pseudonyms and its thanks to helpers, not before thanks to readers", () => {
    const raw = "第一段。\n来到我们的身边。\n文中林影为化名\n感谢郭张隽、货代老王为本文提供的帮助";
    expect(cleanBody(raw).text).toBe("第一段。\n来到我们的身边。");
    expect(cleanBody("请按时报到。\n感谢各位考生的支持与配合！").text).toBe(
      "请按时报到。\n感谢各位考生的支持与配合！",
    );
  });

  it("ends before a bracketed note of where the piece first ran in print", () => {
    expect(cleanBody("第一段。\n才能书写新的传奇。（刊于《半月谈》2019年第24期）").text).toBe(
      "第一段。\n才能书写新的传奇。",
    );
    expect(cleanBody("我们刊于《人民日报》的文章（见附图）。").text).toBe(
      "我们刊于《人民日报》的文章（见附图）。",
    );
  });

  it("ends before captioned photos printed after the text", () => {
    const raw =
      "阿比纳德尔19日晚宣布获胜，成功连任。\n5月19日，阿比纳德尔发表胜选演讲。 新华社记者 李梦馨 摄\n5月19日，阿比纳德尔在竞选总部。 新华社记者 李梦馨 摄";
    expect(cleanBody(raw).text).toBe("阿比纳德尔19日晚宣布获胜，成功连任。");
  });

  it("does not open with captions that end with whose photo it is", () => {
    const raw =
      "5月9日，双选会现场。某某学院供图\n学生在实习。（张某 摄）\n2020年高考填报志愿时，她选择了这个专业。";
    expect(cleanBody(raw).text).toBe("2020年高考填报志愿时，她选择了这个专业。");
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
