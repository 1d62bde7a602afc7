import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { Api, type Bot, type Transformer } from "grammy";
import type { InlineKeyboardButton, Message, Update, UserFromGetMe } from "grammy/types";
import type { BotContext } from "../bot/context.ts";
import { htmlToTerminal } from "./render.ts";

export const CONSOLE_BOT_INFO: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "支部",
  username: "zhibu_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
/** grammY needs a token; the console chat never sends it anywhere. */
export const CONSOLE_TOKEN = "1:console-chat-has-no-telegram";
const USER = { id: 1000, is_bot: false, first_name: "你", language_code: "zh-hans" };
const CHAT = { id: 1000, type: "private" as const, first_name: "你" };

export interface ConsoleScreen {
  output: Writable;
  color: boolean;
}

/**
 * Stands in for Telegram: answers the Bot API methods the bot calls and prints what a chat
 * would show. Remembers the buttons of the last message so the user can "press" them.
 */
export class ConsoleTelegram {
  private nextMessageId = 1;
  private lastButtons: Array<{ label: string; data: string; messageId: number }> = [];

  constructor(private readonly screen: ConsoleScreen) {}

  readonly transformer: Transformer = (_prev, method, payload) => {
    const result = this.answer(method, payload);
    return Promise.resolve({ ok: true, result } as never);
  };

  /** A Bot API client that talks to this console instead of Telegram (for workers sending digests). */
  api(): Api {
    const api = new Api(CONSOLE_TOKEN);
    api.config.use(this.transformer);
    return api;
  }

  buttonFor(line: string): { data: string; messageId: number } | undefined {
    const label = line.replace(/^\[|\]$/g, "").trim();
    return this.lastButtons.find((button) => button.label === label);
  }

  private print(text: string): void {
    this.screen.output.write(`${text}\n`);
  }

  private answer(method: string, payload: Record<string, unknown>): unknown {
    switch (method) {
      case "sendMessage":
      case "editMessageText":
        return this.show(payload, method === "editMessageText");
      case "answerCallbackQuery":
        if (typeof payload.text === "string") this.print(`💬 ${payload.text}\n`);
        return true;
      case "answerInlineQuery":
        this.showInlineResults(payload);
        return true;
      case "getChatMember":
        return { status: "creator", user: USER };
      default:
        return true;
    }
  }

  private show(payload: Record<string, unknown>, edited: boolean): Message.TextMessage {
    const messageId = edited ? Number(payload.message_id) : this.nextMessageId++;
    const text = typeof payload.text === "string" ? payload.text : "";
    const body = payload.parse_mode === "HTML" ? htmlToTerminal(text, this.screen.color) : text;
    const keyboard = (payload.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)
      ?.inline_keyboard;
    const buttons = (keyboard ?? [])
      .flat()
      .flatMap((button) =>
        "callback_data" in button ? [{ label: button.text, data: button.callback_data, messageId }] : [],
      );
    this.lastButtons = buttons;
    const buttonLine = buttons.length > 0 ? `\n${buttons.map((b) => `[${b.label}]`).join(" ")}` : "";
    this.print(`${edited ? "🤖（翻页）" : "🤖"} ${body}${buttonLine}\n`);
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: CHAT,
      from: { id: CONSOLE_BOT_INFO.id, is_bot: true, first_name: CONSOLE_BOT_INFO.first_name },
      text,
    };
  }

  private showInlineResults(payload: Record<string, unknown>): void {
    const results = (payload.results as Array<{ title?: string; description?: string }> | undefined) ?? [];
    if (results.length === 0) return this.print("🤖（内联）没有结果\n");
    const lines = results.map((r, i) => `${i + 1}. ${r.title ?? ""}\n   ${r.description ?? ""}`);
    this.print(`🤖（内联结果）\n${lines.join("\n")}\n`);
  }
}

/** Builds the Telegram update that a line typed in the console stands for. */
export function updateFromLine(
  line: string,
  updateId: number,
  console: ConsoleTelegram,
  botUsername: string,
): Update | undefined {
  const text = line.trim();
  if (!text) return undefined;
  const date = Math.floor(Date.now() / 1000);
  const button = console.buttonFor(text);
  if (button) {
    return {
      update_id: updateId,
      callback_query: {
        id: String(updateId),
        from: USER,
        chat_instance: "console",
        data: button.data,
        message: { message_id: button.messageId, date, chat: CHAT, text: "" },
      },
    };
  }
  const inline = new RegExp(`^@${botUsername}\\s+(.*)$`, "i").exec(text);
  if (inline) {
    return {
      update_id: updateId,
      inline_query: {
        id: String(updateId),
        from: USER,
        query: inline[1] ?? "",
        offset: "",
        chat_type: "private",
      },
    };
  }
  const command = /^\/\S+/.exec(text);
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date,
      chat: CHAT,
      from: USER,
      text,
      ...(command
        ? { entities: [{ type: "bot_command" as const, offset: 0, length: command[0].length }] }
        : {}),
    },
  };
}

/**
 * The local chat: each line typed is an update for the same bot code that serves Telegram.
 * Resolves when the input ends, after the last update was handled.
 */
export async function runConsoleChat(
  bot: Bot<BotContext>,
  console: ConsoleTelegram,
  io: { input: Readable; output: Writable; interactive: boolean },
): Promise<void> {
  const lines = createInterface({ input: io.input, terminal: false });
  const prompt = () => io.interactive && io.output.write("你> ");
  if (io.interactive) {
    io.output.write("支部 本地对话：输入问题或 /help，按钮可输入其文字（如 更多）来按下，Ctrl+D 退出。\n\n");
  }
  prompt();
  let updateId = 1;
  for await (const line of lines) {
    const update = updateFromLine(line, updateId++, console, bot.botInfo.username);
    if (update) await bot.handleUpdate(update);
    prompt();
  }
}
