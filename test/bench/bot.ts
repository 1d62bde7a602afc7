/**
 * Bot bench: questions through the real bot stack (in a process of its own, see bot-child.ts:
 * createBot, long polling with the runner, the per-user limit in Redis) to the fake Bot API on
 * loopback in this process, which enforces Telegram's per-chat limit (1 message/s to a private
 * chat) and answers 429 beyond it.
 *
 *   npm run bench:bot -- [--rate 800] [--seconds 4] [--users 4000] [--window 60]
 *
 * Phase 1, steady: `--rate` questions per second from `--users` users, each user asking at most
 * once per 2 s (within Telegram's per-chat limit). Phase 2, flood: the same traffic while one
 * user sends 100 questions per second, far beyond the per-user limit (20 per `--window` seconds,
 * a minute as in production). Latency is from the moment the update is offered to getUpdates to
 * the moment the answer reaches the fake Bot API.
 *
 * The last line is JSON: updatesPerSec and p50Ms/p99Ms of phase 1, otherUsersP99Ms of phase 2,
 * floodNotices (limit notices the flooding user got; expected one per window).
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Update } from "grammy/types";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { createTestRedis } from "../support/redis.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "800" },
    seconds: { type: "string", default: "4" },
    users: { type: "string", default: "4000" },
    window: { type: "string", default: "60" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const userCount = Number(values.users);
const windowMs = Number(values.window) * 1000;
const FLOOD_PER_SECOND = 100;
const FLOODER_ID = 1;
const TICK_MS = 10;
/** After the last question, answers still missing this long later are counted as lost. */
const DRAIN_MS = 40_000;
const RATE_LIMIT_MAX = 20;

const t = createTestRedis();
const fake = await new FakeTelegram().start();
fake.enforceLimits({ perSecond: 1_000_000, perGroupPerMinute: 20, perChatPerSecond: 1, timeScale: 1 });
const CHILD = fileURLToPath(new URL("./bot-child.ts", import.meta.url));
const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE] : [];
const setup = {
  token: fake.token,
  apiRoot: fake.apiRoot,
  prefix: t.prefix,
  limit: { max: RATE_LIMIT_MAX, windowMs },
};
const bot = spawn(process.execPath, [...profile, "--import", "tsx", CHILD, JSON.stringify(setup)], {
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  bot.stdout.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("ready")) resolve();
  });
  bot.once("exit", (code) => reject(new Error(`the bot exited early (${code})`)));
});

/** When each question (by message id) was offered, and who asked it. */
const offered = new Map<number, { at: number; userId: number; phase: Phase }>();
/** 0 warms up (loads and compiles what the first updates need) and is not measured. */
type Phase = 0 | 1 | 2;
let nextId = 1;
function ask(userId: number, phase: Phase): void {
  const id = nextId++;
  const chat = { id: userId, type: "private" as const, first_name: `用户${userId}` };
  const update: Update = {
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { id: userId, is_bot: false, first_name: chat.first_name },
      text: `/ask 共建 ${id}`,
      entities: [{ type: "bot_command", offset: 0, length: 4 }],
    },
  };
  offered.set(id, { at: Date.now(), userId, phase });
  fake.pushUpdate(update);
}

let cursor = 0;
const nextUser = () => 2 + (cursor++ % (userCount - 1));
async function runPhase(
  phase: Phase,
  phaseSeconds = seconds,
): Promise<{ startedAt: number; endedAt: number }> {
  const startedAt = Date.now();
  let sent = 0;
  let flooded = 0;
  while (Date.now() - startedAt < phaseSeconds * 1000) {
    const elapsed = Date.now() - startedAt;
    while (sent < (rate * elapsed) / 1000) {
      ask(nextUser(), phase);
      sent++;
    }
    while (phase === 2 && flooded < (FLOOD_PER_SECOND * elapsed) / 1000) {
      ask(FLOODER_ID, phase);
      flooded++;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  return { startedAt, endedAt: Date.now() };
}

const answeredAt = () => {
  const at = new Map<number, number>();
  for (const call of fake.delivered()) {
    const reply = call.payload.reply_parameters as { message_id?: number } | undefined;
    if (reply?.message_id !== undefined && !at.has(reply.message_id)) at.set(reply.message_id, call.at);
  }
  return at;
};
const othersOf = (phase: 1 | 2) =>
  [...offered].filter(([, q]) => q.phase === phase && q.userId !== FLOODER_ID).map(([id]) => id);

async function drain(): Promise<void> {
  const deadline = Date.now() + DRAIN_MS;
  const wanted = [...othersOf(1), ...othersOf(2)];
  while (Date.now() < deadline) {
    const at = answeredAt();
    // The flooder's admitted questions are answered 1/s (Telegram's limit), then comes the notice.
    const toFlooder = fake.delivered().filter((c) => c.payload.chat_id === FLOODER_ID).length;
    if (wanted.every((id) => at.has(id)) && toFlooder > RATE_LIMIT_MAX) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN);

await runPhase(0, 1);
const steady = await runPhase(1);
const flood = await runPhase(2);
await drain();
const at = answeredAt();
const latencies = (ids: number[]) =>
  ids
    .filter((id) => at.has(id))
    .map((id) => (at.get(id) ?? 0) - (offered.get(id)?.at ?? 0))
    .sort((a, b) => a - b);

const steadyIds = othersOf(1);
const steadyLatencies = latencies(steadyIds);
const lastSteadyAnswer = Math.max(...steadyIds.map((id) => at.get(id) ?? 0));
const updatesPerSec = Math.round(steadyLatencies.length / ((lastSteadyAnswer - steady.startedAt) / 1000));
const floodIds = othersOf(2);
const otherLatencies = latencies(floodIds);
const toFlooder = fake.delivered().filter((c) => c.payload.chat_id === FLOODER_ID);
const floodNotices = toFlooder.filter((c) => /每人每/.test(String(c.payload.text)));
const floodWindows = Math.ceil((flood.endedAt - flood.startedAt) / windowMs);
const floodAsked = [...offered.values()].filter((q) => q.userId === FLOODER_ID).length;

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${cpus().length} cores`,
);
console.log(
  `phase 1: ${steadyIds.length} questions at ${rate}/s from ${userCount - 1} users; ` +
    `answered ${steadyLatencies.length}, ${updatesPerSec} updates/s, ` +
    `p50 ${percentile(steadyLatencies, 0.5)} ms, p99 ${percentile(steadyLatencies, 0.99)} ms`,
);
console.log(
  `phase 2: ${floodIds.length} questions from others while user ${FLOODER_ID} sent ${floodAsked}; ` +
    `others answered ${otherLatencies.length}, p50 ${percentile(otherLatencies, 0.5)} ms, ` +
    `p99 ${percentile(otherLatencies, 0.99)} ms; flooder got ${toFlooder.length} messages, ` +
    `${floodNotices.length} limit notices over ${floodWindows} windows of ${windowMs} ms; ` +
    `429s ${fake.calls.filter((c) => c.status === 429).length}`,
);

bot.kill("SIGTERM");
await new Promise((resolve) => bot.once("exit", resolve));
await fake.stop();
await t.cleanup();
console.log(
  JSON.stringify({
    updatesPerSec,
    p50Ms: percentile(steadyLatencies, 0.5),
    p99Ms: percentile(steadyLatencies, 0.99),
    otherUsersP99Ms: percentile(otherLatencies, 0.99),
    floodNotices: floodNotices.length,
  }),
);
process.exit(0);
