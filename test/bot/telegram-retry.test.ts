import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram, telegramFailures } from "../support/fake-telegram.ts";
import { answeringBot } from "../support/fixed-answers.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { group, privateChat, textMessage } from "../support/updates.ts";

const TIME_SCALE = 10;

describe("Telegram's 429 as the bot's answers meet it", () => {
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
  beforeEach(() => telegram.clear());

  const bot = () => answeringBot(telegram, t, { timeScale: TIME_SCALE });

  it("waits out a 429 in its own chat only: another chat is answered meanwhile", async () => {
    telegram.fail("sendMessage", telegramFailures.tooManyRequests(5), {
      when: (payload) => payload.chat_id === privateChat.id,
    });
    const b = bot();
    const waiting = b.handleUpdate(textMessage("/ask 共建"));
    await telegram.waitFor("sendMessage", (c) => c.status === 429);
    await b.handleUpdate(textMessage("/ask 共建", { chat: group }));
    await waiting;
    const delivered = telegram.delivered().map((c) => c.payload.chat_id);
    expect(delivered).toEqual([group.id, privateChat.id]);
  });

  it("does not wait out a 429 longer than the cap: the call fails at once, once", async () => {
    telegram.fail("sendMessage", telegramFailures.tooManyRequests(3600));
    await bot().handleUpdate(textMessage("/ask 共建"));
    const [refused, ...later] = telegram.callsOf("sendMessage");
    expect(refused?.status).toBe(429);
    expect(later.filter((c) => c.payload.text === refused?.payload.text)).toEqual([]);
  });
});
