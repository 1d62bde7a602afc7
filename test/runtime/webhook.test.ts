import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnswerService } from "../../src/answers.ts";
import { createBot } from "../../src/bot/create-bot.ts";
import { createQueryCache } from "../../src/bot/query-cache.ts";
import { startWebhook, type Receiver } from "../../src/runtime/telegram.ts";
import { createSourceDirectory } from "../../src/sources-directory.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { textMessage } from "../support/updates.ts";

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

  const post = (headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${receiver.port}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(textMessage("/help")),
    });

  it("registers the webhook with its secret token", () => {
    const [call] = telegram.callsOf("setWebhook");
    expect(call?.payload).toMatchObject({ url: "https://bot.example.org/telegram", secret_token: secret });
  });

  it("refuses updates without the right secret, and handles those with it", async () => {
    expect((await post({})).status).toBe(401);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "wrong" })).status).toBe(401);
    expect(telegram.callsOf("sendMessage")).toHaveLength(0);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret })).status).toBe(200);
    expect(telegram.callsOf("sendMessage")).toHaveLength(1);
  });
});
