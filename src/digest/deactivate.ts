import type { Clock } from "../clock.ts";
import type { DeliveryStore } from "./delivery-store.ts";
import type { DigestScheduler } from "./scheduler.ts";
import type { Subscription } from "./subscription.ts";
import type { SubscriptionStore } from "./subscriptions-store.ts";

/**
 * Follows a chat's life as Telegram reports it: the chat is upgraded, or the bot is shut out.
 *
 * Stops every digest to a chat the bot can no longer post to (removed, blocked, chat deleted).
 * Settings are kept so that an admin who adds the bot back can simply /subscribe again.
 */
export function createSubscriptionDeactivator(deps: {
  subscriptions: SubscriptionStore;
  scheduler: DigestScheduler;
  delivery: Pick<DeliveryStore, "dropPending">;
  clock: Clock;
}) {
  return {
    async deactivateChat(chatId: number): Promise<Subscription[]> {
      const stopped: Subscription[] = [];
      for (const subscription of await deps.subscriptions.listByChat(chatId)) {
        await deps.scheduler.unschedule(subscription.id);
        await deps.delivery.dropPending(subscription.id);
        if (!subscription.active) continue;
        const inactive = { ...subscription, active: false, updatedAt: deps.clock().getTime() };
        await deps.subscriptions.save(inactive);
        stopped.push(inactive);
      }
      return stopped;
    },

    /** Follows a group upgraded to a supergroup; a duplicate dropped on the way loses its schedule. */
    async migrateChat(fromChatId: number, toChatId: number): Promise<Subscription[]> {
      const migration = await deps.subscriptions.migrateChat(fromChatId, toChatId, deps.clock().getTime());
      for (const id of migration.removedIds) await deps.scheduler.unschedule(id);
      return migration.moved;
    },
  };
}

export type SubscriptionDeactivator = ReturnType<typeof createSubscriptionDeactivator>;
