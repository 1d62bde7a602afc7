import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SearchDoc } from "../../src/announcement.ts";
import { startLiveIndex, type LiveIndex } from "../../src/runtime/live-index.ts";
import type { SearchIndex } from "../../src/search/types.ts";
import { createAnnouncementStore, type AnnouncementStore } from "../../src/store/announcements.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import { silentLogger } from "../support/logger.ts";

/** Keeps documents by id: enough to see what the live index applied, without the search engine. */
function recordingIndex(): SearchIndex & { docs: Map<string, SearchDoc> } {
  const docs = new Map<string, SearchDoc>();
  return {
    docs,
    upsert: (doc) => void docs.set(doc.id, doc),
    remove: (id) => void docs.delete(id),
    has: (id) => docs.has(id),
    get size() {
      return docs.size;
    },
    search: (raw) => ({ query: { raw, terms: [], filters: {} }, total: 0, hits: [] }),
    serialize: () => Buffer.alloc(0),
  };
}

const input = (n: number, title = `公告${n}`) => ({
  id: `a${n}`,
  url: `https://news.example.edu.cn/${n}.htm`,
  title,
  date: "2024-05-05",
  sourceId: "demo",
  school: "中国矿业大学",
  text: "正文",
  contentHash: `${title}-hash`,
});

describe("live index", () => {
  let t: TestRedis;
  let store: AnnouncementStore;
  let live: LiveIndex | undefined;
  beforeEach(() => {
    t = createTestRedis();
    store = createAnnouncementStore(t.redis, t.prefix);
  });
  afterEach(async () => {
    await live?.stop();
    await t.cleanup();
  });

  it("builds from the store, then follows additions, edits and removals without a restart", async () => {
    await store.save(input(1), 1);
    await store.save(input(2), 2);
    const index = recordingIndex();
    live = await startLiveIndex({
      store,
      connect: t.connect,
      createIndex: () => index,
      logger: silentLogger(),
      blockMs: 50,
    });
    expect([...index.docs.keys()].sort()).toEqual(["a1", "a2"]);

    await store.save(input(3), 3);
    await store.save(input(1, "改过的公告1"), 4);
    await store.remove("a2");
    await live.catchUp();
    expect([...index.docs.keys()].sort()).toEqual(["a1", "a3"]);
    expect(index.docs.get("a1")?.title).toBe("改过的公告1");
  });

  it("lets two bot processes answer from the same current data", async () => {
    const first = recordingIndex();
    const second = recordingIndex();
    live = await startLiveIndex({
      store,
      connect: t.connect,
      createIndex: () => first,
      logger: silentLogger(),
      blockMs: 50,
    });
    const other = await startLiveIndex({
      store,
      connect: t.connect,
      createIndex: () => second,
      logger: silentLogger(),
      blockMs: 50,
    });
    await store.save(input(7), 7);
    await Promise.all([live.catchUp(), other.catchUp()]);
    expect(first.has("a7") && second.has("a7")).toBe(true);
    await other.stop();
  });
});
