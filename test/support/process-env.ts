import type { FakeTelegram } from "./fake-telegram.ts";
import { TEST_REDIS_URL } from "./redis.ts";

/** What a zhibu process started by a test sees: the fake Bot API, the test Redis under `prefix`, info logs. */
export function processEnvironment(
  telegram: FakeTelegram,
  prefix: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "info",
    ...extra,
  };
}
