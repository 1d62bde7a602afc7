import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AnswerService } from "../../src/answers.ts";
import { createBot } from "../../src/bot/create-bot.ts";
import { createQueryCache } from "../../src/bot/query-cache.ts";
import { MAX_WEBHOOK_BODY_BYTES, startWebhook, type Receiver } from "../../src/runtime/telegram.ts";
import { createSourceDirectory } from "../../src/sources-directory.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { group, privateChat, textMessage } from "../support/updates.ts";

describe("webhook mode", () => {
  const telegram = new FakeTelegram();
  let t: TestRedis;
  let receiver: Receiver & { port: number };
  const secret = "webhook-secret-0123456789";

  beforeAll(async () => {
    await telegram.start();
    t = createTestRedis();
    const answers: AnswerService = {
      find: (raw, { offset }) =>
        Promise.resolve({
          query: { raw, terms: [], filters: {} },
          total: 0,
          offset,
          items: [],
          suggestions: [],
        }),
    };
    const bot = createBot(
      { token: telegram.token, apiRoot: telegram.apiRoot },
      {
        logger: silentLogger(),
        answers,
        queryCache: createQueryCache(t.redis, t.prefix),
        sources: createSourceDirectory([]),
      },
    );
    receiver = await startWebhook(
      bot,
      { url: "https://bot.example.org/telegram", secret, port: 0 },
      silentLogger(),
    );
  });
  afterAll(async () => {
    await receiver.stop();
    await telegram.stop();
    await t.cleanup();
  });

  beforeEach(() => telegram.clear());

  const withSecret = { "X-Telegram-Bot-Api-Secret-Token": secret };
  const post = (headers: Record<string, string>, body: string = JSON.stringify(textMessage("/help"))) =>
    fetch(`http://127.0.0.1:${receiver.port}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });

  it("registers the webhook with its secret token", async () => {
    const call = await telegram.waitFor("setWebhook");
    expect(call.payload).toMatchObject({ url: "https://bot.example.org/telegram", secret_token: secret });
  });

  it("refuses updates without the right secret, and handles those with it", async () => {
    expect((await post({})).status).toBe(401);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "wrong" })).status).toBe(401);
    expect((await post({}, "x".repeat(2 * MAX_WEBHOOK_BODY_BYTES))).status).toBe(401);
    expect(telegram.callsOf("sendMessage")).toHaveLength(0);
    expect((await post(withSecret)).status).toBe(200);
    await telegram.waitFor("sendMessage");
    expect(telegram.callsOf("sendMessage")).toHaveLength(1);
  });

  it("answers a body over the size cap 413, whether declared or streamed, and handles nothing", async () => {
    const huge = JSON.stringify({ ...textMessage("/help"), padding: "x".repeat(MAX_WEBHOOK_BODY_BYTES) });
    expect((await post(withSecret, huge)).status).toBe(413);
    const streamed = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        {
          port: receiver.port,
          host: "127.0.0.1",
          method: "POST",
          path: "/telegram",
          headers: { ...withSecret, "transfer-encoding": "chunked" },
        },
        (response) => resolve(response.statusCode),
      );
      req.on("error", reject);
      const chunk = "x".repeat(64 * 1024);
      const write = (left: number): void => {
        if (left === 0 || req.destroyed) return void req.end();
        if (req.write(chunk)) write(left - 1);
        else req.once("drain", () => write(left - 1));
      };
      write(32);
    });
    expect(streamed).toBe(413);
    expect((await post(withSecret)).status).toBe(200);
    await telegram.waitFor("sendMessage");
    expect(telegram.callsOf("sendMessage")).toHaveLength(1);
  });

  it("answers invalid JSON, or JSON that is no update, 400 rather than a 5xx Telegram would retry", async () => {
    expect((await post(withSecret, "{not json")).status).toBe(400);
    expect((await post(withSecret, '"just a string"')).status).toBe(400);
    expect((await post(withSecret, '{"message":{}}')).status).toBe(400);
    expect(telegram.callsOf("sendMessage")).toHaveLength(0);
  });

  it("answers Telegram before the update is handled, and keeps each chat's answers in order", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    telegram.on("sendMessage", (payload) => {
      if (String(payload.text).includes("没有这个命令")) return released.then(() => true);
      return true;
    });
    const groupQuestion = textMessage("/nonsense@zhibu_test_bot", { chat: group });
    expect((await post(withSecret, JSON.stringify(groupQuestion))).status).toBe(200);
    expect((await post(withSecret, JSON.stringify(textMessage("/help", { chat: group })))).status).toBe(200);
    expect((await post(withSecret, JSON.stringify(textMessage("/help", { chat: privateChat })))).status).toBe(
      200,
    );
    // The private chat is answered while the group's first answer is held up; the group's second waits.
    await telegram.waitFor("sendMessage", (c) => c.payload.chat_id === privateChat.id);
    expect(telegram.callsOf("sendMessage").filter((c) => c.payload.chat_id === group.id)).toHaveLength(1);
    release();
    await telegram.waitFor(
      "sendMessage",
      (c) => c.payload.chat_id === group.id && String(c.payload.text).includes("支部"),
    );
    const toGroup = telegram.callsOf("sendMessage").filter((c) => c.payload.chat_id === group.id);
    expect(toGroup.map((c) => String(c.payload.text).includes("没有这个命令"))).toEqual([true, false]);
  });
});
