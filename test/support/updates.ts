import type { Update } from "grammy/types";
import { FAKE_BOT_INFO } from "./fake-telegram.ts";

/** Builders for the updates Telegram would send, so tests read like conversations. */
let nextId = 1;
const now = () => Math.floor(Date.now() / 1000);

export const alice = { id: 42, is_bot: false, first_name: "小红", language_code: "zh-hans" };
export const privateChat = { id: alice.id, type: "private" as const, first_name: alice.first_name };
export const group = { id: -1001234567890, type: "supergroup" as const, title: "材料学院党支部群" };

type Chat = typeof privateChat | typeof group;

export function textMessage(
  text: string,
  options: { chat?: Chat; replyTo?: number; replyToBot?: boolean } = {},
): Update {
  const id = nextId++;
  const command = /^\/\S+/.exec(text);
  const mention = new RegExp(`@${FAKE_BOT_INFO.username}`).exec(text);
  const entities = [
    ...(command ? [{ type: "bot_command" as const, offset: 0, length: command[0].length }] : []),
    ...(mention && !command
      ? [{ type: "mention" as const, offset: mention.index, length: mention[0].length }]
      : []),
  ];
  const chat = options.chat ?? privateChat;
  return {
    update_id: id,
    message: {
      message_id: id,
      date: now(),
      chat,
      from: alice,
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...(options.replyToBot
        ? {
            reply_to_message: {
              message_id: options.replyTo ?? 1,
              date: now(),
              chat,
              from: { id: FAKE_BOT_INFO.id, is_bot: true, first_name: FAKE_BOT_INFO.first_name },
              text: "…",
            },
          }
        : {}),
    },
  } as Update;
}

export function callbackQuery(data: string, messageId = 1, chat: Chat = privateChat): Update {
  const id = nextId++;
  return {
    update_id: id,
    callback_query: {
      id: String(id),
      from: alice,
      chat_instance: "ci",
      data,
      message: { message_id: messageId, date: now(), chat, text: "…" },
    },
  };
}

export function inlineQuery(query: string, offset = ""): Update {
  const id = nextId++;
  return { update_id: id, inline_query: { id: String(id), from: alice, query, offset } };
}
