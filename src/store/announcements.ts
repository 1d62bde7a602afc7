import type { Redis } from "ioredis";
import type { Announcement } from "../announcement.ts";
import { redisKeys } from "./keys.ts";

export type SaveOutcome = "new" | "changed" | "unchanged";

export interface ChangeEvent {
  /** Stream entry id; pass it back to `readChanges` to continue after it. */
  cursor: string;
  op: "upsert" | "remove";
  id: string;
}

/** Changes are an append-only Redis stream, so a reader that was away resumes where it stopped. */
const CHANGE_LOG_LENGTH = 200_000;

/** Whether stream cursor `cursor` (`<ms>-<seq>`) is at or after `target`. */
export function cursorAtLeast(cursor: string, target: string): boolean {
  const [ms = 0, seq = 0] = cursor.split("-").map(Number);
  const [targetMs = 0, targetSeq = 0] = target.split("-").map(Number);
  return ms > targetMs || (ms === targetMs && seq >= targetSeq);
}

const STRING_FIELDS = ["id", "url", "title", "date", "sourceId", "school", "text", "contentHash"] as const;

function toHash(announcement: Announcement): Record<string, string> {
  const hash: Record<string, string> = {
    firstSeen: String(announcement.firstSeen),
    alternates: JSON.stringify(announcement.alternates),
  };
  for (const field of STRING_FIELDS) hash[field] = announcement[field];
  if (announcement.author) hash.author = announcement.author;
  if (announcement.reviewer) hash.reviewer = announcement.reviewer;
  return hash;
}

function fromHash(hash: Record<string, string>): Announcement | undefined {
  if (!hash.id) return undefined;
  const announcement: Announcement = {
    id: hash.id,
    url: hash.url ?? "",
    title: hash.title ?? "",
    date: hash.date ?? "",
    sourceId: hash.sourceId ?? "",
    school: hash.school ?? "",
    text: hash.text ?? "",
    contentHash: hash.contentHash ?? "",
    firstSeen: Number(hash.firstSeen ?? 0),
    alternates: hash.alternates ? (JSON.parse(hash.alternates) as string[]) : [],
  };
  if (hash.author) announcement.author = hash.author;
  if (hash.reviewer) announcement.reviewer = hash.reviewer;
  return announcement;
}

export type AnnouncementInput = Omit<Announcement, "firstSeen" | "alternates"> & { alternates?: string[] };

export function createAnnouncementStore(redis: Redis, prefix: string) {
  const keys = redisKeys(prefix);

  async function get(id: string): Promise<Announcement | undefined> {
    return fromHash(await redis.hgetall(keys.announcement(id)));
  }

  async function getMany(ids: readonly string[]): Promise<Array<Announcement | undefined>> {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.announcement(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, hash]) => {
      if (error) throw error;
      return fromHash(hash as Record<string, string>);
    });
  }

  return {
    get,
    getMany,

    /**
     * Stores an announcement, keeping its first-seen time and known alternates, and logs the
     * change for index readers. Saving identical content is a no-op.
     */
    async save(input: AnnouncementInput, now: number): Promise<SaveOutcome> {
      const existing = await get(input.id);
      const alternates = [...new Set([...(existing?.alternates ?? []), ...(input.alternates ?? [])])].filter(
        (url) => url !== input.url,
      );
      const next: Announcement = { ...input, alternates, firstSeen: existing?.firstSeen ?? now };
      if (existing && JSON.stringify(toHash(existing)) === JSON.stringify(toHash(next))) return "unchanged";
      const transaction = redis
        .multi()
        .del(keys.announcement(input.id))
        .hset(keys.announcement(input.id), toHash(next));
      if (existing && existing.contentHash !== next.contentHash) {
        transaction.hdel(keys.announcementByContentHash, existing.contentHash);
      }
      transaction
        .zadd(keys.announcementsByFirstSeen, next.firstSeen, next.id)
        .hset(keys.announcementByContentHash, next.contentHash, next.id)
        .hset(keys.announcementByUrl, next.url, next.id)
        .xadd(keys.changes, "MAXLEN", "~", CHANGE_LOG_LENGTH, "*", "op", "upsert", "id", next.id);
      await transaction.exec();
      return existing ? "changed" : "new";
    },

    async addAlternate(id: string, url: string): Promise<void> {
      const existing = await get(id);
      if (!existing || existing.url === url || existing.alternates.includes(url)) return;
      await redis
        .multi()
        .hset(keys.announcement(id), "alternates", JSON.stringify([...existing.alternates, url]))
        .hset(keys.announcementByUrl, url, id)
        .exec();
    },

    async remove(id: string): Promise<void> {
      const existing = await get(id);
      if (!existing) return;
      const transaction = redis
        .multi()
        .del(keys.announcement(id))
        .zrem(keys.announcementsByFirstSeen, id)
        .hdel(keys.announcementByContentHash, existing.contentHash);
      for (const url of [existing.url, ...existing.alternates]) transaction.hdel(keys.announcementByUrl, url);
      transaction.xadd(keys.changes, "MAXLEN", "~", CHANGE_LOG_LENGTH, "*", "op", "remove", "id", id);
      await transaction.exec();
    },

    async count(): Promise<number> {
      return redis.zcard(keys.announcementsByFirstSeen);
    },

    async findIdByUrl(url: string): Promise<string | undefined> {
      return (await redis.hget(keys.announcementByUrl, url)) ?? undefined;
    },

    async findIdByContentHash(contentHash: string): Promise<string | undefined> {
      return (await redis.hget(keys.announcementByContentHash, contentHash)) ?? undefined;
    },

    /** Ids first seen in `[fromMs, toMs)`, oldest first. */
    async idsFirstSeenBetween(fromMs: number, toMs: number): Promise<string[]> {
      return redis.zrangebyscore(keys.announcementsByFirstSeen, fromMs, `(${toMs}`);
    },

    /** Every stored announcement, in batches, for building an index. */
    async *all(batchSize = 500): AsyncGenerator<Announcement[]> {
      const total = await redis.zcard(keys.announcementsByFirstSeen);
      for (let start = 0; start < total; start += batchSize) {
        const ids = await redis.zrange(
          keys.announcementsByFirstSeen,
          String(start),
          String(start + batchSize - 1),
        );
        const batch = (await getMany(ids)).filter((a): a is Announcement => a !== undefined);
        if (batch.length > 0) yield batch;
      }
    },

    /** The cursor of the newest change, or "0-0" when nothing has changed yet. */
    async latestChangeCursor(): Promise<string> {
      const [entry] = await redis.xrevrange(keys.changes, "+", "-", "COUNT", 1);
      return entry?.[0] ?? "0-0";
    },

    /**
     * Whether every change after `cursor` is still in the log: false once trimming dropped one,
     * and a reader that far behind must rebuild from the records instead.
     */
    async changesKeptSince(cursor: string): Promise<boolean> {
      if ((await redis.exists(keys.changes)) === 0) return cursor === "0-0";
      const info = (await redis.call("XINFO", "STREAM", keys.changes)) as unknown[];
      const field = (name: string) => info[info.indexOf(name) + 1];
      if (Number(field("entries-added")) === Number(field("length"))) return true;
      // Trimmed entries all precede the first one kept; a cursor before it may have missed some.
      const first = (field("first-entry") as [string] | null)?.[0];
      return first !== undefined && cursorAtLeast(cursor, first);
    },

    /**
     * Changes after `cursor`, waiting up to `blockMs` for one. Blocking needs a connection of
     * its own: pass one that nothing else uses.
     */
    async readChanges(connection: Redis, cursor: string, blockMs: number): Promise<ChangeEvent[]> {
      const reply = await connection.xread(
        "COUNT",
        "1000",
        "BLOCK",
        String(blockMs),
        "STREAMS",
        keys.changes,
        cursor,
      );
      const entries = reply?.[0]?.[1] ?? [];
      return entries.map(([entryId, fields]) => {
        const values = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] ?? "", fields[i + 1] ?? "");
        return {
          cursor: entryId,
          op: values.get("op") === "remove" ? "remove" : "upsert",
          id: values.get("id") ?? "",
        } satisfies ChangeEvent;
      });
    },
  };
}

export type AnnouncementStore = ReturnType<typeof createAnnouncementStore>;
