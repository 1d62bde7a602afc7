import { Composer } from "grammy";
import type { QueueCounts } from "../digest/scheduler.ts";
import type { DeliveryErrorRecord } from "../digest/delivery-store.ts";
import { formatLocal } from "../digest/schedule.ts";
import type { SourceDirectory } from "../sources-directory.ts";
import type { AnnouncementStore } from "../store/announcements.ts";
import type { GoneArticleStore } from "../store/gone-articles.ts";
import type { SourceHealthStore } from "../store/source-health.ts";
import type { BotContext } from "./context.ts";
import { escapeHtml, HTML_MESSAGE, splitIntoMessages } from "./format.ts";
import { answerPerson } from "./reply.ts";

export interface AdminDeps {
  operatorIds: readonly number[];
  announcements: Pick<AnnouncementStore, "count">;
  sources: SourceDirectory;
  sourceHealth: Pick<SourceHealthStore, "list">;
  /** Articles removed because their page is gone, counted per source. */
  goneArticles: Pick<GoneArticleStore, "counts">;
  /** The search index as the bot process holds it; absent where no index is loaded. */
  searchIndex?: () => { size: number; version: string };
  subscriptionCount: () => Promise<number>;
  queueCounts: () => Promise<QueueCounts[]>;
  /** The newest first, at most `limit`. */
  recentDeliveryErrors: (limit: number) => Promise<DeliveryErrorRecord[]>;
  timezone: string;
}

const SHOWN_ERRORS = 5;

const PRIVATE_ONLY = "运行状态只在私聊中显示，以免群里的人都看到。请私聊我发送 /status。";

async function statusLines(deps: AdminDeps): Promise<string[]> {
  const [count, subscriptions, health, gone, queues, errors] = await Promise.all([
    deps.announcements.count(),
    deps.subscriptionCount(),
    deps.sourceHealth.list(),
    deps.goneArticles.counts(),
    deps.queueCounts(),
    deps.recentDeliveryErrors(SHOWN_ERRORS),
  ]);
  const when = (ms: number | undefined) => (ms ? formatLocal(new Date(ms), deps.timezone) : "从未");
  const index = deps.searchIndex?.();
  const lines = [
    "🛠 <b>运行状态</b>",
    `公告：${count} 条；订阅：${subscriptions} 个`,
    index ? `索引：${index.size} 条，版本 ${escapeHtml(index.version)}` : "索引：本进程未加载",
    "",
    "<b>来源</b>",
    ...health.map((h) => {
      const name = deps.sources.get(h.sourceId)?.name ?? h.sourceId;
      const state = h.healthy
        ? "✅"
        : `⚠️ ${escapeHtml(h.reason ?? "异常")}（连续失败 ${h.consecutiveFailures} 次）`;
      const removed = gone.get(h.sourceId);
      return `• ${escapeHtml(name)} ${state}，上次抓取 ${when(h.lastFetchAt)}${removed ? `，原文已删除 ${removed} 篇（已下线）` : ""}`;
    }),
    "",
    "<b>队列</b>（等待/处理中/延迟/失败）",
    ...queues.map((q) => `• ${escapeHtml(q.queue)}：${q.waiting}/${q.active}/${q.delayed}/${q.failed}`),
    "",
    "<b>最近的投递错误</b>",
    ...(errors.length === 0
      ? ["无"]
      : errors
          .slice(0, SHOWN_ERRORS)
          .map(
            (e) =>
              `• ${when(e.at)} 聊天 ${e.chatId}：${e.code ?? "网络"} ${escapeHtml(e.description)} → ${e.outcome}`,
          )),
  ];
  return lines;
}

/**
 * /status, for the operators named in the configuration; to anyone else it does not exist. It
 * names chats and errors, so it is shown in a private chat only.
 */
export function adminFeature(deps: AdminDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("status", async (ctx, next) => {
    if (!ctx.from || !deps.operatorIds.includes(ctx.from.id)) return next();
    if (ctx.chat.type !== "private") {
      await answerPerson(ctx, PRIVATE_ONLY);
      return;
    }
    for (const part of splitIntoMessages(await statusLines(deps))) await ctx.reply(part, HTML_MESSAGE);
  });
  return composer;
}
