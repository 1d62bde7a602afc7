import { GrammyError, HttpError, type BotError } from "grammy";
import { CausedError, InputError } from "../errors.ts";
import type { BotContext } from "./context.ts";
import { answerPerson } from "./reply.ts";

const GENERIC_FAILURE = "抱歉，处理这条消息时出错了，请稍后再试。";
const TELEGRAM_FAILURE = "抱歉，Telegram 暂时没有接受我的回复，请稍后再试。";

/**
 * The bot's one error boundary: maps each cause of failure to a log line and a reply, so that no
 * request ends in silence. Only a chat that shut the bot out (403) is not answered: it cannot be.
 */
export async function handleBotError(error: BotError<BotContext>): Promise<void> {
  const { ctx } = error;
  const cause = error.error;
  const log = ctx.log ?? console;
  if (cause instanceof InputError) {
    log.info({ err: cause }, "bad input");
    await replyQuietly(ctx, cause.userMessage);
  } else if (cause instanceof CausedError && cause.userMessage) {
    log.warn({ err: cause }, "request failed upstream");
    await replyQuietly(ctx, cause.userMessage);
  } else if (cause instanceof GrammyError) {
    log.warn(
      { method: cause.method, code: cause.error_code, description: cause.description },
      "telegram refused",
    );
    if (cause.error_code !== 403) await replyQuietly(ctx, TELEGRAM_FAILURE);
  } else if (cause instanceof HttpError) {
    log.error({ err: cause.error }, "telegram unreachable");
    await replyQuietly(ctx, TELEGRAM_FAILURE);
  } else {
    log.error({ err: cause }, "update failed");
    await replyQuietly(ctx, GENERIC_FAILURE);
  }
}

async function replyQuietly(ctx: BotContext, text: string): Promise<void> {
  try {
    await answerPerson(ctx, text);
  } catch (error) {
    ctx.log?.warn({ err: error }, "could not report the failure to the user");
  }
}
