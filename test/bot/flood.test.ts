import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UserRateLimit } from "../../src/bot/rate-limit.ts";
import { startPolling, type Receiver } from "../../src/runtime/telegram.ts";
import { redisKeys } from "../../src/store/keys.ts";
import { FakeTelegram, TELEGRAM_LIMITS, type RecordedCall } from "../support/fake-telegram.ts";
import { answeringBot } from "../support/fixed-answers.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

/** Telegram's limits and its retry_after run this many times faster, so the test is short. */
const TIME_SCALE = 10;
const FLOODER = 500;
const OTHERS = [501, 502, 503, 504, 505];

let nextId = 1;
function question(userId: number, chat: "private" | "group" = "private"): Update {
  const id = nextId++;
  const chatObject =
    chat === "private"
      ? { id: userId, type: "private" as const, first_name: `用户${userId}` }
      : { id: -100500, type: "supergroup" as const, title: "党支部群" };
  return {
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: chatObject,
      from: { id: userId, is_bot: false, first_name: `用户${userId}` },
      text: `/ask 共建 ${id}`,
      entities: [{ type: "bot_command", offset: 0, length: 4 }],
    },
  };
}

const isNotice = (call: RecordedCall) => String(call.payload.text).includes("每人每");
const answeredMessage = (call: RecordedCall) =>
  (call.payload.reply_parameters as { message_id: number } | undefined)?.message_id;

describe("a flood from one user", () => {
  let t: TestRedis;
  let telegram: FakeTelegram;
  const receivers: Receiver[] = [];

  beforeEach(async () => {
    t = createTestRedis();
    telegram = await new FakeTelegram().start();
    telegram.enforceLimits({ ...TELEGRAM_LIMITS, timeScale: TIME_SCALE });
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
    await telegram.stop();
    await t.cleanup();
  });

  const botWithLimit = (limit: UserRateLimit) => answeringBot(telegram, t, { timeScale: TIME_SCALE, limit });
  const to = (chatId: number) => telegram.delivered().filter((c) => c.payload.chat_id === chatId);

  it("does not delay five other users, and tells the flooder once per window", async () => {
    const limit = 10;
    const bot = botWithLimit({ max: limit, windowMs: 60_000 });
    receivers.push(await startPolling(bot, silentLogger()));
    const flood = Array.from({ length: 100 }, () => question(FLOODER));
    for (const update of flood) telegram.pushUpdate(update);
    const others = OTHERS.map((userId) => question(userId));
    for (const update of others) telegram.pushUpdate(update);

    await telegram.waitFor(
      "sendMessage",
      () => to(FLOODER).length === limit + 1 && OTHERS.every((id) => to(id).length === 1),
    );
    const delivered = telegram.delivered();
    const floodAnswers = delivered.filter((c) => c.payload.chat_id === FLOODER && !isNotice(c));
    // The first `limit` questions are answered, in the order asked; the rest get one notice.
    expect(floodAnswers.map(answeredMessage)).toEqual(
      flood.slice(0, limit).map((u) => u.message?.message_id),
    );
    expect(delivered.filter((c) => c.payload.chat_id === FLOODER && isNotice(c))).toHaveLength(1);
    // Telegram's per-chat limit made the flood's answers wait; nobody else waited for them.
    expect(telegram.violations.length).toBeGreaterThan(0);
    expect(new Set(telegram.violations)).toEqual(new Set(["chat"]));
    const position = (call: RecordedCall | undefined) => delivered.indexOf(call!);
    const tenthFloodAnswer = position(floodAnswers[limit - 1]);
    for (const userId of OTHERS) {
      const [answer] = to(userId);
      expect(answeredMessage(answer!)).toBe(others[OTHERS.indexOf(userId)]?.message?.message_id);
      expect(position(answer)).toBeLessThan(tenthFloodAnswer);
    }
    // Nothing was sent twice: one answer per admitted question, one notice.
    expect(to(FLOODER)).toHaveLength(limit + 1);
  }, 30_000);

  it("counts a user's questions across bot processes that share Redis, with one notice per window", async () => {
    const windowMs = 1_000;
    const bots = [botWithLimit({ max: 2, windowMs }), botWithLimit({ max: 2, windowMs })];
    const askBoth = async (count: number) => {
      for (let i = 0; i < count; i++) await bots[i % 2]!.handleUpdate(question(FLOODER));
    };
    await askBoth(5);
    expect(to(FLOODER).filter((c) => !isNotice(c))).toHaveLength(2);
    expect(to(FLOODER).filter(isNotice)).toHaveLength(1);
    // Another user is not affected by the first one's limit.
    await bots[0]!.handleUpdate(question(OTHERS[0]!));
    expect(to(OTHERS[0]!)).toHaveLength(1);

    const windowKey = redisKeys(t.prefix).userRequests(FLOODER);
    await expect.poll(() => t.redis.exists(windowKey), { timeout: 10_000, interval: 50 }).toBe(0);
    await askBoth(4);
    expect(to(FLOODER).filter((c) => !isNotice(c))).toHaveLength(4);
    expect(to(FLOODER).filter(isNotice)).toHaveLength(2);
  }, 30_000);

  it("limits questions in a group per user, not per group, and ignores chatter not addressed to the bot", async () => {
    const bot = botWithLimit({ max: 1, windowMs: 60_000 });
    await bot.handleUpdate(question(FLOODER, "group"));
    await bot.handleUpdate(question(FLOODER, "group"));
    await bot.handleUpdate(question(OTHERS[0]!, "group"));
    const chatter = question(OTHERS[1]!, "group");
    await bot.handleUpdate({ ...chatter, message: { ...chatter.message!, text: "大家好", entities: [] } });
    await bot.handleUpdate(question(OTHERS[1]!, "group"));
    const toGroup = telegram.delivered().filter((c) => c.payload.chat_id === -100500);
    expect(toGroup.map((c) => (isNotice(c) ? "notice" : "answer"))).toEqual([
      "answer",
      "notice",
      "answer",
      "answer",
    ]);
  });
});
