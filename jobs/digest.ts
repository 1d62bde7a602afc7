import type { Job, Queue } from "bullmq";
import type { DeliveryStore } from "../src/digest/delivery-store.ts";
import type { DigestBuilder } from "../src/digest/digest-builder.ts";
import type { DigestJobData } from "../src/digest/scheduler.ts";
import type { SubscriptionStore } from "../src/digest/subscriptions-store.ts";
import type { Logger } from "../src/logger.ts";
import type { DeliverJobData } from "./deliver.ts";

export interface DigestJobDeps {
  subscriptions: Pick<SubscriptionStore, "get" | "advanceCursor">;
  delivery: Pick<DeliveryStore, "getPending" | "putPendingIfAbsent" | "sentParts" | "completeIfDelivered">;
  digests: DigestBuilder;
  deliveryQueue: Queue<DeliverJobData>;
  deliverJobOptions: { attempts: number; backoff: { type: "exponential"; delay: number } };
  logger: Logger;
}

export type DigestOutcome = "inactive" | "empty" | "enqueued" | "delivered";

/** BullMQ job ids may not contain ":"; scheduler job ids do. */
const safeIdPart = (id: string | undefined) => (id ?? "manual").replaceAll(":", "_");

/**
 * Composes a subscription's digest and hands its parts to the delivery queue.
 *
 * A digest is composed once and stored as pending; a retried or repeated run re-enqueues the
 * parts of that same digest rather than composing another, so the parts never change under a
 * delivery in progress. Job ids are derived from the digest, the part and the run, so a retried
 * run adds nothing twice; a later run (after a part failed for good) adds fresh jobs, and the
 * delivery worker's sent-part records keep those from sending anything twice.
 */
export function createDigestProcessor(deps: DigestJobDeps) {
  return async (job: Job<DigestJobData>): Promise<DigestOutcome> => {
    const subscription = await deps.subscriptions.get(job.data.subscriptionId);
    if (!subscription?.active) return "inactive";
    let pending = await deps.delivery.getPending(subscription.id);
    if (!pending) {
      const built = await deps.digests.build(subscription);
      if (!built.digest) {
        await deps.subscriptions.advanceCursor(subscription.id, built.to);
        return "empty";
      }
      pending = await deps.delivery.putPendingIfAbsent({
        id: `${subscription.id}-${built.to}`,
        subscriptionId: subscription.id,
        to: built.to,
        parts: built.digest.parts,
      });
    }
    const digest = pending;
    const sent = await deps.delivery.sentParts(digest.id);
    if (sent.size >= digest.parts.length) {
      await deps.delivery.completeIfDelivered(subscription.id, digest.id);
      return "delivered";
    }
    const run = safeIdPart(job.id);
    await deps.deliveryQueue.addBulk(
      digest.parts.flatMap((text, part) =>
        sent.has(part)
          ? []
          : [
              {
                name: "deliver",
                data: {
                  subscriptionId: subscription.id,
                  digestId: digest.id,
                  part,
                  text,
                },
                opts: {
                  jobId: `${digest.id}-p${part}-${run}`,
                  ...deps.deliverJobOptions,
                  removeOnComplete: { count: 10_000 },
                  removeOnFail: { count: 10_000 },
                },
              },
            ],
      ),
    );
    deps.logger.debug(
      { subscriptionId: subscription.id, digestId: digest.id, parts: digest.parts.length },
      "digest enqueued",
    );
    return "enqueued";
  };
}
