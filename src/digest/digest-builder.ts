import type { Clock } from "../clock.ts";
import { dayInZone } from "../ingest/dates.ts";
import type { AnnouncementStore } from "../store/announcements.ts";
import type { SourceDirectory } from "../sources-directory.ts";
import { composeDigest, type ComposedDigest, type MatchKeyword } from "./compose.ts";
import { DEFAULT_DIGEST_LOOKBACK_DAYS, type Subscription } from "./subscription.ts";
import type { SubscriptionStore } from "./subscriptions-store.ts";

export interface DigestBuilderDeps {
  announcements: Pick<AnnouncementStore, "idsFirstSeenBetween" | "getMany">;
  subscriptions: Pick<SubscriptionStore, "getCursor">;
  sources: SourceDirectory;
  matchKeyword: MatchKeyword;
  itemCap: number;
  clock: Clock;
  /** Days of news a digest looks back over; `DEFAULT_DIGEST_LOOKBACK_DAYS` when absent. */
  lookbackDays?: number;
}

export interface BuiltDigest {
  /** Announcements first seen in `[from, to)` and published on or after `publishedSince` were considered. */
  from: number;
  to: number;
  /** ISO day (Asia/Shanghai, as announcement dates are). */
  publishedSince: string;
  digest: ComposedDigest | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What a digest holds: news, by arrival and by publication. A first digest takes what was
 * published in the look-back days (arrivals a day further back, as a page's date is a day, not an
 * instant); a later one takes what arrived since the last, published within the look-back before
 * that last one, so that an article of the previous window that arrived late counts once, while a
 * source's old archive, arriving now, is not news. Arrival windows follow each other, so nothing
 * comes twice.
 */
export function digestWindow(
  cursor: number | undefined,
  to: number,
  lookbackDays: number,
): Omit<BuiltDigest, "digest"> {
  const lookbackMs = lookbackDays * DAY_MS;
  const opened = cursor ?? to;
  return {
    from: cursor ?? to - lookbackMs - DAY_MS,
    to,
    publishedSince: dayInZone(new Date(opened - lookbackMs)),
  };
}

/**
 * The window ends this long before now. Ingest stamps `firstSeen` from the clock and saves the
 * announcement a few awaits later; were the window to reach `now`, the cursor could pass an
 * announcement stamped before it but saved after the build read, which no digest would then hold.
 */
export const SETTLE_MS = 60_000;

/** Reads what a subscription has not yet received and composes it; reading only, advancing nothing. */
export function createDigestBuilder(deps: DigestBuilderDeps) {
  return {
    async build(subscription: Subscription): Promise<BuiltDigest> {
      const now = deps.clock();
      const to = now.getTime() - SETTLE_MS;
      const cursor = await deps.subscriptions.getCursor(subscription.id);
      const lookbackDays = subscription.lookbackDays ?? deps.lookbackDays ?? DEFAULT_DIGEST_LOOKBACK_DAYS;
      const window = digestWindow(cursor, to, lookbackDays);
      const ids = await deps.announcements.idsFirstSeenBetween(window.from, to);
      const announcements = (await deps.announcements.getMany(ids)).filter((a) => a !== undefined);
      const digest = composeDigest({
        announcements,
        settings: subscription,
        sources: deps.sources,
        matchKeyword: deps.matchKeyword,
        itemCap: deps.itemCap,
        publishedSince: window.publishedSince,
        now,
      });
      return { ...window, digest };
    },
  };
}

export type DigestBuilder = ReturnType<typeof createDigestBuilder>;
