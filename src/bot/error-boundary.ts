import { GrammyError, HttpError, type BotError } from "grammy";
import { InputError } from "../errors.ts";
import type { BotContext } from "./context.ts";

const GENERIC_FAILURE = "抱歉，处理这条消息时出错了，请稍后再试。";

/** The bot's one error boundary: maps each cause of failure to a log line and, where useful, a reply. */
export async function handleBotError(error: BotError<BotContext>): Promise<void> {
  const { ctx } = error;
  const cause = error.error;
  const log = ctx.log ?? console;
  if (cause instanceof InputError) {
    log.info({ err: cause }, "bad input");
    await replyQuietly(ctx, cause.userMessage);
  } else if (cause instanceof GrammyError) {
    log.warn(
      { method: cause.method, code: cause.error_code, description: cause.description },
      "telegram refused",
    );
  } else if (cause instanceof HttpError) {
    log.error({ err: cause.error }, "telegram unreachable");
  } else {
    log.error({ err: cause }, "update failed");
    await replyQuietly(ctx, GENERIC_FAILURE);
  }
}

async function replyQuietly(ctx: BotContext, text: string): Promise<void> {
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
    else if (ctx.chat) await ctx.reply(text);
  } catch (error) {
    ctx.log?.warn({ err: error }, "could not report the failure to the user");
  }
}
