/**
 * Fan-out bench: one digest to N subscribed groups through real BullMQ workers and Redis to the
 * fake Bot API, which enforces Telegram's limits (time-scaled) and answers 429 beyond them.
 *
 *   npm run bench:fanout -- --groups 10000 [--scale 10] [--workers 2] [--processes 0]
 *
 * `--workers` runs worker sets in this process; `--processes` runs that many worker processes
 * instead (the limits hold across processes, as they would in production). `--overshoot 1.5`
 * has the workers aim 1.5 times above the enforced limit, to see 429s handled without loss.
 *
 * Prints messages/s as a ratio of the enforced global limit, 429s, lost and duplicated messages;
 * the last line is JSON.
 */
import { parseArgs } from "node:util";
import { createDigestQueues } from "../../jobs/digest-workers.ts";
import { createSubscriptionStore } from "../../src/digest/subscriptions-store.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { createTestRedis } from "../support/redis.ts";
import {
  LIMITS,
  makeSubscription,
  seedAnnouncements,
  spawnWorkerProcess,
  startTestWorkers,
} from "../digest/delivery-harness.ts";

const { values } = parseArgs({
  options: {
    groups: { type: "string", default: "10000" },
    scale: { type: "string", default: "10" },
    workers: { type: "string", default: "2" },
    processes: { type: "string", default: "0" },
    overshoot: { type: "string", default: "1" },
  },
});
const groups = Number(values.groups);
const timeScale = Number(values.scale);
const processCount = Number(values.processes);
const workerCount = Number(values.workers);
const limit = LIMITS.perSecond * timeScale;
/** Give up when nothing new arrives for this long. */
const STALL_MS = 10_000;
const BATCH = 500;

const t = createTestRedis();
const fake = await new FakeTelegram().start();
fake.enforceLimits({ ...LIMITS, timeScale });

await seedAnnouncements(createAnnouncementStore(t.redis, t.prefix), 3, false);
const subscriptions = createSubscriptionStore(t.redis, t.prefix);
const chatIds = Array.from({ length: groups }, (_, i) => -1_000_000_000_000 - i);
const ids: string[] = [];
for (let i = 0; i < chatIds.length; i += BATCH) {
  const batch = chatIds.slice(i, i + BATCH).map((chatId) => makeSubscription(chatId));
  await Promise.all(batch.map((s) => subscriptions.save(s)));
  ids.push(...batch.map((s) => s.id));
}
console.log(
  `${groups} groups subscribed; limit ${limit} msg/s (Telegram's ${LIMITS.perSecond} ×${timeScale})`,
);

const setup = {
  prefix: t.prefix,
  apiRoot: fake.apiRoot,
  token: fake.token,
  timeScale,
  concurrency: { digest: 50, delivery: 50 },
  overshoot: Number(values.overshoot),
};
const children = await Promise.all(Array.from({ length: processCount }, () => spawnWorkerProcess(setup)));
const workers = Array.from({ length: processCount > 0 ? 0 : workerCount }, () =>
  startTestWorkers(t.connect(), setup),
);
const queues = createDigestQueues(t.connect(), t.prefix);
const digestQueue = queues.digest;
const started = performance.now();
for (let i = 0; i < ids.length; i += BATCH) {
  await digestQueue.addBulk(
    ids.slice(i, i + BATCH).map((subscriptionId) => ({ name: "digest", data: { subscriptionId } })),
  );
}

let lastCount = 0;
let lastProgress = performance.now();
let lastReport = performance.now();
while (true) {
  const count = fake.delivered().length;
  if (count !== lastCount) {
    lastCount = count;
    lastProgress = performance.now();
  }
  if (performance.now() - lastReport > 5_000) {
    console.log(
      `  ${count}/${groups} delivered after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    lastReport = performance.now();
  }
  if (new Set(fake.delivered().map((c) => c.payload.chat_id)).size >= groups) break;
  if (performance.now() - lastProgress > STALL_MS) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
// Anything sent twice would arrive shortly after; wait for it before counting.
await new Promise((resolve) => setTimeout(resolve, 1_000));

const delivered = fake.delivered();
const unique = new Set(delivered.map((c) => c.payload.chat_id)).size;
const times = delivered.map((c) => c.at);
const spanMs = Math.max(1, Math.max(...times) - Math.min(...times));
const perSecond = ((delivered.length - 1) / spanMs) * 1000;
const result = {
  groups,
  ratioOfLimit: Number((perSecond / limit).toFixed(3)),
  got429: fake.calls.filter((c) => c.status === 429).length,
  lost: groups - unique,
  duplicated: delivered.length - unique,
};
console.log(
  `${delivered.length} messages in ${(spanMs / 1000).toFixed(1)} s: ${perSecond.toFixed(1)} msg/s = ${(result.ratioOfLimit * 100).toFixed(1)}% of ${limit} msg/s; ` +
    `429s ${result.got429}, lost ${result.lost}, duplicated ${result.duplicated}`,
);

await Promise.all([
  queues.close(),
  ...workers.map((w) => w.close()),
  ...children.map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM"))),
]);
await fake.stop();
await t.cleanup();
console.log(JSON.stringify(result));
