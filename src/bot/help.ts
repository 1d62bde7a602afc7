import { Composer } from "grammy";
import { groupAdminCommands, memberCommands } from "./commands.ts";
import type { BotContext } from "./context.ts";
import { HTML_MESSAGE } from "./format.ts";
import { quotingTheMessage } from "./reply.ts";

/** The questions the help shows; each finds something on the bundled samples, whatever the date. */
export const HELP_EXAMPLES = {
  keyword: "样板党支部共建",
  dates: ["2024年5月 主题党日", "最近一个月 党课"],
} as const;

export function helpText(username: string): string {
  const commands = (list: typeof memberCommands) =>
    list.map((c) => `/${c.command} — ${c.description}`).join("\n");
  return [
    "👋 我是「支部」，帮你查找各高校党支部的新闻公告：联学共建、主题党日、样板支部……",
    "",
    "🔎 <b>怎么问</b>",
    `• /ask 关键词，例如 /ask ${HELP_EXAMPLES.keyword}`,
    "• 私聊时直接发文字；群里 @我 提问，或回复我的消息继续问",
    `• 在任意聊天输入 @${username} 关键词，可以直接分享结果`,
    "• 认识简称和繁体：西工大、矿大、華中科技大學",
    `• 可以加时间：${HELP_EXAMPLES.dates.join("、")}`,
    "",
    "📋 <b>命令</b>",
    commands(memberCommands),
    ...(groupAdminCommands.length > 0 ? ["", "🛠 <b>群管理员</b>", commands(groupAdminCommands)] : []),
  ].join("\n");
}

export function helpFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command(["start", "help"], async (ctx) => {
    await ctx.reply(helpText(ctx.me.username), HTML_MESSAGE);
  });
  return composer;
}

/** Commands addressed to no feature: answered in private chats, and in groups only when addressed to us. */
export function unknownCommandFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("message:entities:bot_command", async (ctx) => {
    const command = ctx.msg.text?.split(/\s/)[0] ?? "";
    const addressedToUs = command.toLowerCase().endsWith(`@${ctx.me.username.toLowerCase()}`);
    if (ctx.chat.type === "private" || addressedToUs) {
      await ctx.reply("没有这个命令。发送 /help 查看用法。", quotingTheMessage(ctx));
    }
  });
  composer.on("callback_query:data", async (ctx) => {
    await ctx.answerCallbackQuery({ text: "这个按钮已失效。", show_alert: false });
  });
  return composer;
}
