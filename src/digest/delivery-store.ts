import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { redisKeys } from "../store/keys.ts";

/** A composed digest waiting to be delivered in full; its parts never change once stored. */
export interface PendingDigest {
  id: string;
  subscriptionId: string;
  to: number;
  parts: string[];
}

/** What operators see in /status of a delivery that failed. */
export interface DeliveryErrorRecord {
  at: number;
  subscriptionId: string;
  chatId: number;
  code: number | undefined;
  description: string;
  outcome: "deactivated" | "migrated" | "general-topic" | "retrying" | "rate-limited" | "dropped";
}

/** Sending limits in milliseconds, as one Lua script checks them for every worker process. */
export interface SendSpacing {
  chatIntervalMs: number;
  groupWindowMs: number;
  groupMax: number;
}

/** Sent-part records outlive any retry or restart of a digest by far. */
const SENT_RECORD_TTL_SECONDS = 14 * 24 * 60 * 60;
const ERROR_LOG_LENGTH = 50;

/**
 * Reserves a send slot for one chat: at most one message per interval to any chat, and at most
 * `groupMax` per window to a group. Returns 0 when reserved, otherwise how long to wait.
 * Redis's own clock keeps worker processes on different hosts consistent.
 */
const RESERVE_SEND = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local groupMax = tonumber(ARGV[3])
local wait = 0
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if nextAt > now then wait = nextAt - now end
if groupMax > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  if redis.call('ZCARD', KEYS[2]) >= groupMax then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
if wait > 0 then return wait end
redis.call('SET', KEYS[1], now + interval, 'PX', interval)
if groupMax > 0 then
  redis.call('ZADD', KEYS[2], now, now .. '-' .. ARGV[4])
  redis.call('PEXPIRE', KEYS[2], window)
end
return 0`;

/** Holds back every send to a chat for `ARGV[1]` ms (Telegram said 429), unless held longer already. */
const PAUSE_CHAT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local pause = tonumber(ARGV[1])
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + pause > nextAt then redis.call('SET', KEYS[1], now + pause, 'PX', pause) end
return 0`;

/** Lua that, when every part is recorded as sent, advances the cursor and drops the digest. */
const COMPLETION = `
local function complete(pendingKey, sentKey, cursorsKey, digestId, subscriptionId)
  if redis.call('HGET', pendingKey, 'id') ~= digestId then return 0 end
  local total = tonumber(redis.call('HGET', pendingKey, 'total'))
  if redis.call('HLEN', sentKey) < total then return 0 end
  local to = tonumber(redis.call('HGET', pendingKey, 'to'))
  local current = tonumber(redis.call('HGET', cursorsKey, subscriptionId) or '0')
  if to > current then redis.call('HSET', cursorsKey, subscriptionId, to) end
  redis.call('DEL', pendingKey)
  return 1
end`;

const COMPLETE_IF_DELIVERED = `${COMPLETION}
return complete(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])`;

const PUT_IF_ABSENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'to', ARGV[2], 'total', ARGV[3], 'parts', ARGV[4])
return 1`;

/** Whether a part may be sent now: not sent yet, the part before it sent, and nobody else sending it. */
const BEGIN_PART = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'sent' end
if ARGV[2] ~= '' and redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 then return 'waiting' end
if not redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4], 'NX') then return 'locked' end
return 'go'`;

/** Records an accepted part, releases it, and completes the digest if it was the last one. */
const FINISH_PART = `${COMPLETION}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('DEL', KEYS[2]) end
return complete(KEYS[3], KEYS[1], KEYS[4], ARGV[5], ARGV[6])`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export type PartState = "sent" | "waiting" | "locked" | "go";

export function createDeliveryStore(redis: Redis, prefix: string) {
  const keys = redisKeys(prefix);

  async function getPending(subscriptionId: string): Promise<PendingDigest | undefined> {
    const hash = await redis.hgetall(keys.pendingDigest(subscriptionId));
    if (!hash.id) return undefined;
    return {
      id: hash.id,
      subscriptionId,
      to: Number(hash.to),
      parts: JSON.parse(hash.parts ?? "[]") as string[],
    };
  }

  return {
    getPending,

    /** Stores `digest` unless one is already pending for the subscription; returns the pending one. */
    async putPendingIfAbsent(digest: PendingDigest): Promise<PendingDigest> {
      const created = await redis.eval(
        PUT_IF_ABSENT,
        1,
        keys.pendingDigest(digest.subscriptionId),
        digest.id,
        String(digest.to),
        String(digest.parts.length),
        JSON.stringify(digest.parts),
      );
      return created === 1 ? digest : ((await getPending(digest.subscriptionId)) ?? digest);
    },

    async dropPending(subscriptionId: string): Promise<void> {
      await redis.del(keys.pendingDigest(subscriptionId));
    },

    async sentParts(digestId: string): Promise<Set<number>> {
      return new Set((await redis.hkeys(keys.sentParts(digestId))).map(Number));
    },

    /**
     * Takes the part for sending unless it was sent, must wait for `previousPart`, or another
     * worker holds it. One round trip, as every part of every digest goes through it.
     */
    async beginPart(
      digestId: string,
      part: number,
      previousPart: number | undefined,
      owner: string,
      lockMs: number,
    ): Promise<PartState> {
      return (await redis.eval(
        BEGIN_PART,
        2,
        keys.sentParts(digestId),
        keys.partLock(digestId, part),
        String(part),
        previousPart === undefined ? "" : String(previousPart),
        owner,
        String(Math.round(lockMs)),
      )) as PartState;
    },

    /**
     * Records that Telegram accepted the part (before the job may complete), releases it, and
     * completes the digest when this was its last part. Returns whether it completed.
     */
    async finishPart(
      subscriptionId: string,
      digestId: string,
      part: number,
      messageId: number,
      owner: string,
    ): Promise<boolean> {
      const done = await redis.eval(
        FINISH_PART,
        4,
        keys.sentParts(digestId),
        keys.partLock(digestId, part),
        keys.pendingDigest(subscriptionId),
        keys.subscriptionCursors,
        String(part),
        String(messageId),
        String(SENT_RECORD_TTL_SECONDS),
        owner,
        digestId,
        subscriptionId,
      );
      return done === 1;
    },

    async completeIfDelivered(subscriptionId: string, digestId: string): Promise<boolean> {
      const done = await redis.eval(
        COMPLETE_IF_DELIVERED,
        3,
        keys.pendingDigest(subscriptionId),
        keys.sentParts(digestId),
        keys.subscriptionCursors,
        digestId,
        subscriptionId,
      );
      return done === 1;
    },

    async unlockPart(digestId: string, part: number, owner: string): Promise<void> {
      await redis.eval(UNLOCK, 1, keys.partLock(digestId, part), owner);
    },

    /** 0 when a send to `chatId` may go now (and the slot is taken), else milliseconds to wait. */
    async reserveSend(chatId: number, isGroup: boolean, spacing: SendSpacing): Promise<number> {
      const wait = await redis.eval(
        RESERVE_SEND,
        2,
        keys.chatNextSendAt(chatId),
        keys.groupRecentSends(chatId),
        String(Math.max(1, Math.round(spacing.chatIntervalMs))),
        String(Math.max(1, Math.round(spacing.groupWindowMs))),
        String(isGroup ? spacing.groupMax : 0),
        randomBytes(4).toString("hex"),
      );
      return Number(wait);
    },

    /** Makes `reserveSend` ask every worker to wait `ms` before the chat's next send. */
    async pauseChat(chatId: number, ms: number): Promise<void> {
      await redis.eval(PAUSE_CHAT, 1, keys.chatNextSendAt(chatId), String(Math.max(1, Math.round(ms))));
    },

    async recordError(record: DeliveryErrorRecord): Promise<void> {
      await redis
        .multi()
        .lpush(keys.deliveryErrors, JSON.stringify(record))
        .ltrim(keys.deliveryErrors, 0, ERROR_LOG_LENGTH - 1)
        .exec();
    },

    async recentErrors(count: number): Promise<DeliveryErrorRecord[]> {
      const entries = await redis.lrange(keys.deliveryErrors, 0, count - 1);
      return entries.map((json) => JSON.parse(json) as DeliveryErrorRecord);
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
