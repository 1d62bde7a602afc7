import type { Clock } from "../clock.ts";
import type { AnnouncementStore } from "../store/announcements.ts";
import type { SourceDirectory } from "../sources-directory.ts";
import { composeDigest, type ComposedDigest, type MatchKeyword } from "./compose.ts";
import { FIRST_DIGEST_LOOKBACK_MS, type Subscription } from "./subscription.ts";
import type { SubscriptionStore } from "./subscriptions-store.ts";

export interface DigestBuilderDeps {
  announcements: Pick<AnnouncementStore, "idsFirstSeenBetween" | "getMany">;
  subscriptions: Pick<SubscriptionStore, "getCursor">;
  sources: SourceDirectory;
  matchKeyword: MatchKeyword;
  itemCap: number;
  clock: Clock;
}

export interface BuiltDigest {
  /** Announcements first seen in `[from, to)` were considered. */
  from: number;
  to: number;
  digest: ComposedDigest | undefined;
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
      const from =
        (await deps.subscriptions.getCursor(subscription.id)) ??
        Math.min(subscription.createdAt, to) - FIRST_DIGEST_LOOKBACK_MS;
      const ids = await deps.announcements.idsFirstSeenBetween(from, to);
      const announcements = (await deps.announcements.getMany(ids)).filter((a) => a !== undefined);
      const digest = composeDigest({
        announcements,
        settings: subscription,
        sources: deps.sources,
        matchKeyword: deps.matchKeyword,
        itemCap: deps.itemCap,
        now,
      });
      return { from, to, digest };
    },
  };
}

export type DigestBuilder = ReturnType<typeof createDigestBuilder>;
