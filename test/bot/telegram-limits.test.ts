import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Announcement } from "../../src/announcement.ts";
import type { AnswerPage, AnswerService } from "../../src/answers.ts";
import { createBot } from "../../src/bot/create-bot.ts";
import { MESSAGE_LIMIT, splitIntoMessages } from "../../src/bot/format.ts";
import { htmlToPlainText } from "../../src/bot/outgoing.ts";
import { createQueryCache } from "../../src/bot/query-cache.ts";
import { createSourceDirectory } from "../../src/sources-directory.ts";
import { FAKE_BOT_INFO, FakeTelegram, telegramFailures } from "../support/fake-telegram.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { parseTelegramHtml } from "../support/telegram-text.ts";
import { group, textMessage } from "../support/updates.ts";
import { makeAnnouncement } from "../digest/support.ts";

const announcement = (n: number, title = `第${n}条 党支部共建交流会`) =>
  makeAnnouncement({ title, sourceId: "demo", text: "正文。" });

/** Answers every question with the same items, and reports `unmatched` as the words not found. */
function answersWith(
  items: Announcement[],
  unmatched: string[] = [],
): AnswerService & { questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    find(question, { offset, limit }): Promise<AnswerPage> {
      questions.push(question);
      return Promise.resolve({
        query: { raw: question, terms: [], filters: {} },
        total: items.length,
        offset,
        items: items
          .slice(offset, offset + limit)
          .map((a) => ({ announcement: a, snippet: [{ text: a.text, match: false }] })),
        suggestions: [],
        unmatched,
      });
    },
  };
}

describe("replies within what Telegram accepts", () => {
  const telegram = new FakeTelegram();
  let t: TestRedis;
  let answers: ReturnType<typeof answersWith>;

  beforeAll(() => telegram.start());
  afterAll(() => telegram.stop());
  beforeEach(() => {
    t = createTestRedis();
    telegram.clear();
    answers = answersWith([announcement(1)]);
  });
  afterEach(() => t.cleanup());

  const botWith = (service: AnswerService) =>
    createBot(
      { token: telegram.token, apiRoot: telegram.apiRoot, botInfo: FAKE_BOT_INFO },
      {
        logger: silentLogger(),
        answers: service,
        queryCache: createQueryCache(t.redis, t.prefix),
        sources: createSourceDirectory([{ id: "demo", name: "示例数据", school: "中国矿业大学" }]),
      },
    );
  const sent = () => telegram.callsOf("sendMessage").map((c) => c.payload);

  it("the fake refuses what the real Bot API refuses", async () => {
    const post = async (method: string, body: string | Buffer) => {
      const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      return (await response.json()) as { ok: boolean; description?: string };
    };
    const send = (payload: object) => post("sendMessage", JSON.stringify({ chat_id: 42, ...payload }));
    expect(await send({ text: "x".repeat(4097) })).toMatchObject({
      description: "Bad Request: message is too long",
    });
    expect(await send({ text: `<b>${"x".repeat(4096)}</b>`, parse_mode: "HTML" })).toMatchObject({
      ok: true,
    });
    expect(await send({ text: "<b>共建", parse_mode: "HTML" })).toMatchObject({
      description: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    });
    expect((await send({ text: "a <br> b", parse_mode: "HTML" })).description).toContain(
      `can't parse entities: Unsupported start tag "br"`,
    );
    expect(await send({ text: "共建\uD800" })).toMatchObject({
      description: "Bad Request: strings must be encoded in UTF-8",
    });
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"chat_id":42,"text":"'),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    expect(await post("sendMessage", invalidUtf8)).toMatchObject({
      description: "Bad Request: strings must be encoded in UTF-8",
    });
    expect(
      await post("answerCallbackQuery", JSON.stringify({ callback_query_id: "1", text: "长".repeat(201) })),
    ).toMatchObject({ ok: false });
  });

  it("sends a message refused for its formatting again as plain text, without raw tags", async () => {
    const bot = botWith(answers);
    const html = '<b>共建</b> <i>交流 <a href="https://example.edu.cn/?a=1&amp;b=2">通知 &lt;一&gt;</a>';
    await bot.api.sendMessage(42, html, { parse_mode: "HTML" });
    const [refused, resent] = sent();
    expect(refused?.parse_mode).toBe("HTML");
    expect(resent?.parse_mode).toBeUndefined();
    expect(resent?.text).toBe("共建 交流 通知 <一>（https://example.edu.cn/?a=1&b=2）");
    expect(telegram.delivered()).toHaveLength(1);
  });

  it("does not resend a message refused for another reason", async () => {
    telegram.fail("sendMessage", telegramFailures.chatNotFound());
    await expect(botWith(answers).api.sendMessage(42, "<b>x</b>", { parse_mode: "HTML" })).rejects.toThrow(
      "chat not found",
    );
    expect(sent()).toHaveLength(1);
  });

  it("removes lone surrogates from what it sends and what it searches for", async () => {
    const bot = botWith(answers);
    await bot.handleUpdate(textMessage("/ask 共建\uD800交流\uDFFF"));
    await bot.api.sendMessage(42, "半个\uDBFF字");
    await bot.api.answerCallbackQuery("1", { text: "长".repeat(500) });
    expect(answers.questions).toEqual(["共建 交流"]);
    expect(telegram.refused()).toEqual([]);
    expect(sent()[1]?.text).toBe("半个字");
    expect(String(telegram.callsOf("answerCallbackQuery")[0]?.payload.text)).toHaveLength(200);
  });

  it("keeps a reply to a question of any length within the limit", async () => {
    const long = answersWith(
      [1, 2, 3].map((n) => ({ ...announcement(n, "很长的标题".repeat(200)), text: "正文".repeat(3000) })),
    );
    const bot = botWith(long);
    await bot.handleUpdate(textMessage(`/ask ${"共建".repeat(3000)}`));
    await bot.handleUpdate(textMessage(`/ask ${"&<b>".repeat(1000)}`));
    expect(telegram.refused()).toEqual([]);
    expect(telegram.delivered()).toHaveLength(2);
  });

  it("answers a greeting with a short hint on how to ask, not with 'nothing found'", async () => {
    const bot = botWith(answers);
    await bot.handleUpdate(textMessage("你好"));
    await bot.handleUpdate(textMessage("在吗？"));
    await bot.handleUpdate(textMessage("/ask hi!"));
    await bot.handleUpdate(textMessage(`@${FAKE_BOT_INFO.username} 您好`, { chat: group }));
    expect(answers.questions).toEqual([]);
    const replies = sent();
    expect(replies).toHaveLength(4);
    for (const reply of replies) {
      expect(String(reply.text)).toContain("/ask");
      expect(String(reply.text)).not.toContain("没有找到");
      expect(reply.reply_parameters).toBeDefined();
    }
  });

  it("says which words of the question the answers do not hold", async () => {
    await botWith(answersWith([announcement(1)], ["读书会"])).handleUpdate(textMessage("/ask 共建 读书会"));
    expect(String(sent()[0]?.text)).toContain("未找到：读书会");
    telegram.clear();
    await botWith(answers).handleUpdate(textMessage("/ask 共建"));
    expect(String(sent()[0]?.text)).not.toContain("未找到");
  });
});

describe("splitting and stripping HTML", () => {
  it("splits long lists between lines into parts Telegram parses, each within the limit", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `• <b>来源 ${i}</b> <code>src-${i}</code> ✅ 正常`);
    const parts = splitIntoMessages(lines);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(parseTelegramHtml(part)).not.toHaveProperty("error");
    }
    expect(parts.join("\n")).toBe(lines.join("\n"));
  });

  it("sends a single block too long for any message as its clipped text", () => {
    const [part] = splitIntoMessages([`<b>${'"<&>'.repeat(3000)}</b>`]);
    expect(part!.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(parseTelegramHtml(part!)).not.toHaveProperty("error");
  });

  it("reads HTML as its text, links with their address", () => {
    expect(htmlToPlainText('<a href="https://a.cn/x">https://a.cn/x</a> &amp; <b>粗</b>&#x4E2D;')).toBe(
      "https://a.cn/x & 粗中",
    );
  });
});
