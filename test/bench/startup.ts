/**
 * Start-up bench: time from spawn to "zhibu is running" and resident memory, for the bot and the
 * worker roles, run through tsx (`node --import tsx src/main.ts`) and compiled (`node dist/src/main.js`;
 * run `npm run build` first). The bot talks to the fake Bot API; every run shares one key prefix,
 * seeded by a warm-up run, so each start sees the same stored data.
 *
 *   npm run bench:startup -- [--runs 5] [--roles worker,bot]
 *
 * Prints one line per variant (median and range of start-up ms, RSS at ready and a second later);
 * the last line is JSON.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { FakeTelegram } from "../support/fake-telegram.ts";
import { processEnvironment } from "../support/process-env.ts";
import { createTestRedis } from "../support/redis.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, roles: { type: "string", default: "worker,bot" } },
});
const runs = Number(values.runs);
const roles = values.roles.split(",");

const variants: Record<string, (role: string) => string[]> = {
  tsx: (role) => ["--import", "tsx", "src/main.ts", role],
  compiled: (role) => ["dist/src/main.js", role],
};
if (!existsSync("dist/src/main.js"))
  throw new Error("dist/src/main.js is missing: run `npm run build` first");

const rssMiB = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Math.round(Number(match?.[1] ?? 0) / 102.4) / 10;
};

const telegram = await new FakeTelegram().start();
const prefix = `{zt-startup-${randomBytes(4).toString("hex")}}`;

async function startOnce(args: string[]): Promise<{ ms: number; rssAtReady: number; rssSettled: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: processEnvironment(telegram, prefix),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const ready = new Promise<number>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('"msg":"zhibu is running"')) resolve(performance.now() - started);
    });
    child.once("exit", (code) => reject(new Error(`exited early (${code}):\n${stderr}`)));
  });
  const ms = await ready;
  const rssAtReady = rssMiB(child.pid!);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rssSettled = rssMiB(child.pid!);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return { ms: Math.round(ms), rssAtReady, rssSettled };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const results: Record<string, unknown> = {};
try {
  await startOnce(variants.tsx!("worker"));
  for (const role of roles) {
    const samples: Record<string, Array<Awaited<ReturnType<typeof startOnce>>>> = { tsx: [], compiled: [] };
    // Alternating, so a busy moment on a shared machine weighs on both alike.
    for (let run = 0; run < runs; run++)
      for (const [name, args] of Object.entries(variants)) samples[name]!.push(await startOnce(args(role)));
    for (const [name, list] of Object.entries(samples)) {
      const ms = list.map((s) => s.ms);
      const summary = {
        startupMs: median(ms),
        minMs: Math.min(...ms),
        maxMs: Math.max(...ms),
        rssAtReadyMiB: median(list.map((s) => s.rssAtReady)),
        rssSettledMiB: median(list.map((s) => s.rssSettled)),
      };
      results[`${role}/${name}`] = summary;
      console.log(
        `${role.padEnd(6)} ${name.padEnd(8)} start-up ${summary.startupMs} ms (${summary.minMs}–${summary.maxMs}), ` +
          `RSS ${summary.rssAtReadyMiB} MiB at ready, ${summary.rssSettledMiB} MiB 1 s later`,
      );
    }
  }
  console.log(JSON.stringify({ runs, results }));
} finally {
  await telegram.stop();
  const t = createTestRedis();
  const keys = await t.redis.keys(`${prefix}*`);
  if (keys.length > 0) await t.redis.del(...keys);
  await t.cleanup();
}
