import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { run } from "@grammyjs/runner";
import { BotError, GrammyError, type Bot, type HttpError } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../bot/context.ts";
import type { Logger } from "../logger.ts";

/** The update kinds the features handle; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ["message", "callback_query", "inline_query", "my_chat_member"] as const;

/**
 * Updates in the process at once (handled, or waiting for their chat's turn), in either mode:
 * a memory bound of a few megabytes, not a pool of workers. One chat holds at most
 * MAX_PENDING_PER_CHAT (bot/chat-order.ts) of them, even while it waits out a 429, so waiting chats cannot crowd
 * out the others.
 */
export const MAX_UPDATES_IN_FLIGHT = 2000;
/** Telegram's updates are a few kilobytes; anything near this is not from Telegram. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** A webhook request must arrive whole within this; slow senders are cut off. */
const WEBHOOK_REQUEST_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 10 * 60_000;

/** Telegram refused the token or cannot be reached: the bot cannot run. Printed as one line. */
export class TelegramUnavailableError extends Error {
  override name = "TelegramUnavailableError";
}

export interface Receiver {
  /** Stops taking updates and waits for the ones in flight. */
  stop(): Promise<void>;
}

/**
 * Asks Telegram who the bot is: the one start-up call whose failure stops the bot, as without
 * a valid token and a reachable Bot API nothing else can work. The messages never carry the
 * token (network errors quote the URL, which holds it).
 */
export async function connectBot(bot: Bot<BotContext>): Promise<void> {
  if (bot.isInited()) return;
  try {
    // Not bot.init(): it retries network failures for ever, and an unreachable API is to be reported.
    bot.botInfo = await bot.api.getMe();
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      throw new TelegramUnavailableError(
        `BOT_TOKEN: Telegram refused the token (${error.error_code} ${error.description}); ` +
          "copy it again from @BotFather",
      );
    }
    const reason =
      error instanceof GrammyError
        ? `${error.error_code} ${error.description}`
        : (((error as HttpError).error as { code?: string } | undefined)?.code ?? "network error");
    throw new TelegramUnavailableError(
      `Telegram Bot API unreachable (getMe: ${reason.replaceAll(bot.token, "[REDACTED]")}); ` +
        "check the network or TELEGRAM_API_ROOT",
    );
  }
}

/**
 * Runs a start-up call that the bot can live without for a while (the commands menu, webhook
 * set-up) until it succeeds, with a growing pause between tries; every failure is logged.
 */
export function retryInBackground(what: string, task: () => Promise<unknown>, logger: Logger): Receiver {
  const stopped = new AbortController();
  const done = (async () => {
    for (let waitMs = FIRST_RETRY_MS; !stopped.signal.aborted; waitMs = Math.min(waitMs * 2, LAST_RETRY_MS)) {
      try {
        await task();
        logger.info(`${what}: done`);
        return;
      } catch (error) {
        const refused = error instanceof GrammyError;
        logger[refused ? "error" : "warn"]({ err: error, retryInMs: waitMs }, `${what}: failed; will retry`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        stopped.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  })();
  return {
    stop: async () => {
      stopped.abort();
      await done;
    },
  };
}

/**
 * Long polling with grammY's runner: updates are handled concurrently (in order within a chat,
 * see inChatOrder), so a slow or rate-limited chat holds back only itself. One process per bot
 * token, as Telegram allows a single getUpdates consumer.
 */
export async function startPolling(bot: Bot<BotContext>, logger: Logger): Promise<Receiver> {
  // Telegram refuses getUpdates while a webhook is set; if it cannot be removed now, keep trying.
  const webhookRemoval = await bot.api.deleteWebhook().then(
    () => undefined,
    () => retryInBackground("remove the webhook", () => bot.api.deleteWebhook(), logger),
  );
  bot.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (method === "getUpdates" && !result.ok) {
      logger.warn({ code: result.error_code, description: result.description }, "getUpdates failed");
    }
    return result;
  });
  const runner = run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, silent: true },
    sink: { concurrency: MAX_UPDATES_IN_FLIGHT },
  });
  logger.info(
    { username: bot.isInited() ? bot.botInfo.username : undefined },
    "polling Telegram for updates",
  );
  runner.task()?.catch((error: unknown) => logger.fatal({ err: error }, "polling stopped"));
  return {
    async stop() {
      await webhookRemoval?.stop();
      if (runner.isRunning()) await runner.stop();
    },
  };
}

function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The body, or undefined once it is larger than `limit` (declared or as it arrives). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(request.headers["content-length"] ?? 0) > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseUpdate(body: Buffer): Update | undefined {
  try {
    const value = JSON.parse(body.toString("utf8")) as unknown;
    const isUpdate =
      typeof value === "object" &&
      value !== null &&
      Number.isInteger((value as { update_id?: unknown }).update_id);
    return isUpdate ? (value as Update) : undefined;
  } catch {
    return undefined;
  }
}

/** Ends the response and, when the request was not read to its end, the connection. */
function refuse(request: IncomingMessage, response: ServerResponse, status: number, unread = false): void {
  response.writeHead(status, unread ? { connection: "close" } : {});
  response.end(() => {
    if (unread) request.destroy();
  });
}

/**
 * Webhook: any number of bot processes behind a load balancer. A request must carry the secret
 * token Telegram was given (checked first), a body under 1 MiB and a JSON update; it is answered
 * at once and the update handled afterwards, concurrently with others (in order within a chat),
 * so Telegram never waits on a slow chat. Refusals are logged and never 5xx, which Telegram
 * would retry forever.
 */
export async function startWebhook(
  bot: Bot<BotContext>,
  webhook: { url: string; secret: string; port: number },
  logger: Logger,
): Promise<Receiver & { port: number }> {
  const path = new URL(webhook.url).pathname;
  const inFlight = new Set<Promise<void>>();

  function handleInBackground(update: Update): void {
    const handled = bot
      .handleUpdate(update)
      .catch(async (error: unknown) => {
        if (error instanceof BotError) await bot.errorHandler(error as BotError<BotContext>);
        else throw error;
      })
      .catch((error: unknown) => logger.error({ err: error, updateId: update.update_id }, "update failed"))
      .finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  }

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!secretMatches(request.headers["x-telegram-bot-api-secret-token"], webhook.secret)) {
      logger.warn({ remote: request.socket.remoteAddress }, "webhook request without the secret token");
      return refuse(request, response, 401, true);
    }
    if (inFlight.size >= MAX_UPDATES_IN_FLIGHT) {
      // Telegram sends the update again later; nothing is lost, and memory stays bounded.
      response.setHeader("retry-after", "1");
      return refuse(request, response, 503, true);
    }
    const body = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
    if (!body) {
      logger.warn({ limit: MAX_WEBHOOK_BODY_BYTES }, "webhook request body too large");
      return refuse(request, response, 413, true);
    }
    const update = parseUpdate(body);
    if (!update) {
      logger.warn({ bytes: body.length }, "webhook request is not a JSON update");
      return refuse(request, response, 400);
    }
    response.writeHead(200).end();
    handleInBackground(update);
  }

  const server = createServer((request, response) => {
    if (request.method === "POST" && request.url === path) {
      receive(request, response).catch((error: unknown) => {
        logger.warn({ err: error }, "webhook request failed");
        if (!response.headersSent) refuse(request, response, 400, true);
      });
    } else if (request.method === "GET" && request.url === "/healthz") {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else {
      response.writeHead(404).end();
    }
  });
  server.requestTimeout = WEBHOOK_REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve) => server.listen(webhook.port, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : webhook.port;
  await bot.init();
  const registration = retryInBackground(
    "set the webhook",
    () =>
      bot.api.setWebhook(webhook.url, {
        secret_token: webhook.secret,
        allowed_updates: [...ALLOWED_UPDATES],
        max_connections: 100,
      }),
    logger,
  );
  logger.info({ port, path }, "receiving Telegram updates by webhook");
  return {
    port,
    async stop() {
      await registration.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
    },
  };
}
