import type { Redis } from "ioredis";
import { redisKeys } from "../store/keys.ts";
import type { BotContext } from "./context.ts";

/** How many updates one user may have handled per window, across every bot process. */
export interface UserRateLimit {
  max: number;
  windowMs: number;
}

export interface RateDecision {
  /** The update may be handled. */
  allowed: boolean;
  /** The first update over the limit in this window: the user is told, once. */
  notify: boolean;
  /** Until the window ends. */
  retryInMs: number;
}

/**
 * A fixed window per user, counted in Redis so that every bot process behind a load balancer
 * shares it. Returns the count within the window and the window's remaining time.
 */
const COUNT_IN_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

export function createUserRateLimiter(redis: Redis, prefix: string, limit: UserRateLimit) {
  const keys = redisKeys(prefix);
  return {
    limit,
    async take(userId: number): Promise<RateDecision> {
      const [count, ttl] = (await redis.eval(
        COUNT_IN_WINDOW,
        1,
        keys.userRequests(userId),
        String(Math.max(1, Math.round(limit.windowMs))),
      )) as [number, number];
      return { allowed: count <= limit.max, notify: count === limit.max + 1, retryInMs: ttl };
    },
  };
}

export type UserRateLimiter = ReturnType<typeof createUserRateLimiter>;

export function rateLimitNotice(limit: UserRateLimit, retryInMs: number): string {
  const window = describeDuration(limit.windowMs);
  return (
    `🙏 您的消息有点多，为了让每个人都能及时得到回复，每人每${window}最多提问 ${limit.max} 次。` +
    `请 ${describeDuration(retryInMs)}后再试。`
  );
}

function describeDuration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds % 60 === 0) return seconds === 60 ? "分钟" : `${seconds / 60} 分钟`;
  return `${seconds} 秒`;
}

/**
 * Whether an update asks something of the bot. A group member chatting with others is not
 * counted; a private message, a command, a mention, a reply to the bot, a button or an inline
 * query is.
 */
function asksTheBot(ctx: BotContext): boolean {
  if (ctx.callbackQuery || ctx.inlineQuery) return true;
  const message = ctx.message;
  if (!message) return false;
  if (ctx.chat?.type === "private") return true;
  const text = message.text ?? message.caption ?? "";
  if (text.startsWith("/")) return true;
  if (message.reply_to_message?.from?.id === ctx.me.id) return true;
  return text.toLowerCase().includes(`@${ctx.me.username.toLowerCase()}`);
}

type Middleware = (ctx: BotContext, next: () => Promise<void>) => Promise<void>;

/**
 * The per-user limit as two middlewares around the chat's queue: `admit` counts the update as it
 * arrives and drops those over the limit before they could wait in their chat's queue; `notify`
 * tells the user, once per window and in their chat's order, that they were over it.
 */
export function rateLimitUsers(limiter: UserRateLimiter): { admit: Middleware; notify: Middleware } {
  const overLimit = new WeakMap<BotContext, RateDecision>();
  return {
    async admit(ctx, next) {
      const userId = ctx.from?.id;
      if (userId === undefined || !asksTheBot(ctx)) return next();
      let decision: RateDecision;
      try {
        decision = await limiter.take(userId);
      } catch (error) {
        // Answering without the limit beats not answering at all while Redis is away.
        ctx.log.warn({ err: error }, "rate limit unavailable; update let through");
        return next();
      }
      if (decision.allowed) return next();
      if (!decision.notify) {
        ctx.log.debug("over the rate limit; update dropped");
        return;
      }
      overLimit.set(ctx, decision);
      return next();
    },
    async notify(ctx, next) {
      const decision = overLimit.get(ctx);
      if (!decision) return next();
      ctx.log.info({ retryInMs: decision.retryInMs }, "user over the rate limit; told once");
      const notice = rateLimitNotice(limiter.limit, decision.retryInMs);
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: notice, show_alert: true });
      else if (ctx.message)
        await ctx.reply(notice, {
          reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
        });
    },
  };
}
