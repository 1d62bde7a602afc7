import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnnouncementStore, type AnnouncementInput } from "../../src/store/announcements.ts";
import { announcementId } from "../../src/store/announcement-id.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

const url = "https://news.example.edu.cn/2024/0505/c1a2/page.htm";
const input: AnnouncementInput = {
  id: announcementId(url),
  url,
  title: "样板党支部共建交流会",
  date: "2024-05-05",
  sourceId: "demo",
  school: "中国矿业大学",
  text: "第一段。\n第二段。",
  contentHash: "h1",
};

describe("announcement store", () => {
  let t: TestRedis;
  beforeEach(() => {
    t = createTestRedis();
  });
  afterEach(() => t.cleanup());

  it("stores, reports new/unchanged/changed and keeps the first-seen time", async () => {
    const store = createAnnouncementStore(t.redis, t.prefix);
    expect(await store.save(input, 1000)).toBe("new");
    expect(await store.save(input, 2000)).toBe("unchanged");
    expect(await store.save({ ...input, text: "改过的正文。", contentHash: "h2" }, 3000)).toBe("changed");
    const stored = await store.get(input.id);
    expect(stored).toMatchObject({
      title: input.title,
      text: "改过的正文。",
      firstSeen: 1000,
      alternates: [],
    });
    expect(await store.findIdByContentHash("h1")).toBeUndefined();
    expect(await store.findIdByContentHash("h2")).toBe(input.id);
    expect(await store.count()).toBe(1);
  });

  it("logs every change in order for index readers, and resumes after a cursor", async () => {
    const store = createAnnouncementStore(t.redis, t.prefix);
    const start = await store.latestChangeCursor();
    expect(start).toBe("0-0");
    await store.save(input, 1000);
    await store.remove(input.id);
    const reader = t.connect();
    const events = await store.readChanges(reader, start, 10);
    expect(events.map((e) => [e.op, e.id])).toEqual([
      ["upsert", input.id],
      ["remove", input.id],
    ]);
    expect(await store.readChanges(reader, events.at(-1)!.cursor, 10)).toEqual([]);
    expect(await store.get(input.id)).toBeUndefined();
  });

  it("lists ids by first-seen window and iterates all in batches", async () => {
    const store = createAnnouncementStore(t.redis, t.prefix);
    for (let i = 0; i < 5; i++) {
      const u = `${url}?n=${i}`;
      await store.save({ ...input, id: announcementId(u), url: u, contentHash: `h${i}` }, 1000 + i);
    }
    expect(await store.idsFirstSeenBetween(1001, 1003)).toHaveLength(2);
    const batches = [];
    for await (const batch of store.all(2)) batches.push(batch.length);
    expect(batches).toEqual([2, 2, 1]);
  });

  it("keeps alternates of a mirrored article", async () => {
    const store = createAnnouncementStore(t.redis, t.prefix);
    await store.save(input, 1000);
    await store.addAlternate(input.id, "https://mirror.example.net/a.html");
    expect((await store.get(input.id))?.alternates).toEqual(["https://mirror.example.net/a.html"]);
    expect(await store.findIdByUrl("https://mirror.example.net/a.html")).toBe(input.id);
  });
});
