import { Composer } from "grammy";
import type { SubscriptionDeactivator } from "../digest/deactivate.ts";
import type { BotContext } from "./context.ts";

export interface MembershipDeps {
  deactivator: Pick<SubscriptionDeactivator, "deactivateChat" | "migrateChat">;
}

const PRESENT = new Set(["member", "administrator", "creator", "restricted"]);

const GREETING = [
  "👋 大家好，我是「支部」，可以帮大家查找各高校党支部的新闻公告。",
  "• 提问：/ask 样板党支部共建，或 @我 直接问",
  "• 订阅：群管理员发送 /subscribe，每天 08:00 推送新公告摘要；/settings 可修改时间和来源",
  "• 在话题群里，订阅属于发送 /subscribe 的那个话题",
].join("\n");

/**
 * Greets a group the bot joins, stops its digests when the bot is removed or the chat is gone,
 * and follows a group upgraded to a supergroup (before the old chat's removal arrives).
 */
export function membershipFeature(deps: MembershipDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("my_chat_member", async (ctx) => {
    const update = ctx.myChatMember;
    const wasPresent = PRESENT.has(update.old_chat_member.status);
    const isPresent = PRESENT.has(update.new_chat_member.status);
    if (!wasPresent && isPresent && update.chat.type !== "private" && update.chat.type !== "channel") {
      await ctx.api.sendMessage(update.chat.id, GREETING);
    } else if (wasPresent && !isPresent) {
      const stopped = await deps.deactivator.deactivateChat(update.chat.id);
      ctx.log.info(
        { chatId: update.chat.id, stopped: stopped.length },
        "bot removed; subscriptions deactivated",
      );
    }
  });
  composer.on("message:migrate_to_chat_id", async (ctx) => {
    const moved = await deps.deactivator.migrateChat(ctx.chat.id, ctx.msg.migrate_to_chat_id);
    ctx.log.info(
      { to: ctx.msg.migrate_to_chat_id, moved: moved.length },
      "group migrated; subscriptions moved",
    );
  });
  return composer;
}
