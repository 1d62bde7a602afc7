import type { Redis } from "ioredis";
import type { Announcement, SearchDoc } from "../announcement.ts";
import type { Logger } from "../logger.ts";
import type { SearchIndex } from "../search/types.ts";
import type { AnnouncementStore, ChangeEvent } from "../store/announcements.ts";

/** A search index that follows the store: built from it at start, then kept current from its change stream. */
export interface LiveIndex {
  current(): SearchIndex;
  /** The change-stream cursor the index reflects: equal versions hold the same announcements. */
  version(): string;
  /** Resolves once every change made before the call is in the index. */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveIndexDeps {
  store: AnnouncementStore;
  /** A connection of its own for blocking reads of the change stream. */
  connect: () => Redis;
  createIndex: () => SearchIndex;
  logger: Logger;
  blockMs?: number;
}

export function toSearchDoc(a: Announcement): SearchDoc {
  return {
    id: a.id,
    url: a.url,
    title: a.title,
    date: a.date,
    sourceId: a.sourceId,
    school: a.school,
    text: a.text,
  };
}

/** Stream ids are `<ms>-<seq>`; compares them as numbers. */
function cursorAtLeast(cursor: string, target: string): boolean {
  const [ms = 0, seq = 0] = cursor.split("-").map(Number);
  const [targetMs = 0, targetSeq = 0] = target.split("-").map(Number);
  return ms > targetMs || (ms === targetMs && seq >= targetSeq);
}

export async function startLiveIndex(deps: LiveIndexDeps): Promise<LiveIndex> {
  const { store, logger } = deps;
  const started = performance.now();
  let cursor = await store.latestChangeCursor();
  const index = deps.createIndex();
  for await (const batch of store.all())
    for (const announcement of batch) index.upsert(toSearchDoc(announcement));
  logger.info(
    { docs: index.size, ms: Math.round(performance.now() - started) },
    "search index built from the store",
  );

  const waiters: Array<{ target: string; resolve: () => void }> = [];
  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i];
      if (waiter && cursorAtLeast(cursor, waiter.target)) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };

  async function apply(events: ChangeEvent[]): Promise<void> {
    const lastOp = new Map(events.map((event) => [event.id, event.op]));
    const upserts = [...lastOp].filter(([, op]) => op === "upsert").map(([id]) => id);
    const records = await store.getMany(upserts);
    upserts.forEach((id, i) => {
      const record = records[i];
      if (record) index.upsert(toSearchDoc(record));
      else index.remove(id);
    });
    for (const [id, op] of lastOp) if (op === "remove") index.remove(id);
  }

  const reader = deps.connect();
  let stopping = false;
  const following = (async () => {
    while (!stopping) {
      try {
        const events = await store.readChanges(reader, cursor, deps.blockMs ?? 5000);
        if (events.length > 0) {
          await apply(events);
          cursor = events.at(-1)?.cursor ?? cursor;
          logger.debug({ changes: events.length, docs: index.size }, "search index updated");
        }
        settleWaiters();
      } catch (error) {
        if (stopping) break;
        logger.warn({ err: error }, "reading announcement changes failed; retrying");
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();

  return {
    current: () => index,
    version: () => cursor,
    async catchUp() {
      const target = await store.latestChangeCursor();
      if (cursorAtLeast(cursor, target)) return;
      await new Promise<void>((resolve) => waiters.push({ target, resolve }));
    },
    async stop() {
      stopping = true;
      reader.disconnect();
      await following;
      for (const waiter of waiters.splice(0)) waiter.resolve();
    },
  };
}
