import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SearchDoc } from "../../src/announcement.ts";
import { startLiveIndex, type LiveIndex } from "../../src/runtime/live-index.ts";
import type { SearchIndex } from "../../src/search/types.ts";
import { createAnnouncementStore, type AnnouncementStore } from "../../src/store/announcements.ts";
import { createIndexSnapshotStore } from "../../src/store/index-snapshots.ts";
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

describe("live index snapshots", () => {
  let t: TestRedis;
  let store: AnnouncementStore;
  beforeEach(() => {
    t = createTestRedis();
    store = createAnnouncementStore(t.redis, t.prefix);
  });
  afterEach(() => t.cleanup());

  const start = (load: (snapshot: Buffer) => SearchIndex, index = recordingIndex()) =>
    startLiveIndex({
      store,
      connect: t.connect,
      createIndex: () => index,
      snapshots: { store: createIndexSnapshotStore(t.redis, t.prefix), load, everyMs: 0 },
      logger: silentLogger(),
      blockMs: 50,
    });

  /** A snapshot format for the recording index: the ids it holds. */
  const serializeIds = (index: ReturnType<typeof recordingIndex>) =>
    Buffer.from(JSON.stringify([...index.docs.keys()]));

  it("saves the index, and a later process loads it and catches up from its cursor", async () => {
    await store.save(input(1), 1);
    const first = recordingIndex();
    first.serialize = () => serializeIds(first);
    const live = await start(() => {
      throw new Error("no snapshot yet");
    }, first);
    await store.save(input(2), 2);
    await live.catchUp();
    await live.stop();
    const saved = await createIndexSnapshotStore(t.redis, t.prefix).load();
    expect(saved).toBeDefined();

    await store.save(input(3), 3);
    let loadedFrom: string[] = [];
    const second = recordingIndex();
    const next = await start((snapshot) => {
      loadedFrom = JSON.parse(snapshot.toString()) as string[];
      for (const id of loadedFrom) second.docs.set(id, { ...input(Number(id.slice(1))), text: "" });
      return second;
    });
    await next.catchUp();
    expect(loadedFrom.length).toBeGreaterThan(0);
    expect([...second.docs.keys()].sort()).toEqual(["a1", "a2", "a3"]);
    await next.stop();
  });

  it("rebuilds from the store when the snapshot is unusable", async () => {
    await store.save(input(1), 1);
    await createIndexSnapshotStore(t.redis, t.prefix).save({
      snapshot: Buffer.from("garbage"),
      cursor: "0-0",
    });
    const index = recordingIndex();
    const live = await start(() => {
      throw new Error("corrupt snapshot");
    }, index);
    expect([...index.docs.keys()]).toEqual(["a1"]);
    await live.stop();
  });

  it("knows when the change log no longer holds what a snapshot missed", async () => {
    await store.save(input(1), 1);
    const cursor = await store.latestChangeCursor();
    expect(await store.changesKeptSince(cursor)).toBe(true);
    await t.redis.xtrim(`${t.prefix}:changes`, "MAXLEN", "0");
    await store.save(input(2), 2);
    expect(await store.changesKeptSince("0-0")).toBe(false);
  });
});
