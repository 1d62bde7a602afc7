import type { BotCommand } from "grammy/types";

/** The command list registered with Telegram and shown by /help; each feature adds its own. */
export const memberCommands: BotCommand[] = [
  { command: "ask", description: "搜索党支部公告，例如 /ask 样板党支部共建" },
  { command: "search", description: "同 /ask" },
  { command: "help", description: "使用说明" },
];

export const groupAdminCommands: BotCommand[] = [];
