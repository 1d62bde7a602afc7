import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { TelegramUnavailableError } from "../../src/runtime/telegram.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { silentLogger } from "../support/logger.ts";
import { TEST_REDIS_URL, createTestRedis, type TestRedis } from "../support/redis.ts";
import { group, privateChat, textMessage } from "../support/updates.ts";

const WRONG_TOKEN = "123456:this-token-was-revoked-by-botfather";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("starting the bot", () => {
  let t: TestRedis;
  let telegram: FakeTelegram;
  let app: App | undefined;

  beforeEach(async () => {
    t = createTestRedis();
    telegram = await new FakeTelegram().start();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await telegram.stop();
    await t.cleanup();
  });

  const start = (env: Record<string, string>) =>
    startApp(
      parseConfig({
        BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: t.prefix,
        ...env,
      }),
      "bot",
      {
        logger: silentLogger(),
        terminal: { input: new PassThrough(), output: new PassThrough(), interactive: false },
      },
    );

  it("answers /ask in private and a mention in a group on a Bot API without setMyCommands or getChatMember", async () => {
    telegram.withoutMethods("setMyCommands", "getChatMember");
    app = await start({});
    telegram.pushUpdate(textMessage("/ask 共建交流会"));
    telegram.pushUpdate(textMessage(`@zhibu_test_bot 共建交流会`, { chat: group }));
    await telegram.waitFor("sendMessage", (c) => c.payload.chat_id === privateChat.id);
    await telegram.waitFor("sendMessage", (c) => c.payload.chat_id === group.id);
    // The commands menu was tried, refused, and is tried again later rather than stopping the bot.
    expect(telegram.callsOf("setMyCommands")[0]?.status).toBe(404);
  });

  it("stops with a one-line message, without the token, when Telegram refuses the token", async () => {
    const started = start({ BOT_TOKEN: WRONG_TOKEN });
    await expect(started).rejects.toThrow(TelegramUnavailableError);
    const message = await started.catch((error: Error) => error.message);
    expect(message).toMatch(/^BOT_TOKEN: Telegram refused the token \(404 Not Found\)/);
    expect(message).not.toContain("\n");
    expect(message).not.toContain(WRONG_TOKEN);
  });

  it("stops with a one-line message when the Bot API cannot be reached", async () => {
    const apiRoot = `http://127.0.0.1:${await closedPort()}`;
    const message = await start({ TELEGRAM_API_ROOT: apiRoot }).then(
      () => "started",
      (error: Error) => `${error.name}: ${error.message}`,
    );
    expect(message).toMatch(
      /^TelegramUnavailableError: Telegram Bot API unreachable \(getMe: ECONNREFUSED\)/,
    );
    expect(message).not.toContain(telegram.token);
  }, 20_000);

  it("prints that line alone, and exits 1, from `npm run bot`", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "bot"], {
      env: {
        PATH: process.env.PATH,
        BOT_TOKEN: WRONG_TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: t.prefix,
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^BOT_TOKEN: Telegram refused the token/) as string,
    ]);
  }, 60_000);
});
