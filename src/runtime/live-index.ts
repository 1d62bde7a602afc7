import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Announcement, SearchDoc } from "../announcement.ts";
import type { Logger } from "../logger.ts";
import type { SearchIndex } from "../search/types.ts";
import { cursorAtLeast, type AnnouncementStore, type ChangeEvent } from "../store/announcements.ts";
import type { IndexSnapshotStore } from "../store/index-snapshots.ts";

/** A search index that follows the store: loaded or built at start, then kept current from its change stream. */
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
  /** Saved indexes: load one at start instead of rebuilding, and save one now and then. */
  snapshots?: {
    store: IndexSnapshotStore;
    /** Throws (a `SnapshotError`) for a snapshot of another format or a corrupt one. */
    load: (snapshot: Buffer) => SearchIndex;
    everyMs: number;
  };
  blockMs?: number;
}

/** MiniSearch's own auto-vacuum thresholds: at least 20 stale documents, and a tenth of the index. */
const VACUUM_MIN_DIRT = 20;
const VACUUM_DIRT_FACTOR = 0.1;

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

async function buildFromStore(deps: LiveIndexDeps): Promise<{ index: SearchIndex; cursor: string }> {
  const cursor = await deps.store.latestChangeCursor();
  const index = deps.createIndex();
  for await (const batch of deps.store.all())
    for (const announcement of batch) index.upsert(toSearchDoc(announcement));
  return { index, cursor };
}

async function loadSnapshot(
  deps: LiveIndexDeps,
): Promise<{ index: SearchIndex; cursor: string } | undefined> {
  const saved = await deps.snapshots?.store.load();
  if (!deps.snapshots || !saved) return undefined;
  if (!(await deps.store.changesKeptSince(saved.cursor))) {
    deps.logger.info("the saved search index is older than the change log; rebuilding");
    return undefined;
  }
  try {
    return { index: deps.snapshots.load(saved.snapshot), cursor: saved.cursor };
  } catch (error) {
    deps.logger.warn({ err: error }, "the saved search index is unusable; rebuilding from the store");
    return undefined;
  }
}

export async function startLiveIndex(deps: LiveIndexDeps): Promise<LiveIndex> {
  const { store, logger } = deps;
  const started = performance.now();
  const loaded = await loadSnapshot(deps);
  const ready = loaded ?? (await buildFromStore(deps));
  const index = ready.index;
  let cursor = ready.cursor;
  logger.info(
    { docs: index.size, ms: Math.round(performance.now() - started), from: loaded ? "snapshot" : "store" },
    "search index ready",
  );

  const owner = randomUUID();
  let savedCursor = loaded?.cursor;
  let savedAt = loaded ? Date.now() : 0;
  async function saveIfDue(): Promise<void> {
    const snapshots = deps.snapshots;
    if (!snapshots || savedCursor === cursor || Date.now() - savedAt < snapshots.everyMs) return;
    savedAt = Date.now();
    if (!(await snapshots.store.claimSave(owner, Math.max(snapshots.everyMs, 1000)))) return;
    const snapshotCursor = cursor;
    await snapshots.store.save({ snapshot: index.serialize(), cursor: snapshotCursor });
    savedCursor = snapshotCursor;
    logger.debug({ cursor: snapshotCursor }, "search index saved");
  }

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

  let replacedSinceVacuum = 0;
  async function apply(events: ChangeEvent[]): Promise<void> {
    const lastOp = new Map(events.map((event) => [event.id, event.op]));
    for (const id of lastOp.keys()) if (index.has(id)) replacedSinceVacuum++;
    const upserts = [...lastOp].filter(([, op]) => op === "upsert").map(([id]) => id);
    const records = await store.getMany(upserts);
    upserts.forEach((id, i) => {
      const record = records[i];
      if (record) index.upsert(toSearchDoc(record));
      else index.remove(id);
    });
    for (const [id, op] of lastOp) if (op === "remove") index.remove(id);
  }

  /** Replaced and removed documents leave garbage in the index; clean it up while nothing arrives. */
  async function vacuumIfDirty(): Promise<void> {
    if (!index.vacuum || replacedSinceVacuum < Math.max(VACUUM_MIN_DIRT, index.size * VACUUM_DIRT_FACTOR))
      return;
    replacedSinceVacuum = 0;
    await index.vacuum();
  }

  const reader = deps.connect();
  let stopping = false;
  const following = (async () => {
    while (!stopping) {
      try {
        await saveIfDue();
        const events = await store.readChanges(reader, cursor, deps.blockMs ?? 5000);
        if (events.length > 0) {
          await apply(events);
          cursor = events.at(-1)?.cursor ?? cursor;
          logger.debug({ changes: events.length, docs: index.size }, "search index updated");
        } else {
          await vacuumIfDirty();
        }
        settleWaiters();
      } catch (error) {
        if (stopping) break;
        logger.warn({ err: error }, "following announcement changes failed; retrying");
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
