import { randomUUID } from "node:crypto";
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { GrammyError, HttpError, type Api } from "grammy";
import { HTML_MESSAGE } from "../src/bot/format.ts";
import type { SubscriptionDeactivator } from "../src/digest/deactivate.ts";
import type { DeliveryErrorRecord, DeliveryStore, SendSpacing } from "../src/digest/delivery-store.ts";
import { isGroupChat, type Subscription } from "../src/digest/subscription.ts";
import type { SubscriptionStore } from "../src/digest/subscriptions-store.ts";
import { UpstreamFailedError } from "../src/errors.ts";
import type { Logger } from "../src/logger.ts";

export interface DeliverJobData {
  subscriptionId: string;
  digestId: string;
  part: number;
  /** The part's HTML, as composed once for this digest. */
  text: string;
  /** Set once Telegram said the topic is gone: the part goes to the group's general topic. */
  toGeneralTopic?: boolean;
  /** How often this part has waited for the one before it. */
  orderWaits?: number;
}

export interface DeliverDeps {
  api: Api;
  subscriptions: Pick<SubscriptionStore, "get">;
  delivery: Pick<
    DeliveryStore,
    | "beginPart"
    | "finishPart"
    | "completeIfDelivered"
    | "unlockPart"
    | "reserveSend"
    | "pauseChat"
    | "recordError"
  >;
  deactivator: Pick<SubscriptionDeactivator, "deactivateChat" | "migrateChat">;
  spacing: SendSpacing;
  /** Telegram's `retry_after` is divided by this; 1 in production, larger in benches. */
  timeScale: number;
  /** How long a part stays locked by the worker sending it, should that worker die. */
  partLockMs: number;
  logger: Logger;
}

export type DeliverOutcome = "sent" | "already-sent" | "inactive";

type SendResult =
  | { outcome: "sent"; messageId: number }
  | { outcome: "inactive" }
  | { outcome: "refused"; description: string };

/** Recorded in place of a message id for a part Telegram will never accept. */
const REFUSED_PART = 0;

/** A later part waits for an earlier one at most this often, then goes anyway rather than never. */
const MAX_ORDER_WAITS = 30;
/** A deleted chat is sometimes a 400 rather than a 403; it is just as gone. */
const CHAT_GONE = /chat not found|group chat was deleted|PEER_ID_INVALID/i;
/** Migration and a vanished topic each redirect the part once; more means something else is wrong. */
const MAX_REDIRECTS = 3;

async function delay(job: Job<DeliverJobData>, token: string | undefined, ms: number): Promise<never> {
  // Delaying is not failing: BullMQ does not count it as an attempt.
  await job.moveToDelayed(Date.now() + Math.max(1, Math.ceil(ms)), token);
  throw new DelayedError();
}

function describeFailure(error: unknown): { code: number | undefined; description: string } {
  if (error instanceof GrammyError) return { code: error.error_code, description: error.description };
  if (error instanceof HttpError) return { code: undefined, description: String(error.error) };
  return { code: undefined, description: String(error) };
}

/**
 * Sends one digest part, exactly once.
 *
 * Before sending, the part is checked against the sent-part record and locked; as soon as
 * Telegram accepts it, the record is written, before the job completes. So a retried job, a
 * job taken over from a killed worker, or a twin job from a later run finds the record and sends
 * nothing. The one window left: Telegram has accepted the message but the record is not yet
 * written (the worker dies, or Redis or the network fails, between Telegram's answer and the
 * HSET a few milliseconds later; or the answer itself is lost in transit, so we never learn of
 * the acceptance). The part is then sent again when the job is retried.
 */
export function createDeliverProcessor(deps: DeliverDeps) {
  const record = (subscription: Subscription, error: unknown, outcome: DeliveryErrorRecord["outcome"]) => {
    const entry = {
      at: Date.now(),
      subscriptionId: subscription.id,
      chatId: subscription.chatId,
      outcome,
      ...describeFailure(error),
    };
    deps.logger.warn(entry, "digest delivery refused");
    return deps.delivery.recordError(entry);
  };

  async function sendOnce(job: Job<DeliverJobData>, token: string | undefined): Promise<SendResult> {
    const { digestId, part, subscriptionId } = job.data;
    for (let redirect = 0; redirect <= MAX_REDIRECTS; redirect++) {
      const subscription = await deps.subscriptions.get(subscriptionId);
      if (!subscription?.active) return { outcome: "inactive" };
      const wait = await deps.delivery.reserveSend(
        subscription.chatId,
        isGroupChat(subscription.chatId),
        deps.spacing,
      );
      if (wait > 0) return delay(job, token, wait);
      const threadId = job.data.toGeneralTopic ? undefined : subscription.threadId;
      try {
        const message = await deps.api.sendMessage(subscription.chatId, job.data.text, {
          ...HTML_MESSAGE,
          ...(threadId ? { message_thread_id: threadId } : {}),
        });
        return { outcome: "sent", messageId: message.message_id };
      } catch (error) {
        if (!(error instanceof GrammyError) || error.error_code >= 500) {
          await record(subscription, error, "retrying");
          throw new UpstreamFailedError("telegram failed", {
            status: error instanceof GrammyError ? error.error_code : undefined,
            cause: error,
          });
        }
        if (error.error_code === 429) {
          // Telegram's 429 is about this chat: it waits, in every worker, and the others go on.
          const waitMs = Math.ceil(((error.parameters.retry_after ?? 1) * 1000) / deps.timeScale);
          await record(subscription, error, "rate-limited");
          await deps.delivery.pauseChat(subscription.chatId, waitMs);
          return delay(job, token, waitMs);
        }
        if (error.error_code === 403 || CHAT_GONE.test(error.description)) {
          await deps.deactivator.deactivateChat(subscription.chatId);
          await record(subscription, error, "deactivated");
          throw new UnrecoverableError(`chat ${subscription.chatId} refuses the bot: ${error.description}`);
        }
        const newChatId = error.parameters.migrate_to_chat_id;
        if (error.error_code === 400 && newChatId) {
          await deps.deactivator.migrateChat(subscription.chatId, newChatId);
          await record(subscription, error, "migrated");
          continue;
        }
        if (
          error.error_code === 400 &&
          /thread not found/i.test(error.description) &&
          !job.data.toGeneralTopic
        ) {
          await job.updateData({ ...job.data, toGeneralTopic: true });
          await record(subscription, error, "general-topic");
          continue;
        }
        await record(subscription, error, "dropped");
        return { outcome: "refused", description: error.description };
      }
    }
    throw new UnrecoverableError(`part ${part} of ${digestId} redirected more than ${MAX_REDIRECTS} times`);
  }

  return async (job: Job<DeliverJobData>, token?: string): Promise<DeliverOutcome> => {
    const { digestId, part, subscriptionId } = job.data;
    const orderWaits = job.data.orderWaits ?? 0;
    const previousPart = part > 0 && orderWaits < MAX_ORDER_WAITS ? part - 1 : undefined;
    const owner = token ?? randomUUID();
    const state = await deps.delivery.beginPart(digestId, part, previousPart, owner, deps.partLockMs);
    if (state === "sent") {
      await deps.delivery.completeIfDelivered(subscriptionId, digestId);
      return "already-sent";
    }
    if (state === "waiting") await job.updateData({ ...job.data, orderWaits: orderWaits + 1 });
    if (state !== "go") return delay(job, token, deps.spacing.chatIntervalMs);
    let finished = false;
    try {
      const result = await sendOnce(job, token);
      if (result.outcome === "inactive") return "inactive";
      // Recorded the moment Telegram accepted it: from here on no retry, twin or restart resends it.
      // A part Telegram will never accept is recorded too, or it would hold back every later digest.
      const messageId = result.outcome === "sent" ? result.messageId : REFUSED_PART;
      await deps.delivery.finishPart(subscriptionId, digestId, part, messageId, owner);
      finished = true;
      if (result.outcome === "refused") {
        throw new UnrecoverableError(`telegram refused part ${part} of ${digestId}: ${result.description}`);
      }
      return "sent";
    } finally {
      if (!finished) await deps.delivery.unlockPart(digestId, part, owner);
    }
  };
}
