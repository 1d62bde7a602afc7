import { Composer, GrammyError, InlineKeyboard } from "grammy";
import type { Clock } from "../clock.ts";
import type { DigestBuilder } from "../digest/digest-builder.ts";
import { describeSchedule, formatLocal, formatTime, nextRun, WEEKDAY_NAMES } from "../digest/schedule.ts";
import type { DigestScheduler } from "../digest/scheduler.ts";
import { parseSubscribeArgs } from "../digest/settings-args.ts";
import {
  defaultSettings,
  newSubscriptionId,
  type DigestTarget,
  type Subscription,
  type SubscriptionSettings,
  type Weekday,
} from "../digest/subscription.ts";
import { TargetTakenError, type SubscriptionStore } from "../digest/subscriptions-store.ts";
import { UpstreamFailedError, UpstreamRefusedError } from "../errors.ts";
import type { SourceDirectory } from "../sources-directory.ts";
import type { SourceHealthStore } from "../store/source-health.ts";
import type { BotContext } from "./context.ts";
import { escapeHtml, HTML_MESSAGE, splitIntoMessages } from "./format.ts";
import { answerPerson, quotingTheMessage } from "./reply.ts";

export interface SubscribeDeps {
  subscriptions: SubscriptionStore;
  scheduler: DigestScheduler;
  digests: DigestBuilder;
  sources: SourceDirectory;
  sourceHealth: Pick<SourceHealthStore, "list">;
  clock: Clock;
  /** Time zone of new subscriptions. */
  timezone: string;
}

const NOT_ADMIN = "抱歉，只有群管理员可以设置本群的订阅。请联系管理员操作。";
const ADMIN_CHECK_FAILED = "暂时无法向 Telegram 确认你是不是本群管理员，所以没有修改订阅。请稍后再试。";
const NOT_SUBSCRIBED = "这里还没有订阅。发送 /subscribe 订阅每日公告摘要。";
const MENU_TIMES = ["07:00", "08:00", "12:00", "18:00", "21:00"];
const MENU_TIMEZONES = ["Asia/Shanghai", "Asia/Tokyo", "Europe/London", "America/New_York"];
/** Beyond this many, sources are chosen with /subscribe 来源=… (a keyboard that long helps no one). */
const MENU_SOURCE_LIMIT = 20;
/** How long an admin waits for Telegram to say who administers the group, retries included. */
const ADMIN_CHECK_TIMEOUT_MS = 4000;
/** Telegram refuses callback data over 64 bytes. */
const CALLBACK_DATA_LIMIT = 64;

/** The subscription a message or button belongs to: in a forum, its topic. */
function targetOf(ctx: BotContext): DigestTarget | undefined {
  const message = ctx.msg ?? ctx.callbackQuery?.message;
  if (!ctx.chat || !message) return undefined;
  return message.is_topic_message && message.message_thread_id
    ? { chatId: ctx.chat.id, threadId: message.message_thread_id }
    : { chatId: ctx.chat.id };
}

/**
 * Creators and administrators may change a group's subscription. An anonymous admin writes as
 * the group itself (`sender_chat` is the chat), which only admins can do, so that counts too.
 */
async function isChatAdmin(ctx: BotContext): Promise<boolean> {
  if (!ctx.chat) return false;
  if (ctx.chat.type === "private") return true;
  if (ctx.msg?.sender_chat?.id === ctx.chat.id) return true;
  if (!ctx.from) return false;
  // Retries of a failing Telegram end here: the admin is told to try later, not kept waiting.
  // grammY types its signal after a polyfill; Node's own is the same at run time.
  const signal = AbortSignal.timeout(ADMIN_CHECK_TIMEOUT_MS) as Parameters<BotContext["getChatMember"]>[1];
  const member = await ctx.getChatMember(ctx.from.id, signal).catch((error: unknown) => {
    throw adminCheckFailure(error);
  });
  return member.status === "creator" || member.status === "administrator";
}

/** Telegram could not say who is an admin (down, unreachable, or a server without the method). */
function adminCheckFailure(error: unknown): Error {
  const options = { cause: error, userMessage: ADMIN_CHECK_FAILED };
  return error instanceof GrammyError && error.error_code < 500
    ? new UpstreamRefusedError("getChatMember refused", error.error_code, options)
    : new UpstreamFailedError("getChatMember failed", options);
}

/** The target of an admin-only command or button, or `undefined` once a non-admin was refused. */
async function adminTarget(ctx: BotContext): Promise<DigestTarget | undefined> {
  const target = targetOf(ctx);
  if (!target) return undefined;
  if (await isChatAdmin(ctx)) return target;
  await answerPerson(ctx, NOT_ADMIN);
  return undefined;
}

/**
 * What a change applies to: the subscription's settings, kept while the bot was away too (so an
 * admin who adds it back can simply /subscribe again), or the defaults for a new one.
 */
function currentSettings(existing: Subscription | undefined, deps: SubscribeDeps): SubscriptionSettings {
  return existing ?? defaultSettings(deps.timezone);
}

function describeFilters(settings: SubscriptionSettings, sources: SourceDirectory): string[] {
  const sourceNames = settings.sourceIds.map((id) => sources.get(id)?.name ?? id);
  const lines = [`📚 来源：${sourceNames.length > 0 ? escapeHtml(sourceNames.join("、")) : "全部"}`];
  if (settings.includeKeywords.length > 0)
    lines.push(`🔍 只看：${escapeHtml(settings.includeKeywords.join("、"))}`);
  if (settings.excludeKeywords.length > 0)
    lines.push(`🚫 排除：${escapeHtml(settings.excludeKeywords.join("、"))}`);
  if (settings.lookbackDays) lines.push(`🗓 只看最近 ${settings.lookbackDays} 天内发布的公告`);
  return lines;
}

function describeSubscription(subscription: Subscription, deps: SubscribeDeps): string {
  const next = nextRun(subscription.schedule, deps.clock());
  return [
    `⏰ ${escapeHtml(describeSchedule(subscription.schedule))}`,
    ...describeFilters(subscription, deps.sources),
    `➡️ 下次推送：${formatLocal(next, subscription.schedule.timezone)}`,
  ].join("\n");
}

/** Attempts at saving while concurrent commands for the same target keep creating it first. */
const SAVE_ATTEMPTS = 3;

/**
 * Saves settings for a target. Should another command have subscribed the target meanwhile, the
 * settings go to that subscription: a target never has two.
 */
async function saveSettings(
  deps: SubscribeDeps,
  target: DigestTarget,
  existing: Subscription | undefined,
  settings: SubscriptionSettings,
  userId: number | undefined,
): Promise<Subscription> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await saveSettingsOnce(deps, target, existing, settings, userId);
    } catch (error) {
      if (!(error instanceof TargetTakenError) || attempt >= SAVE_ATTEMPTS) throw error;
      existing = await deps.subscriptions.findByTarget(target);
    }
  }
}

async function saveSettingsOnce(
  deps: SubscribeDeps,
  target: DigestTarget,
  existing: Subscription | undefined,
  settings: SubscriptionSettings,
  userId: number | undefined,
): Promise<Subscription> {
  const now = deps.clock().getTime();
  const subscription: Subscription = {
    ...(existing ?? { id: newSubscriptionId(), createdAt: now, ...(userId ? { createdBy: userId } : {}) }),
    ...target,
    ...settings,
    active: true,
    updatedAt: now,
  };
  await deps.subscriptions.save(subscription);
  // Coming back after the bot was away starts afresh, as a new subscription would: the first
  // digest holds the last days' news, not everything from the time nothing was delivered.
  if (existing && !existing.active) await deps.subscriptions.resetCursor(subscription.id);
  await deps.scheduler.schedule(subscription);
  return subscription;
}

/** The menu for a target's subscription; one that is inactive shows its kept settings, unsubscribed. */
function settingsMenu(existing: Subscription | undefined, deps: SubscribeDeps) {
  const settings = currentSettings(existing, deps);
  const subscription = existing?.active ? existing : undefined;
  const { schedule } = settings;
  const mark = (on: boolean, label: string) => (on ? `✅${label}` : label);
  const keyboard = new InlineKeyboard();
  for (const time of MENU_TIMES) keyboard.text(mark(formatTime(schedule) === time, time), `st:t:${time}`);
  keyboard.row().text(mark(schedule.weekday === undefined, "每天"), "st:w:d");
  ([1, 2, 3, 4, 5, 6, 0] as const).forEach((day, i) => {
    if (i === 3) keyboard.row();
    keyboard.text(mark(schedule.weekday === day, `周${WEEKDAY_NAMES[day]}`), `st:w:${day}`);
  });
  keyboard.row().text(mark(settings.sourceIds.length === 0, "全部来源"), "st:s:*");
  for (const source of deps.sources.list().slice(0, MENU_SOURCE_LIMIT)) {
    const data = `st:s:${source.id}`;
    if (Buffer.byteLength(data) > CALLBACK_DATA_LIMIT) continue;
    keyboard.row().text(mark(settings.sourceIds.includes(source.id), source.name), data);
  }
  keyboard.row();
  MENU_TIMEZONES.forEach((zone, i) => keyboard.text(mark(schedule.timezone === zone, zone), `st:z:${i}`));
  keyboard.row().text("完成", "st:done");
  const text = [
    subscription ? "⚙️ <b>订阅设置</b>" : "⚙️ <b>订阅设置</b>（尚未订阅，选择任一项即订阅）",
    subscription ? describeSubscription(subscription, deps) : escapeHtml(describeSchedule(schedule)),
    "",
    "关键词请用 /subscribe +样板支部 -招聘 这样设置。",
  ].join("\n");
  return { text, keyboard };
}

/** Applies one menu button to the settings; `undefined` when the button is unknown or stale. */
function applyMenuChoice(
  data: string,
  settings: SubscriptionSettings,
  sources: SourceDirectory,
): SubscriptionSettings | undefined {
  const [, kind, value = ""] = /^st:(\w):(.*)$/.exec(data) ?? [];
  const next = structuredClone(settings);
  if (kind === "t") {
    const [hour, minute] = value.split(/[:]/).map(Number);
    if (hour === undefined || minute === undefined || !MENU_TIMES.includes(value)) return undefined;
    next.schedule = { ...next.schedule, hour, minute };
  } else if (kind === "w") {
    if (value === "d") delete next.schedule.weekday;
    else if (/^[0-6]$/.test(value)) next.schedule = { ...next.schedule, weekday: Number(value) as Weekday };
    else return undefined;
  } else if (kind === "s") {
    if (value === "*") next.sourceIds = [];
    else if (!sources.get(value)) return undefined;
    else if (next.sourceIds.includes(value)) next.sourceIds = next.sourceIds.filter((id) => id !== value);
    else next.sourceIds = [...next.sourceIds, value];
  } else if (kind === "z") {
    const zone = MENU_TIMEZONES[Number(value)];
    if (!zone) return undefined;
    next.schedule = { ...next.schedule, timezone: zone };
  } else {
    return undefined;
  }
  return next;
}

function sourcesMessages(
  deps: SubscribeDeps,
  health: Awaited<ReturnType<SubscribeDeps["sourceHealth"]["list"]>>,
) {
  const byId = new Map(health.map((h) => [h.sourceId, h]));
  const lines = deps.sources.list().map((source) => {
    const h = byId.get(source.id);
    const status =
      source.enabled === false
        ? "⏸ 未启用"
        : !h
          ? "⏳ 尚未抓取"
          : h.healthy
            ? "✅ 正常"
            : `⚠️ 异常${h.reason ? `：${escapeHtml(h.reason)}` : ""}`;
    const fetched = h?.lastSuccessAt
      ? `，上次成功 ${formatLocal(new Date(h.lastSuccessAt), deps.timezone)}`
      : "";
    const school = source.school ? `（${escapeHtml(source.school)}）` : "";
    return `• <code>${escapeHtml(source.id)}</code> ${escapeHtml(source.name)}${school} ${status}${fetched}`;
  });
  return lines.length > 0
    ? splitIntoMessages(["📚 <b>公告来源</b>", ...lines, "", "订阅指定来源：/subscribe 来源=编号1,编号2"])
    : ["还没有配置公告来源。"];
}

/** /subscribe, /settings, /unsubscribe, /subscriptions, /digest and /sources. */
export function subscribeFeature(deps: SubscribeDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const knownSources = () => new Set(deps.sources.list().map((s) => s.id));

  composer.command("subscribe", async (ctx) => {
    const target = await adminTarget(ctx);
    if (!target) return;
    const existing = await deps.subscriptions.findByTarget(target);
    const parsed = parseSubscribeArgs(ctx.match, currentSettings(existing, deps), knownSources());
    if (!parsed.ok) {
      await answerPerson(ctx, parsed.error);
      return;
    }
    const subscription = await saveSettings(deps, target, existing, parsed.settings, ctx.from?.id);
    const title = existing?.active ? "✅ 订阅已更新" : "✅ 订阅成功";
    await ctx.reply(
      [
        `<b>${title}</b>`,
        describeSubscription(subscription, deps),
        "",
        "/settings 修改 · /unsubscribe 退订",
      ].join("\n"),
      HTML_MESSAGE,
    );
  });

  composer.command("settings", async (ctx) => {
    const target = await adminTarget(ctx);
    if (!target) return;
    const existing = await deps.subscriptions.findByTarget(target);
    const menu = settingsMenu(existing, deps);
    await ctx.reply(menu.text, { ...HTML_MESSAGE, reply_markup: menu.keyboard });
  });

  composer.callbackQuery(/^st:/, async (ctx) => {
    const target = await adminTarget(ctx);
    if (!target) return;
    const data = ctx.callbackQuery.data;
    if (data === "st:done") {
      await ctx.answerCallbackQuery({ text: "设置已保存" });
      await ctx.editMessageReplyMarkup();
      return;
    }
    const existing = await deps.subscriptions.findByTarget(target);
    const next = applyMenuChoice(data, currentSettings(existing, deps), deps.sources);
    if (!next) {
      await ctx.answerCallbackQuery({ text: "这个按钮已失效，请重新发送 /settings。", show_alert: true });
      return;
    }
    const subscription = await saveSettings(deps, target, existing, next, ctx.from.id);
    const menu = settingsMenu(subscription, deps);
    try {
      await ctx.editMessageText(menu.text, { ...HTML_MESSAGE, reply_markup: menu.keyboard });
    } catch (error) {
      if (!(error instanceof GrammyError && error.description.includes("message is not modified")))
        throw error;
    }
    await ctx.answerCallbackQuery({ text: "已更新" });
  });

  composer.command("unsubscribe", async (ctx) => {
    const target = await adminTarget(ctx);
    if (!target) return;
    const existing = await deps.subscriptions.findByTarget(target);
    if (!existing) {
      await ctx.reply(NOT_SUBSCRIBED);
      return;
    }
    await deps.scheduler.unschedule(existing.id);
    await deps.subscriptions.remove(existing.id);
    await ctx.reply("已退订，不会再推送公告摘要。随时可以用 /subscribe 重新订阅。");
  });

  composer.command("subscriptions", async (ctx) => {
    if (!ctx.chat) return;
    const all = (await deps.subscriptions.listByChat(ctx.chat.id))
      .filter((s) => s.active)
      .sort((a, b) => (a.threadId ?? 0) - (b.threadId ?? 0));
    if (all.length === 0) {
      await ctx.reply(NOT_SUBSCRIBED);
      return;
    }
    const blocks = all.map((s) => {
      const where = s.threadId ? `<b>话题 #${s.threadId}</b>` : "<b>本聊天</b>";
      return `${where}\n${describeSubscription(s, deps)}`;
    });
    for (const part of splitIntoMessages(["📬 <b>本聊天的订阅</b>", ...blocks], "\n\n"))
      await ctx.reply(part, HTML_MESSAGE);
  });

  // Anyone may look at what the next digest holds; changing what it holds is for admins.
  composer.command("digest", async (ctx) => {
    const target = targetOf(ctx);
    if (!target) return;
    const existing = await deps.subscriptions.findByTarget(target);
    const now = deps.clock().getTime();
    const subscription: Subscription = existing ?? {
      id: "preview",
      ...target,
      ...defaultSettings(deps.timezone),
      active: false,
      createdAt: now,
      updatedAt: now,
    };
    const { digest } = await deps.digests.build(subscription);
    if (!digest) {
      await ctx.reply("目前没有新的公告。有新公告时会按订阅时间推送。", quotingTheMessage(ctx));
      return;
    }
    for (const [i, part] of digest.parts.entries())
      await ctx.reply(part, { ...HTML_MESSAGE, ...(i === 0 ? quotingTheMessage(ctx) : {}) });
  });

  composer.command("sources", async (ctx) => {
    for (const part of sourcesMessages(deps, await deps.sourceHealth.list()))
      await ctx.reply(part, HTML_MESSAGE);
  });

  return composer;
}
