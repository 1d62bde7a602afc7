import { createServer } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { BotContext } from "../bot/context.ts";
import type { Logger } from "../logger.ts";

/** The update kinds the features handle; Telegram sends nothing else. */
export const ALLOWED_UPDATES = ["message", "callback_query", "inline_query", "my_chat_member"] as const;

export interface Receiver {
  /** Stops taking updates and waits for the ones in flight. */
  stop(): Promise<void>;
}

/** Long polling: one process per bot token (Telegram allows a single getUpdates consumer). */
export async function startPolling(bot: Bot<BotContext>, logger: Logger): Promise<Receiver> {
  await bot.api.deleteWebhook();
  const running = bot.start({
    allowed_updates: [...ALLOWED_UPDATES],
    onStart: (me) => logger.info({ username: me.username }, "polling Telegram for updates"),
  });
  running.catch((error: unknown) => logger.fatal({ err: error }, "polling stopped"));
  return { stop: () => bot.stop() };
}

/**
 * Webhook: any number of bot processes behind a load balancer. Every request must carry the
 * secret token Telegram was given, or it is refused.
 */
export async function startWebhook(
  bot: Bot<BotContext>,
  webhook: { url: string; secret: string; port: number },
  logger: Logger,
): Promise<Receiver & { port: number }> {
  const path = new URL(webhook.url).pathname;
  const handleUpdate = webhookCallback(bot, "http", { secretToken: webhook.secret, onTimeout: "return" });
  const server = createServer((request, response) => {
    if (request.method === "POST" && request.url === path) {
      handleUpdate(request, response).catch((error: unknown) => {
        logger.error({ err: error }, "webhook request failed");
        if (!response.headersSent) response.writeHead(500).end();
      });
    } else if (request.method === "GET" && request.url === "/healthz") {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(webhook.port, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : webhook.port;
  await bot.init();
  await bot.api.setWebhook(webhook.url, {
    secret_token: webhook.secret,
    allowed_updates: [...ALLOWED_UPDATES],
  });
  logger.info({ port, path }, "receiving Telegram updates by webhook");
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
