import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextRun } from "../../src/digest/schedule.ts";
import { schedulerIdOf } from "../../src/digest/scheduler.ts";
import { createGoneArticleStore } from "../../src/store/gone-articles.ts";
import { createSourceHealthStore } from "../../src/store/source-health.ts";
import {
  GROUP_ANONYMOUS_BOT,
  OPERATOR_ID,
  buttonPress,
  commandMessage,
  forum,
  group,
  membershipChange,
  startBotHarness,
  user,
  type BotHarness,
} from "./bot-harness.ts";
import { makeAnnouncement } from "./support.ts";
import { telegramFailures } from "../support/fake-telegram.ts";

describe("subscription commands", () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBotHarness();
  });
  afterEach(() => h.stop());

  const schedulerOf = async (target: { chatId: number; threadId?: number }) => {
    const subscription = await h.subscriptions.findByTarget(target);
    return subscription && h.digestQueue.getJobScheduler(schedulerIdOf(subscription.id));
  };

  it("lets a group admin subscribe to a daily 08:00 Shanghai digest of all sources", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe"));
    const subscription = await h.subscriptions.findByTarget({ chatId: -100123 });
    expect(subscription).toMatchObject({
      active: true,
      sourceIds: [],
      schedule: { hour: 8, minute: 0, timezone: "Asia/Shanghai" },
    });
    expect(await schedulerOf({ chatId: -100123 })).toMatchObject({
      pattern: "0 8 * * *",
      tz: "Asia/Shanghai",
    });
    expect(h.replies().at(-1)).toContain("订阅成功");
    expect(h.replies().at(-1)).toContain("下次推送：2024-05-07 08:00");
  });

  it("lets anyone subscribe themselves in a private chat", async () => {
    const me = { id: 42, type: "private" as const, first_name: "我" };
    await h.send(commandMessage("/subscribe 来源=nwpu", { chat: me as never, from: user(42) }));
    expect(h.fake.callsOf("getChatMember")).toHaveLength(0);
    expect(await h.subscriptions.findByTarget({ chatId: 42 })).toMatchObject({ sourceIds: ["nwpu"] });
  });

  it("politely refuses a member who is not an admin and changes nothing", async () => {
    h.fake.setChatMember(-100123, 2, "member");
    await h.send(commandMessage("/subscribe 07:00", { from: user(2) }));
    await h.send(commandMessage("/settings", { from: user(2) }));
    expect(await h.subscriptions.count()).toBe(0);
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(0);
    expect(h.replies()).toEqual([
      expect.stringContaining("只有群管理员"),
      expect.stringContaining("只有群管理员"),
    ]);
  });

  it("refuses in reply to the member's own message", async () => {
    h.fake.setChatMember(-100123, 2, "member");
    const request = commandMessage("/unsubscribe", { from: user(2) });
    await h.send(request);
    expect(h.fake.callsOf("sendMessage")[0]?.payload.reply_parameters).toMatchObject({
      message_id: request.message?.message_id,
    });
  });

  it.each([
    ["a server error", telegramFailures.serverError()],
    ["a server without the method", { error_code: 404, description: "Not Found: method not found" }],
  ])("says the admin check could not be made when getChatMember meets %s", async (_, failure) => {
    h.fake.fail("getChatMember", failure, { times: 10 });
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe 07:00"));
    expect(await h.subscriptions.count()).toBe(0);
    expect(h.replies()).toEqual([expect.stringMatching(/无法.*确认.*管理员[\s\S]*稍后再试/)]);
  });

  it("says so in an alert when a settings button's admin check cannot be made", async () => {
    h.fake.fail("getChatMember", { error_code: 404, description: "Not Found: method not found" });
    await h.send(buttonPress("st:t:07:00"));
    const [alert] = h.fake.callsOf("answerCallbackQuery");
    expect(alert?.payload).toMatchObject({
      show_alert: true,
      text: expect.stringContaining("稍后再试") as unknown,
    });
    expect(await h.subscriptions.count()).toBe(0);
  });

  it("shortens an unknown word of any length in its refusal, which Telegram then accepts", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage(`/subscribe ${"很长的词".repeat(2000)}`));
    await h.send(commandMessage(`/subscribe 来源=${"x".repeat(3000)} 时区=${"Y".repeat(3000)}`));
    expect(h.fake.refused()).toEqual([]);
    const [first, second] = h.replies();
    expect(first).toContain("没看懂「很长的词很长的词");
    expect(first!.length).toBeLessThan(600);
    expect(second).toContain("没有这些来源");
    expect(second!.length).toBeLessThan(600);
  });

  it("lets an admin choose how many days of news a digest looks back over", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe 回顾=3天"));
    expect(await h.subscriptions.findByTarget({ chatId: -100123 })).toMatchObject({ lookbackDays: 3 });
    expect(h.replies().at(-1)).toContain("最近 3 天");
    const arrived = Date.parse("2024-05-06T00:30:00Z");
    await h.announcements.save(makeAnnouncement({ title: "五天前发布", date: "2024-05-01" }), arrived);
    await h.announcements.save(makeAnnouncement({ title: "昨天发布", date: "2024-05-05" }), arrived);
    await h.send(commandMessage("/digest"));
    expect(h.replies().at(-1)).toContain("昨天发布");
    expect(h.replies().at(-1)).not.toContain("五天前发布");
    await h.send(commandMessage("/subscribe 回顾=0天"));
    expect(h.replies().at(-1)).toContain("回顾天数请写 1 到 90");
  });

  it("accepts an anonymous admin writing as the group", async () => {
    await h.send(commandMessage("/subscribe 每周三", { from: GROUP_ANONYMOUS_BOT, senderChat: group() }));
    expect(h.fake.callsOf("getChatMember")).toHaveLength(0);
    expect(await h.subscriptions.findByTarget({ chatId: -100123 })).toMatchObject({
      schedule: { weekday: 3 },
    });
  });

  it("does not take a linked channel's post for an admin", async () => {
    const channel = { id: -100999, type: "channel", title: "频道" };
    await h.send(commandMessage("/subscribe", { from: GROUP_ANONYMOUS_BOT, senderChat: channel }));
    expect(await h.subscriptions.count()).toBe(0);
  });

  it("makes one subscription of two /subscribe sent at once", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await Promise.all([
      h.send(commandMessage("/subscribe 07:00")),
      h.send(commandMessage("/subscribe 07:00")),
    ]);
    expect(await h.subscriptions.listByChat(-100123)).toHaveLength(1);
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(1);
  });

  it("keeps one subscription per forum topic and answers in the topic", async () => {
    h.fake.setChatMember(-100777, 1, "creator");
    await h.send(commandMessage("/subscribe 07:00", { chat: forum(), threadId: 11 }));
    await h.send(commandMessage("/subscribe 21:00 +主题党日", { chat: forum(), threadId: 12 }));
    const eleven = await h.subscriptions.findByTarget({ chatId: -100777, threadId: 11 });
    const twelve = await h.subscriptions.findByTarget({ chatId: -100777, threadId: 12 });
    expect(eleven).toMatchObject({ threadId: 11, schedule: { hour: 7 }, includeKeywords: [] });
    expect(twelve).toMatchObject({ threadId: 12, schedule: { hour: 21 }, includeKeywords: ["主题党日"] });
    expect(await h.subscriptions.findByTarget({ chatId: -100777 })).toBeUndefined();
    expect(h.fake.callsOf("sendMessage").map((c) => c.payload.message_thread_id)).toEqual([11, 12]);
    await h.send(commandMessage("/subscriptions", { chat: forum(), threadId: 11 }));
    expect(h.replies().at(-1)).toMatch(/话题 #11[\s\S]*话题 #12/);
  });

  it("moves the schedule when settings change, by command and by menu button", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe 07:30 每周一 时区=Asia/Tokyo"));
    expect(await schedulerOf({ chatId: -100123 })).toMatchObject({ pattern: "30 7 * * 1", tz: "Asia/Tokyo" });
    await h.send(buttonPress("st:t:18:00"));
    await h.send(buttonPress("st:w:d"));
    await h.send(buttonPress("st:s:nwpu"));
    await h.send(buttonPress("st:z:0"));
    expect(await schedulerOf({ chatId: -100123 })).toMatchObject({
      pattern: "0 18 * * *",
      tz: "Asia/Shanghai",
    });
    expect(await h.subscriptions.findByTarget({ chatId: -100123 })).toMatchObject({ sourceIds: ["nwpu"] });
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(1);
    const edits = h.fake.callsOf("editMessageText");
    expect(edits.at(-1)?.payload.text).toContain("每天 18:00（Asia/Shanghai）");
    const keyboard = edits.at(-1)?.payload.reply_markup as {
      inline_keyboard: Array<Array<{ callback_data: string }>>;
    };
    for (const button of keyboard.inline_keyboard.flat()) {
      expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(64);
    }
  });

  it("has BullMQ fire when /subscriptions says the next digest comes", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe 07:30 每周三 时区=America/New_York"));
    const subscription = await h.subscriptions.findByTarget({ chatId: -100123 });
    const scheduler = await schedulerOf({ chatId: -100123 });
    expect(scheduler?.next).toBe(nextRun(subscription!.schedule, new Date()).getTime());
  });

  it("ignores menu buttons pressed by a non-admin", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe 07:30"));
    h.fake.setChatMember(-100123, 2, "member");
    await h.send(buttonPress("st:t:18:00", { from: 2 }));
    expect(await schedulerOf({ chatId: -100123 })).toMatchObject({ pattern: "30 7 * * *" });
    expect(h.fake.callsOf("answerCallbackQuery").at(-1)?.payload).toMatchObject({ show_alert: true });
  });

  it("unsubscribes and removes the scheduler", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe"));
    await h.send(commandMessage("/unsubscribe"));
    expect(await h.subscriptions.count()).toBe(0);
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(0);
    expect(h.replies().at(-1)).toContain("已退订");
  });

  it("previews the next digest without advancing anything", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/digest"));
    expect(h.replies().at(-1)).toContain("没有新的公告");
    await h.announcements.save(
      makeAnnouncement({ title: "预览用的公告" }),
      Date.parse("2024-05-06T00:30:00Z"),
    );
    await h.send(commandMessage("/subscribe"));
    await h.send(commandMessage("/digest"));
    await h.send(commandMessage("/digest"));
    expect(h.replies().filter((r) => r.includes("预览用的公告"))).toHaveLength(2);
    const subscription = await h.subscriptions.findByTarget({ chatId: -100123 });
    expect(await h.subscriptions.getCursor(subscription?.id ?? "")).toBeUndefined();
  });

  it("previews the digest for any member, as the help says, in reply to the request", async () => {
    await h.announcements.save(
      makeAnnouncement({ title: "预览用的公告" }),
      Date.parse("2024-05-06T00:30:00Z"),
    );
    h.fake.setChatMember(-100123, 2, "member");
    const request = commandMessage("/digest", { from: user(2) });
    await h.send(request);
    const [preview] = h.fake.callsOf("sendMessage");
    expect(String(preview?.payload.text)).toContain("预览用的公告");
    expect(preview?.payload.reply_parameters).toMatchObject({ message_id: request.message?.message_id });
    expect(h.fake.callsOf("getChatMember")).toHaveLength(0);
    const privateChat = { id: 2, type: "private" as const, first_name: "用户2" };
    await h.send(commandMessage("/digest", { chat: privateChat as never, from: user(2) }));
    expect(h.replies().at(-1)).toContain("预览用的公告");
  });

  it("lists sources with their health", async () => {
    await h.sourceHealth.put({
      sourceId: "nwpu",
      healthy: false,
      reason: "页面结构变了",
      consecutiveFailures: 3,
    });
    await h.send(commandMessage("/sources"));
    expect(h.replies().at(-1)).toMatch(/cumt[\s\S]*尚未抓取[\s\S]*nwpu[\s\S]*页面结构变了/);
  });

  it("greets a group it joins and deactivates subscriptions when removed", async () => {
    await h.send(membershipChange(group(), "left", "member"));
    expect(h.replies().at(-1)).toContain("/subscribe");
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe"));
    await h.send(membershipChange(group(), "member", "kicked"));
    expect(await h.subscriptions.findByTarget({ chatId: -100123 })).toMatchObject({ active: false });
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(0);
    await h.send(commandMessage("/subscriptions"));
    expect(h.replies().at(-1)).toContain("还没有订阅");
  });

  it("keeps the settings of a group that adds the bot back, and starts afresh as a new subscriber", async () => {
    h.fake.setChatMember(-100123, 1, "administrator");
    await h.send(commandMessage("/subscribe 18:00 +样板支部"));
    const before = await h.subscriptions.findByTarget({ chatId: -100123 });
    await h.subscriptions.advanceCursor(before?.id ?? "", Date.parse("2024-01-01T00:00:00Z"));
    await h.send(membershipChange(group(), "member", "kicked"));
    await h.send(membershipChange(group(), "left", "member"));
    await h.send(commandMessage("/subscribe"));
    const after = await h.subscriptions.findByTarget({ chatId: -100123 });
    expect(after).toMatchObject({
      id: before?.id,
      active: true,
      includeKeywords: ["样板支部"],
      schedule: { hour: 18, minute: 0 },
    });
    expect(await h.subscriptions.getCursor(after?.id ?? "")).toBeUndefined();
    expect(await schedulerOf({ chatId: -100123 })).toMatchObject({ pattern: "0 18 * * *" });
    expect(h.replies().at(-1)).toContain("订阅成功");
  });

  it("moves subscriptions along when the group is upgraded to a supergroup", async () => {
    const basic = { id: -5001, type: "group" as const, title: "普通群" };
    h.fake.setChatMember(-5001, 1, "administrator");
    await h.send(commandMessage("/subscribe 09:00", { chat: basic as never }));
    await h.send({
      message: {
        message_id: 7,
        date: 1_714_957_200,
        chat: basic,
        from: user(1),
        migrate_to_chat_id: -1005001,
      },
    });
    await h.send(membershipChange(basic as never, "member", "left"));
    expect(await h.subscriptions.findByTarget({ chatId: -1005001 })).toMatchObject({
      active: true,
      schedule: { hour: 9 },
    });
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(1);
  });

  it("unschedules a subscription dropped as a duplicate when the group is upgraded", async () => {
    const basic = { id: -5002, type: "group" as const, title: "普通群" };
    h.fake.setChatMember(-5002, 1, "administrator");
    h.fake.setChatMember(-1005002, 1, "administrator");
    await h.send(commandMessage("/subscribe 09:00", { chat: basic as never }));
    const duplicate = await h.subscriptions.findByTarget({ chatId: -5002 });
    await h.send(commandMessage("/subscribe 10:00", { chat: group(-1005002) }));
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(2);
    await h.send({
      message: {
        message_id: 8,
        date: 1_714_957_200,
        chat: basic,
        from: user(1),
        migrate_to_chat_id: -1005002,
      },
    });
    expect(await h.subscriptions.get(duplicate?.id ?? "")).toBeUndefined();
    expect(await h.digestQueue.getJobScheduler(schedulerIdOf(duplicate?.id ?? ""))).toBeUndefined();
    expect(await h.digestQueue.getJobSchedulersCount()).toBe(1);
    expect(await schedulerOf({ chatId: -1005002 })).toMatchObject({ pattern: "0 10 * * *" });
  });

  it("shows /status to operators only, only in a private chat, with the articles each source lost", async () => {
    await createSourceHealthStore(h.t.redis, h.t.prefix).put({
      sourceId: "lost",
      healthy: true,
      lastFetchAt: 1_715_000_000_000,
      consecutiveFailures: 0,
    });
    const gone = createGoneArticleStore(h.t.redis, h.t.prefix);
    await gone.gone("a1", "lost");
    await gone.gone("a2", "lost");
    const operatorChat = { id: OPERATOR_ID, type: "private" as const, first_name: "运维" };
    await h.send(commandMessage("/status", { chat: operatorChat as never, from: user(OPERATOR_ID) }));
    expect(h.replies().at(-1)).toMatch(
      /运行状态[\s\S]*公告：0 条[\s\S]*lost ✅，上次抓取 .*，原文已删除 2 篇（已下线）[\s\S]*digest：0\/0\/0\/0[\s\S]*delivery：0\/0\/0\/0/,
    );
    h.fake.clear();
    const inGroup = commandMessage("/status", { from: user(OPERATOR_ID) });
    await h.send(inGroup);
    const [pointer] = h.fake.callsOf("sendMessage");
    expect(String(pointer?.payload.text)).toContain("私聊");
    expect(String(pointer?.payload.text)).not.toContain("公告：");
    expect(pointer?.payload.reply_parameters).toMatchObject({ message_id: inGroup.message?.message_id });
    h.fake.clear();
    await h.send(commandMessage("/status", { from: user(2) }));
    expect(h.replies().join("")).not.toContain("运行状态");
  });
});
