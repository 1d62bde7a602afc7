/**
 * The bot stack of bench:bot in a process of its own, as in production: createBot with the
 * per-user limit in Redis, long polling with the runner. Answers are fixed, as the search engine
 * is measured by bench:search. Prints "ready" once polling; stops on SIGTERM.
 */
import { Redis } from "ioredis";
import { createBot } from "../../src/bot/create-bot.ts";
import { createQueryCache } from "../../src/bot/query-cache.ts";
import { createUserRateLimiter, type UserRateLimit } from "../../src/bot/rate-limit.ts";
import { connectBot, startPolling } from "../../src/runtime/telegram.ts";
import { demoSources, sameAnswers } from "../support/fixed-answers.ts";
import { silentLogger } from "../support/logger.ts";
import { TEST_REDIS_URL } from "../support/redis.ts";

const setup = JSON.parse(process.argv[2] ?? "{}") as {
  token: string;
  apiRoot: string;
  prefix: string;
  limit: UserRateLimit;
};
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
const logger = silentLogger();
const bot = createBot(
  { token: setup.token, apiRoot: setup.apiRoot },
  {
    logger,
    answers: sameAnswers(),
    queryCache: createQueryCache(redis, setup.prefix),
    sources: demoSources,
    rateLimiter: createUserRateLimiter(redis, setup.prefix, setup.limit),
  },
);
await connectBot(bot);
const receiver = await startPolling(bot, logger);
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void receiver.stop().then(async () => {
    await redis.quit();
    process.exit(0);
  });
});
