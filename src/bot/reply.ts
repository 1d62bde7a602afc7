import type { BotContext } from "./context.ts";

/**
 * Options that make a reply quote the message it answers: in a busy group the person sees it is
 * for them. A message deleted meanwhile does not stop the reply.
 */
export function quotingTheMessage(ctx: BotContext) {
  return ctx.msg
    ? { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } }
    : {};
}

/** Answers the person: an alert on a button they pressed, else a reply to their message. */
export async function answerPerson(ctx: BotContext, text: string): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
  else if (ctx.chat) await ctx.reply(text, quotingTheMessage(ctx));
}
