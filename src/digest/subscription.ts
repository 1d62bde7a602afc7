import { randomBytes } from "node:crypto";

/** Day of the week as cron counts it: 0 is Sunday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface DigestSchedule {
  hour: number;
  minute: number;
  /** Weekly on this day; daily when absent. */
  weekday?: Weekday;
  /** IANA time zone the hour and weekday are read in. */
  timezone: string;
}

/** What an admin chooses: when, and which announcements. */
export interface SubscriptionSettings {
  schedule: DigestSchedule;
  /** Only these sources; every source when empty. */
  sourceIds: string[];
  /** At least one must match, when any are given. */
  includeKeywords: string[];
  /** None may match. */
  excludeKeywords: string[];
  /** Days of news a digest looks back over by publication; the configured default when absent. */
  lookbackDays?: number;
}

/** Where a digest goes: a chat, and in a forum supergroup the topic it was made in. */
export interface DigestTarget {
  chatId: number;
  threadId?: number;
}

export interface Subscription extends SubscriptionSettings, DigestTarget {
  /** Random and never integer-like, so it survives a group's migration and suits BullMQ ids. */
  id: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
  createdBy?: number;
}

const DEFAULT_HOUR = 8;

export function defaultSettings(timezone: string): SubscriptionSettings {
  return {
    schedule: { hour: DEFAULT_HOUR, minute: 0, timezone },
    sourceIds: [],
    includeKeywords: [],
    excludeKeywords: [],
  };
}

export function newSubscriptionId(): string {
  return `sub-${randomBytes(6).toString("hex")}`;
}

/**
 * How many days of news a digest looks back over by publication (`DIGEST_LOOKBACK_DAYS`): a new
 * subscriber's first digest holds what was published in these days, never the archive.
 */
export const DEFAULT_DIGEST_LOOKBACK_DAYS = 7;

export function isGroupChat(chatId: number): boolean {
  return chatId < 0;
}
