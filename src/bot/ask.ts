import { Composer, GrammyError } from "grammy";
import type { AnswerService } from "../answers.ts";
import type { SourceDirectory } from "../sources-directory.ts";
import type { BotContext } from "./context.ts";
import {
  HTML_MESSAGE,
  RESULTS_PER_PAGE,
  parsePagingData,
  renderAnswerPage,
  renderInlineResult,
  type RenderedMessage,
} from "./format.ts";
import type { QueryCache } from "./query-cache.ts";
import { cleanQuestion, isGreeting, stripMention } from "./question.ts";
import { quotingTheMessage } from "./reply.ts";

export interface AskDeps {
  answers: AnswerService;
  queryCache: QueryCache;
  sources: SourceDirectory;
}

const INLINE_PAGE_SIZE = 10;
const USAGE = "请在 /ask 后面写上想找的内容，例如：\n/ask 样板党支部共建\n/ask 西工大 主题党日";
const GREETING_HINT = [
  "👋 你好！我是「支部」，帮你查找各高校党支部的新闻公告。",
  "直接发关键词就行，例如：/ask 样板党支部共建，或 西工大 主题党日",
  "发送 /help 查看全部用法。",
].join("\n");

const messageOptions = (message: RenderedMessage) => ({
  ...HTML_MESSAGE,
  ...(message.keyboard ? { reply_markup: message.keyboard } : {}),
});

async function renderPage(deps: AskDeps, question: string, offset: number): Promise<RenderedMessage> {
  const page = await deps.answers.find(question, { offset, limit: RESULTS_PER_PAGE });
  const queryKey = await deps.queryCache.remember(page.query.raw);
  return renderAnswerPage(page, queryKey, deps.sources);
}

/** Answers a question; a bare greeting gets a hint on how to ask instead of "nothing found". */
async function replyWithAnswers(ctx: BotContext, deps: AskDeps, question: string): Promise<void> {
  if (isGreeting(question)) {
    await ctx.reply(GREETING_HINT, quotingTheMessage(ctx));
    return;
  }
  const message = await renderPage(deps, question, 0);
  await ctx.reply(message.text, { ...messageOptions(message), ...quotingTheMessage(ctx) });
}

/** Questions asked by command, with paging buttons and inline mode. */
export function askFeature(deps: AskDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command(["ask", "search"], async (ctx) => {
    const question = cleanQuestion(ctx.match);
    if (!question) {
      await ctx.reply(USAGE, quotingTheMessage(ctx));
      return;
    }
    await replyWithAnswers(ctx, deps, question);
  });

  composer.callbackQuery(/^p:/, async (ctx) => {
    const paging = parsePagingData(ctx.callbackQuery.data);
    const question = paging && (await deps.queryCache.recall(paging.queryKey));
    if (!paging || !question) {
      await ctx.answerCallbackQuery({ text: "这个按钮已过期，请重新提问，例如 /ask 共建", show_alert: true });
      return;
    }
    const message = await renderPage(deps, question, paging.offset);
    try {
      await ctx.editMessageText(message.text, messageOptions(message));
    } catch (error) {
      if (!(error instanceof GrammyError && error.description.includes("message is not modified")))
        throw error;
    }
    await ctx.answerCallbackQuery();
  });

  composer.on("inline_query", async (ctx) => {
    const question = cleanQuestion(ctx.inlineQuery.query);
    const offset = Math.min(Number.parseInt(ctx.inlineQuery.offset, 10) || 0, 1000);
    if (!question) {
      await ctx.answerInlineQuery([], { cache_time: 0 });
      return;
    }
    const page = await deps.answers.find(question, { offset, limit: INLINE_PAGE_SIZE });
    const nextOffset = offset + page.items.length < page.total ? String(offset + page.items.length) : "";
    await ctx.answerInlineQuery(
      page.items.map((answer) => renderInlineResult(answer, deps.sources)),
      { cache_time: 60, is_personal: false, next_offset: nextOffset },
    );
  });

  return composer;
}

/**
 * Questions asked without a command: any text in a private chat, a group message that
 * mentions the bot, a reply to one of the bot's messages. Registered after every command.
 */
export function plainQuestionFeature(deps: AskDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("message:text", async (ctx, next) => {
    const text = ctx.msg.text;
    if (text.startsWith("/")) return next();
    const isPrivate = ctx.chat.type === "private";
    const mentionsBot = text.toLowerCase().includes(`@${ctx.me.username.toLowerCase()}`);
    const repliesToBot = ctx.msg.reply_to_message?.from?.id === ctx.me.id;
    if (!isPrivate && !mentionsBot && !repliesToBot) return next();
    const question = cleanQuestion(stripMention(text, ctx.me.username));
    if (!question) {
      await ctx.reply(USAGE, quotingTheMessage(ctx));
      return;
    }
    await replyWithAnswers(ctx, deps, question);
  });
  return composer;
}
