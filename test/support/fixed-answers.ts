import type { Announcement } from "../../src/announcement.ts";
import type { AnswerPage, AnswerService } from "../../src/answers.ts";
import { createBot } from "../../src/bot/create-bot.ts";
import { createQueryCache } from "../../src/bot/query-cache.ts";
import { createUserRateLimiter, type UserRateLimit } from "../../src/bot/rate-limit.ts";
import { createSourceDirectory } from "../../src/sources-directory.ts";
import { FAKE_BOT_INFO, type FakeTelegram } from "./fake-telegram.ts";
import { silentLogger } from "./logger.ts";
import type { TestRedis } from "./redis.ts";

export const demoSources = createSourceDirectory([{ id: "demo", name: "示例数据", school: "中国矿业大学" }]);

const announcement = (n: number): Announcement => ({
  id: `a${n}`,
  url: `https://news.example.edu.cn/${n}/page.htm`,
  title: `第${n}条 样板党支部共建交流会`,
  date: "2024-05-05",
  sourceId: "demo",
  school: "中国矿业大学",
  text: "正文。",
  contentHash: `h${n}`,
  firstSeen: 0,
  alternates: [],
});

/** One page of `found` as the answer service gives it, each with the same snippet. */
export function answerPageOf(
  question: string,
  found: readonly Announcement[],
  { offset, limit }: { offset: number; limit: number },
  suggestions: string[] = [],
): AnswerPage {
  return {
    query: { raw: question, terms: [question], filters: {} },
    total: found.length,
    offset,
    items: found.slice(offset, offset + limit).map((a) => ({
      announcement: a,
      snippet: [
        { text: "两校支部举行", match: false },
        { text: "共建", match: true },
        { text: "交流。", match: false },
      ],
    })),
    suggestions,
  };
}

/** The same five answers to every question: for tests of the bot's flow, not of search. */
export function sameAnswers(count = 5): AnswerService {
  const found = Array.from({ length: count }, (_, i) => announcement(i + 1));
  return { find: (question, page) => Promise.resolve(answerPageOf(question, found, page)) };
}

/** A bot that answers every question with `sameAnswers`, against the fake Bot API. */
export function answeringBot(
  telegram: FakeTelegram,
  t: TestRedis,
  options: { timeScale: number; limit?: UserRateLimit },
) {
  return createBot(
    {
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      botInfo: FAKE_BOT_INFO,
      retry: { timeScale: options.timeScale },
    },
    {
      logger: silentLogger(),
      answers: sameAnswers(),
      queryCache: createQueryCache(t.redis, t.prefix),
      sources: demoSources,
      ...(options.limit ? { rateLimiter: createUserRateLimiter(t.redis, t.prefix, options.limit) } : {}),
    },
  );
}
