import { sequentialize } from "@grammyjs/runner";
import type { BotContext } from "./context.ts";

/**
 * Updates of one chat waiting for their turn, at most: a chat flooding the bot (many users of one
 * group, say) cannot take every slot of the process while the others wait.
 */
export const MAX_PENDING_PER_CHAT = 20;

/** Inline queries have no chat; one user's are kept in order instead. */
function chatKey(ctx: BotContext): string | undefined {
  const id = ctx.chat?.id ?? ctx.from?.id;
  return id === undefined ? undefined : String(id);
}

/**
 * Updates are handled concurrently (by the runner, or as webhook requests come in), but those of
 * one chat one after the other, in the order they arrived: answers to a chat never overtake each
 * other, and a chat waiting for Telegram (a 429, a slow send) holds back only itself.
 */
export function inChatOrder(maxPending = MAX_PENDING_PER_CHAT) {
  const pending = new Map<string, number>();
  const oneAtATime = sequentialize<BotContext>(chatKey);
  return async (ctx: BotContext, next: () => Promise<void>): Promise<void> => {
    const key = chatKey(ctx);
    if (key === undefined) return next();
    const waiting = pending.get(key) ?? 0;
    if (waiting >= maxPending) {
      ctx.log.warn({ waiting }, "too many updates waiting in this chat; update dropped");
      return;
    }
    pending.set(key, waiting + 1);
    try {
      await oneAtATime(ctx, next);
    } finally {
      const left = (pending.get(key) ?? 1) - 1;
      if (left === 0) pending.delete(key);
      else pending.set(key, left);
    }
  };
}
