import type { BotCommand } from "grammy/types";

/** The command list registered with Telegram and shown by /help; each feature adds its own. */
export const memberCommands: BotCommand[] = [
  { command: "ask", description: "搜索党支部公告，例如 /ask 样板党支部共建" },
  { command: "search", description: "同 /ask" },
  { command: "subscriptions", description: "本聊天订阅了什么、下次何时推送" },
  { command: "digest", description: "现在预览下一期公告摘要" },
  { command: "sources", description: "公告来源及其状态" },
  { command: "help", description: "使用说明" },
];

export const groupAdminCommands: BotCommand[] = [
  { command: "subscribe", description: "订阅公告摘要，例如 /subscribe 08:00 每周一 +主题党日" },
  { command: "settings", description: "用按钮设置推送时间、频率、来源" },
  { command: "unsubscribe", description: "退订公告摘要" },
];
