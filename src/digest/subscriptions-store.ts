import type { Redis } from "ioredis";
import { redisKeys } from "../store/keys.ts";
import type { DigestTarget, Subscription } from "./subscription.ts";

export interface ChatMigration {
  moved: Subscription[];
  /** Duplicates of subscriptions already in the new chat, now deleted. */
  removedIds: string[];
}

const targetField = (target: DigestTarget) => `${target.chatId}/${target.threadId ?? 0}`;

/** Raises the cursor, never lowers it: a late writer of an older digest must not rewind it. */
const ADVANCE_CURSOR = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1`;

/**
 * Claims a target for a subscription in one step: the target's subscription, or none yet. Checking
 * and then writing in two round trips would let two concurrent /subscribe make two subscriptions.
 */
const CLAIM_TARGET = `
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder and holder ~= ARGV[2] then return holder end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]`;

/** Another subscription already holds the target: there is one subscription per chat and topic. */
export class TargetTakenError extends Error {
  override name = "TargetTakenError";
  constructor(readonly holderId: string) {
    super(`the target belongs to subscription ${holderId}`);
  }
}

export function createSubscriptionStore(redis: Redis, prefix: string) {
  const keys = redisKeys(prefix);

  async function get(id: string): Promise<Subscription | undefined> {
    const json = await redis.get(keys.subscription(id));
    return json ? (JSON.parse(json) as Subscription) : undefined;
  }

  async function getMany(ids: readonly string[]): Promise<Subscription[]> {
    if (ids.length === 0) return [];
    const values = await redis.mget(...ids.map((id) => keys.subscription(id)));
    return values.filter((v): v is string => v !== null).map((json) => JSON.parse(json) as Subscription);
  }

  async function listByChat(chatId: number): Promise<Subscription[]> {
    return getMany(await redis.smembers(keys.subscriptionsOfChat(chatId)));
  }

  /** Saves a subscription; throws `TargetTakenError` when another one holds its target. */
  async function save(subscription: Subscription): Promise<void> {
    const previous = await get(subscription.id);
    const holder = String(
      await redis.eval(
        CLAIM_TARGET,
        1,
        keys.subscriptionByTarget,
        targetField(subscription),
        subscription.id,
      ),
    );
    if (holder !== subscription.id) throw new TargetTakenError(holder);
    const transaction = redis.multi();
    if (previous && targetField(previous) !== targetField(subscription)) {
      transaction
        .hdel(keys.subscriptionByTarget, targetField(previous))
        .srem(keys.subscriptionsOfChat(previous.chatId), subscription.id);
    }
    await transaction
      .set(keys.subscription(subscription.id), JSON.stringify(subscription))
      .sadd(keys.subscriptionIds, subscription.id)
      .sadd(keys.subscriptionsOfChat(subscription.chatId), subscription.id)
      .exec();
  }

  async function remove(id: string): Promise<Subscription | undefined> {
    const existing = await get(id);
    if (!existing) return undefined;
    await redis
      .multi()
      .del(keys.subscription(id))
      .srem(keys.subscriptionIds, id)
      .hdel(keys.subscriptionByTarget, targetField(existing))
      .srem(keys.subscriptionsOfChat(existing.chatId), id)
      .hdel(keys.subscriptionCursors, id)
      .del(keys.pendingDigest(id))
      .exec();
    return existing;
  }

  return {
    get,
    getMany,
    listByChat,
    save,
    remove,

    async findByTarget(target: DigestTarget): Promise<Subscription | undefined> {
      const id = await redis.hget(keys.subscriptionByTarget, targetField(target));
      return id ? get(id) : undefined;
    },

    async count(): Promise<number> {
      return redis.scard(keys.subscriptionIds);
    },

    /** Cursor: the end (epoch ms, exclusive) of the last digest delivered in full. */
    async getCursor(id: string): Promise<number | undefined> {
      const value = await redis.hget(keys.subscriptionCursors, id);
      return value === null ? undefined : Number(value);
    },

    async advanceCursor(id: string, to: number): Promise<void> {
      await redis.eval(ADVANCE_CURSOR, 1, keys.subscriptionCursors, id, String(to));
    },

    /** Forgets what was delivered: the next digest is a first one again. */
    async resetCursor(id: string): Promise<void> {
      await redis.hdel(keys.subscriptionCursors, id);
    },

    /**
     * Moves a chat's subscriptions to the supergroup it was upgraded to. A subscription already
     * made in the new chat for the same topic wins; the moved duplicate is dropped, and its id
     * returned so that its schedule can be dropped too.
     */
    async migrateChat(fromChatId: number, toChatId: number, now: number): Promise<ChatMigration> {
      const migration: ChatMigration = { moved: [], removedIds: [] };
      for (const subscription of await listByChat(fromChatId)) {
        const next = { ...subscription, chatId: toChatId, updatedAt: now };
        try {
          await save(next);
          migration.moved.push(next);
        } catch (error) {
          if (!(error instanceof TargetTakenError)) throw error;
          await remove(subscription.id);
          migration.removedIds.push(subscription.id);
        }
      }
      return migration;
    },
  };
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
