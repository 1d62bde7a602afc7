import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Announcement } from "../../src/announcement.ts";
import type { AnswerPage, AnswerService } from "../../src/answers.ts";
import { createBot, registerCommands } from "../../src/bot/create-bot.ts";
import { createQueryCache } from "../../src/bot/query-cache.ts";
import { silentLogger } from "../support/logger.ts";
import { createSourceDirectory } from "../../src/sources-directory.ts";
import { FAKE_BOT_INFO, FakeTelegram, telegramFailures } from "../support/fake-telegram.ts";
import { answerPageOf } from "../support/fixed-answers.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { callbackQuery, group, inlineQuery, textMessage } from "../support/updates.ts";

const announcement = (n: number, title = `第${n}条 党支部共建交流会`): Announcement => ({
  id: `a${n}`,
  url: `https://news.example.edu.cn/${n}/page.htm`,
  title,
  date: "2024-05-05",
  sourceId: "demo",
  school: "中国矿业大学",
  text: "正文。",
  contentHash: `h${n}`,
  firstSeen: 0,
  alternates: [],
});

/** Answers from a fixed list: the bot's behaviour is under test here, not the search engine's. */
function fixedAnswers(all: Announcement[]): AnswerService & { questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    find(question, page): Promise<AnswerPage> {
      questions.push(question);
      const found = question.includes("没有") ? [] : all;
      return Promise.resolve(answerPageOf(question, found, page, found.length === 0 ? ["共建"] : []));
    },
  };
}

describe("asking the bot", () => {
  const telegram = new FakeTelegram();
  let t: TestRedis;
  let answers: ReturnType<typeof fixedAnswers>;
  let bot: ReturnType<typeof createBot>;

  beforeAll(async () => {
    await telegram.start();
  });
  afterAll(() => telegram.stop());
  beforeEach(() => {
    t = createTestRedis();
    telegram.clear();
    answers = fixedAnswers(Array.from({ length: 7 }, (_, i) => announcement(i + 1)));
    bot = createBot(
      { token: telegram.token, apiRoot: telegram.apiRoot, botInfo: FAKE_BOT_INFO },
      {
        logger: silentLogger(),
        answers,
        queryCache: createQueryCache(t.redis, t.prefix),
        sources: createSourceDirectory([{ id: "demo", name: "示例数据", school: "中国矿业大学" }]),
      },
    );
  });
  afterEach(async () => {
    await t.cleanup();
    expect(telegram.refused()).toEqual([]);
  });

  const sent = () => telegram.callsOf("sendMessage").map((c) => c.payload);

  it("answers /ask with the best three, in HTML with bold terms, links and a 更多 button", async () => {
    await bot.handleUpdate(textMessage("/ask 样板党支部共建交流"));
    const [reply] = sent();
    expect(answers.questions).toEqual(["样板党支部共建交流"]);
    expect(reply?.parse_mode).toBe("HTML");
    const text = String(reply?.text);
    expect(text).toContain("共 7 条，第 1–3 条");
    expect(text).toContain('<a href="https://news.example.edu.cn/1/page.htm">第1条 党支部共建交流会</a>');
    expect(text).toContain("<b>共建</b>");
    expect(text).toContain("2024-05-05 ｜ 中国矿业大学 · 示例数据");
    expect(text).not.toContain("第4条");
    expect(text.length).toBeLessThanOrEqual(4096);
    const buttons = (
      reply?.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }
    ).inline_keyboard;
    expect(buttons.flat().map((b) => b.text)).toEqual(["更多"]);
    expect(Buffer.byteLength(buttons.flat()[0]!.callback_data)).toBeLessThanOrEqual(64);
    expect(reply?.link_preview_options).toEqual({ is_disabled: true });
  });

  it("pages with 更多 by editing the message, and offers 上一页", async () => {
    await bot.handleUpdate(textMessage("/search 共建"));
    const data = (sent()[0]?.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
      .inline_keyboard[0]![0]!.callback_data;
    await bot.handleUpdate(callbackQuery(data, 5));
    const [edit] = telegram.callsOf("editMessageText").map((c) => c.payload);
    expect(edit?.message_id).toBe(5);
    expect(String(edit?.text)).toContain("第 4–6 条");
    const labels = (edit?.reply_markup as { inline_keyboard: Array<Array<{ text: string }>> }).inline_keyboard
      .flat()
      .map((b) => b.text);
    expect(labels).toEqual(["上一页", "更多"]);
    expect(telegram.callsOf("answerCallbackQuery")).toHaveLength(1);
  });

  it("says clearly that a stale or forged button expired", async () => {
    for (const data of ["p:AAAAAAAAAAAA:3", "p:../../etc:1", "garbage"]) {
      await bot.handleUpdate(callbackQuery(data));
    }
    const alerts = telegram.callsOf("answerCallbackQuery").map((c) => c.payload.text);
    expect(alerts).toHaveLength(3);
    expect(
      alerts.every(
        (text) => (typeof text === "string" && text.includes("失效")) || String(text).includes("过期"),
      ),
    ).toBe(true);
    expect(telegram.callsOf("editMessageText")).toHaveLength(0);
  });

  it("escapes HTML in titles", async () => {
    answers = fixedAnswers([announcement(1, '关于举办<党史学习>分享会的通知 & "学习"')]);
    bot = createBot(
      { token: telegram.token, apiRoot: telegram.apiRoot, botInfo: FAKE_BOT_INFO },
      {
        logger: silentLogger(),
        answers,
        queryCache: createQueryCache(t.redis, t.prefix),
        sources: createSourceDirectory([]),
      },
    );
    await bot.handleUpdate(textMessage("/ask 党史"));
    expect(String(sent()[0]?.text)).toContain("关于举办&lt;党史学习&gt;分享会的通知 &amp; &quot;学习&quot;");
  });

  it("treats plain text in a private chat, a mention or a reply to the bot in a group as a question", async () => {
    await bot.handleUpdate(textMessage("主题党日"));
    await bot.handleUpdate(textMessage(`@${FAKE_BOT_INFO.username} 清明祭扫`, { chat: group }));
    await bot.handleUpdate(textMessage("那矿大呢", { chat: group, replyToBot: true }));
    await bot.handleUpdate(textMessage("大家好，今天开会", { chat: group }));
    expect(answers.questions).toEqual(["主题党日", "清明祭扫", "那矿大呢"]);
    expect(sent()).toHaveLength(3);
  });

  it("says when nothing was found and suggests what to try", async () => {
    await bot.handleUpdate(textMessage("/ask 没有这种活动"));
    const text = String(sent()[0]?.text);
    expect(text).toContain("没有找到与「没有这种活动」相关的公告");
    expect(text).toContain("/ask 共建");
  });

  it("answers inline queries as articles, paged with next_offset", async () => {
    await bot.handleUpdate(inlineQuery("共建"));
    const first = telegram.callsOf("answerInlineQuery")[0]?.payload;
    expect((first?.results as unknown[]).length).toBe(7);
    expect(first?.next_offset).toBe("");
    const article = (first?.results as Array<Record<string, unknown>>)[0];
    expect(article).toMatchObject({ type: "article", id: "a1", title: "第1条 党支部共建交流会" });
  });

  it("handles bad input with a clear reply and no crash", async () => {
    await bot.handleUpdate(textMessage("/ask"));
    await bot.handleUpdate(textMessage("/ask    "));
    await bot.handleUpdate(textMessage(`/ask ${"党".repeat(5000)}`));
    await bot.handleUpdate(textMessage("/ask 🎉\u0000\u0007共建\u200b"));
    await bot.handleUpdate(textMessage("/nosuchcommand"));
    await bot.handleUpdate(textMessage("/nosuchcommand", { chat: group }));
    const texts = sent().map((p) => String(p.text));
    expect(texts[0]).toContain("请在 /ask 后面写上");
    expect(texts[1]).toContain("请在 /ask 后面写上");
    expect(answers.questions[0]).toHaveLength(200);
    expect(answers.questions[1]).toBe("🎉 共建");
    expect(texts[4]).toContain("/help");
    expect(texts).toHaveLength(5);
  });

  it("explains itself on /start and /help", async () => {
    await bot.handleUpdate(textMessage("/start"));
    const text = String(sent()[0]?.text);
    expect(text).toContain("/ask");
    expect(text).toContain(`@${FAKE_BOT_INFO.username}`);
  });

  it("replies with a generic apology when something unexpected fails", async () => {
    answers.find = () => Promise.reject(new Error("boom"));
    await bot.handleUpdate(textMessage("/ask 共建"));
    expect(String(sent()[0]?.text)).toContain("出错了");
  });
});

describe("Telegram refusing or failing a reply", () => {
  const telegram = new FakeTelegram();
  let t: TestRedis;
  beforeAll(async () => {
    await telegram.start();
    t = createTestRedis();
  });
  afterAll(async () => {
    await telegram.stop();
    await t.cleanup();
  });

  const botFor = () =>
    createBot(
      { token: telegram.token, apiRoot: telegram.apiRoot, botInfo: FAKE_BOT_INFO },
      {
        logger: silentLogger(),
        answers: fixedAnswers([announcement(1)]),
        queryCache: createQueryCache(t.redis, t.prefix),
        sources: createSourceDirectory([]),
      },
    );

  it("waits out a 429 with retry_after and a 500, then answers", async () => {
    telegram.fail("sendMessage", telegramFailures.tooManyRequests(1));
    telegram.fail("sendMessage", telegramFailures.serverError());
    await botFor().handleUpdate(textMessage("/ask 共建"));
    const attempts = telegram.callsOf("sendMessage");
    expect(attempts).toHaveLength(3);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it("gives up quietly when the bot was blocked (403): logged, no crash", async () => {
    telegram.clear();
    telegram.fail("sendMessage", telegramFailures.blocked(), { times: 5 });
    await expect(botFor().handleUpdate(textMessage("/ask 共建"))).resolves.toBeUndefined();
    expect(telegram.callsOf("sendMessage")).toHaveLength(1);
  });

  it("registers its commands for private chats, groups and group admins", async () => {
    telegram.clear();
    await registerCommands(botFor());
    const scopes = telegram.callsOf("setMyCommands").map((c) => (c.payload.scope as { type: string }).type);
    expect(scopes).toEqual(["all_private_chats", "all_group_chats", "all_chat_administrators"]);
    const adminCommands = telegram.callsOf("setMyCommands")[2]?.payload.commands as Array<{
      command: string;
    }>;
    expect(adminCommands.map((c) => c.command)).toContain("subscribe");
  });
});
