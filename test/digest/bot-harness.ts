import type { Update } from "grammy/types";
import { createDigestQueues } from "../../jobs/digest-workers.ts";
import { createBot } from "../../src/bot/create-bot.ts";
import { createQueryCache } from "../../src/bot/query-cache.ts";
import type { Clock } from "../../src/clock.ts";
import { createSubscriptionDeactivator } from "../../src/digest/deactivate.ts";
import { createDeliveryStore } from "../../src/digest/delivery-store.ts";
import { createDigestBuilder } from "../../src/digest/digest-builder.ts";
import { createDigestScheduler } from "../../src/digest/scheduler.ts";
import { createSubscriptionStore } from "../../src/digest/subscriptions-store.ts";
import { createLogger } from "../../src/logger.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { createGoneArticleStore } from "../../src/store/gone-articles.ts";
import { createSourceHealthStore } from "../../src/store/source-health.ts";
import { FAKE_BOT_INFO, FakeTelegram } from "../support/fake-telegram.ts";
import { createTestRedis } from "../support/redis.ts";
import { includesKeyword, testSources } from "./support.ts";

export const OPERATOR_ID = 900;
export const GROUP_ANONYMOUS_BOT = {
  id: 1087968824,
  is_bot: true,
  first_name: "Group",
  username: "GroupAnonymousBot",
};

/** A bot with the subscription features over real Redis and BullMQ, talking to the fake Bot API. */
export async function startBotHarness(clock: Clock = () => new Date("2024-05-06T01:00:00Z")) {
  const t = createTestRedis();
  const fake = await new FakeTelegram().start();
  const queues = createDigestQueues(t.connect(), t.prefix);
  const digestQueue = queues.digest;
  const subscriptions = createSubscriptionStore(t.redis, t.prefix);
  const announcements = createAnnouncementStore(t.redis, t.prefix);
  const delivery = createDeliveryStore(t.redis, t.prefix);
  const scheduler = createDigestScheduler(digestQueue);
  const sourceHealth = createSourceHealthStore(t.redis, t.prefix);
  const timezone = "Asia/Shanghai";
  const bot = createBot(
    { token: fake.token, apiRoot: fake.apiRoot, botInfo: FAKE_BOT_INFO },
    {
      logger: createLogger({ level: "silent" }),
      answers: {
        find: () =>
          Promise.resolve({
            query: { raw: "", terms: [], filters: {} },
            total: 0,
            offset: 0,
            items: [],
            suggestions: [],
          }),
      },
      queryCache: createQueryCache(t.redis, t.prefix),
      sources: testSources,
      subscriptions: {
        subscriptions,
        scheduler,
        digests: createDigestBuilder({
          announcements,
          subscriptions,
          sources: testSources,
          matchKeyword: includesKeyword,
          itemCap: 30,
          clock,
        }),
        sources: testSources,
        sourceHealth,
        clock,
        timezone,
        deactivator: createSubscriptionDeactivator({ subscriptions, scheduler, delivery, clock }),
      },
      admin: {
        operatorIds: [OPERATOR_ID],
        announcements,
        sources: testSources,
        sourceHealth,
        goneArticles: createGoneArticleStore(t.redis, t.prefix),
        subscriptionCount: () => subscriptions.count(),
        queueCounts: () => queues.counts(),
        recentDeliveryErrors: () => delivery.recentErrors(10),
        timezone,
      },
    },
  );
  let updateId = 1;
  const send = (update: Omit<Update, "update_id">) => bot.handleUpdate({ update_id: updateId++, ...update });
  return {
    t,
    fake,
    bot,
    digestQueue,
    subscriptions,
    announcements,
    delivery,
    sourceHealth,
    send,
    replies: () => fake.callsOf("sendMessage").map((c) => String(c.payload.text)),
    /** Stops everything; throws if the bot sent anything the real Bot API would have refused. */
    async stop() {
      await queues.close();
      await fake.stop();
      await t.cleanup();
      const refused = fake.refused();
      if (refused.length > 0) throw new Error(`Telegram would have refused: ${JSON.stringify(refused)}`);
    },
  };
}

export type BotHarness = Awaited<ReturnType<typeof startBotHarness>>;

export const group = (id = -100123) => ({ id, type: "supergroup" as const, title: "测试党支部群" });
export const forum = (id = -100777) => ({
  id,
  type: "supergroup" as const,
  title: "话题群",
  is_forum: true as const,
});
export const user = (id: number) => ({ id, is_bot: false, first_name: `用户${id}` });

let messageId = 100;

export function commandMessage(
  text: string,
  options: { chat?: ReturnType<typeof group>; from?: object; senderChat?: object; threadId?: number } = {},
): Omit<Update, "update_id"> {
  const command = text.split(" ")[0] ?? "";
  return {
    message: {
      message_id: messageId++,
      date: 1_714_957_200,
      chat: options.chat ?? group(),
      from: (options.from ?? user(1)) as never,
      ...(options.senderChat ? { sender_chat: options.senderChat as never } : {}),
      ...(options.threadId ? { message_thread_id: options.threadId, is_topic_message: true } : {}),
      text,
      entities: [{ type: "bot_command", offset: 0, length: command.length }],
    },
  };
}

export function buttonPress(
  data: string,
  options: { chat?: ReturnType<typeof group>; from?: number; threadId?: number } = {},
): Omit<Update, "update_id"> {
  return {
    callback_query: {
      id: String(messageId++),
      from: user(options.from ?? 1),
      chat_instance: "ci",
      data,
      message: {
        message_id: 50,
        date: 1_714_957_200,
        chat: options.chat ?? group(),
        from: { ...FAKE_BOT_INFO },
        text: "⚙️ 订阅设置",
        ...(options.threadId ? { message_thread_id: options.threadId, is_topic_message: true } : {}),
      },
    },
  };
}

export function membershipChange(
  chat: ReturnType<typeof group>,
  from: "left" | "member" | "administrator",
  to: "left" | "kicked" | "member" | "administrator",
): Omit<Update, "update_id"> {
  const member = (status: string) => ({ status, user: { ...FAKE_BOT_INFO } }) as never;
  return {
    my_chat_member: {
      chat,
      from: user(1),
      date: 1_714_957_200,
      old_chat_member: member(from),
      new_chat_member: member(to),
    },
  };
}
