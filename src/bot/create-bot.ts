import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { Bot, type ApiClientOptions, type Composer, type Transformer } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import type { Logger } from "../logger.ts";
import { adminFeature, type AdminDeps } from "./admin.ts";
import { askFeature, plainQuestionFeature, type AskDeps } from "./ask.ts";
import { groupAdminCommands, memberCommands } from "./commands.ts";
import { MAX_PENDING_PER_CHAT, inChatOrder } from "./chat-order.ts";
import { BotContext } from "./context.ts";
import { handleBotError } from "./error-boundary.ts";
import { helpFeature, unknownCommandFeature } from "./help.ts";
import { withOutgoingChecks } from "./outgoing.ts";
import { membershipFeature, type MembershipDeps } from "./membership.ts";
import { rateLimitUsers, type UserRateLimiter } from "./rate-limit.ts";
import { subscribeFeature, type SubscribeDeps } from "./subscribe.ts";
import { DEFAULT_RETRY_POLICY, retryTelegram, type RetryPolicy } from "./telegram-retry.ts";

export interface BotConfig {
  token: string;
  apiRoot?: string | undefined;
  /** Known bot identity; skips `getMe` (the console chat has no Telegram to ask). */
  botInfo?: UserFromGetMe;
  /** How Telegram calls are retried; tests shorten Telegram's waits with a time scale. */
  retry?: Partial<RetryPolicy>;
}

export interface BotDeps extends AskDeps {
  logger: Logger;
  /** Subscriptions, digest previews and group membership; absent in a bot that only answers. */
  subscriptions?: SubscribeDeps & MembershipDeps;
  /** Operator commands (/status). */
  admin?: AdminDeps;
  /** Wraps the handling of every update: metrics, and shutdown waiting for the updates in flight. */
  observeUpdate?: (update: Update, handle: () => Promise<void>) => Promise<void>;
  /** Installed beneath the retries, so they see every answer Telegram gives (429s are counted). */
  apiTransformers?: Transformer[];
  /** The per-user limit shared by every bot process; absent in the local chat (one user). */
  rateLimiter?: UserRateLimiter;
}

/**
 * Idle connections to the Bot API kept for reuse. Node keeps 256 by default; with hundreds of
 * updates answered at once, every send beyond that opened (and shook hands over TLS) anew.
 */
const KEPT_CONNECTIONS = 1024;

function keepAliveAgent(apiRoot: string | undefined): HttpAgent {
  const options = { keepAlive: true, maxFreeSockets: KEPT_CONNECTIONS };
  return apiRoot?.startsWith("http:") ? new HttpAgent(options) : new HttpsAgent(options);
}

export function createBot(config: BotConfig, deps: BotDeps): Bot<BotContext> {
  const client: ApiClientOptions = {
    ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
    baseFetchConfig: { compress: true, agent: keepAliveAgent(config.apiRoot) },
  };
  const bot = new Bot<BotContext>(config.token, {
    client,
    ContextConstructor: BotContext,
    ...(config.botInfo ? { botInfo: config.botInfo } : {}),
  });
  bot.api.config.use(...(deps.apiTransformers ?? []));
  // A member waits for an answer: a short 429 or a Telegram hiccup is worth waiting out.
  bot.api.config.use(retryTelegram({ ...DEFAULT_RETRY_POLICY, ...config.retry }));
  withOutgoingChecks(bot.api, deps.logger);
  bot.use(async (ctx, next) => {
    ctx.log = deps.logger.child({
      updateId: ctx.update.update_id,
      chatId: ctx.chat?.id,
      userId: ctx.from?.id,
    });
    const started = performance.now();
    await (deps.observeUpdate ? deps.observeUpdate(ctx.update, next) : next());
    ctx.log.debug({ ms: Math.round(performance.now() - started) }, "update handled");
  });
  const rateLimit = deps.rateLimiter ? rateLimitUsers(deps.rateLimiter) : undefined;
  if (rateLimit) bot.use(rateLimit.admit);
  // A user's admitted updates and the notice that follows them always fit in their chat's queue.
  bot.use(inChatOrder(Math.max(MAX_PENDING_PER_CHAT, (deps.rateLimiter?.limit.max ?? 0) + 1)));
  if (rateLimit) bot.use(rateLimit.notify);
  const optional: Array<Composer<BotContext>> = [
    ...(deps.subscriptions
      ? [subscribeFeature(deps.subscriptions), membershipFeature(deps.subscriptions)]
      : []),
    ...(deps.admin ? [adminFeature(deps.admin)] : []),
  ];
  bot.errorBoundary(
    handleBotError,
    helpFeature(),
    askFeature(deps),
    ...optional,
    plainQuestionFeature(deps),
    unknownCommandFeature(),
  );
  bot.catch(handleBotError);
  return bot;
}

/** Tells Telegram which commands to suggest, for private chats, groups and group admins. */
export async function registerCommands(bot: Bot<BotContext>): Promise<void> {
  // In a private chat the user administers their own subscription.
  await bot.api.setMyCommands([...memberCommands, ...groupAdminCommands], {
    scope: { type: "all_private_chats" },
  });
  await bot.api.setMyCommands(memberCommands, { scope: { type: "all_group_chats" } });
  await bot.api.setMyCommands([...memberCommands, ...groupAdminCommands], {
    scope: { type: "all_chat_administrators" },
  });
}
