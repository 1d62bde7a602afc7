import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startIngestWorker, type IngestJobData } from "../../jobs/ingest.ts";
import { createHttpClient } from "../../src/ingest/http.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { startColumnServer, type ColumnServer } from "../support/column-server.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";
import type { IngestChildSetup } from "./ingest-worker-child.ts";

const CHILD = fileURLToPath(new URL("./ingest-worker-child.ts", import.meta.url));
const ARTICLES = 8;

function spawnIngestWorker(setup: IngestChildSetup): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(setup)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`ingest worker exited early (${code})`)));
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("an ingest worker killed in the middle of a run", () => {
  let t: TestRedis;
  let column: ColumnServer;
  const children: ChildProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    t = createTestRedis();
    column = await startColumnServer({ articles: ARTICLES, articleDelayMs: 300 });
  });
  afterEach(async () => {
    for (const child of children) child.kill("SIGKILL");
    for (const close of closers.splice(0).reverse()) await close();
    await column.close();
    await t.cleanup();
  });

  it("leaves the rest of the source to a retry within seconds, not to the next scheduled run", async () => {
    const sourcesPath = join(await mkdtemp(join(tmpdir(), "zhibu-killed-")), "sources.yaml");
    await writeFile(
      sourcesPath,
      `sources:\n  - id: slow\n    name: 慢站\n    kind: webplus\n    url: ${column.base}/list.htm\n    schedule: { cron: "0 0 1 1 *" }\n    allowPrivateNetwork: true\n`,
    );
    // Seconds where production waits half a minute: how soon a dead worker's job and lock lapse.
    const setup: IngestChildSetup = {
      prefix: t.prefix,
      queueName: `ingest-${randomBytes(4).toString("hex")}`,
      sourcesPath,
      stalledAfterMs: 1_000,
      sourceLockTtlMs: 3_000,
      busyRetryMs: 300,
    };
    const first = await spawnIngestWorker(setup);
    children.push(first);
    const queue = new Queue<IngestJobData>(setup.queueName, { connection: t.connect(), prefix: t.prefix });
    closers.push(() => queue.close());
    await queue.add("ingest", { sourceId: "slow" }, { attempts: 1 });

    const articleHits = () => column.hits.filter((path) => path.startsWith("/a/")).length;
    await waitFor(() => articleHits() >= 3, 15_000, "three articles");
    const exited = new Promise((resolve) => first.once("exit", resolve));
    first.kill("SIGKILL");
    await exited;
    const store = createAnnouncementStore(t.redis, t.prefix);
    const stored = async () => {
      let count = 0;
      for await (const batch of store.all()) count += batch.length;
      return count;
    };
    expect(await stored()).toBeLessThan(ARTICLES);

    const worker = await startIngestWorker({
      ...setup,
      redis: t.redis,
      connection: t.connect(),
      dataDir: "/nonexistent",
      logger: silentLogger(),
      clock: () => new Date(),
      http: createHttpClient({ hostDelayMs: 0, retries: 0 }),
    });
    closers.push(() => worker.close());
    // Lapsed lock (3 s), stalled-job check (1–2 s) and the articles left (300 ms each): seconds;
    // the generous bound is for a loaded machine, the next scheduled run is a year away.
    await waitFor(async () => (await stored()) === ARTICLES, 60_000, "every article of the source");
    // The last article is stored a moment before its run is marked complete.
    await waitFor(async () => (await queue.getCompletedCount()) > 0, 15_000, "the run to complete");
    const [completed] = await queue.getCompleted();
    expect(completed?.returnvalue).toMatchObject({ listed: ARTICLES });
  });
});
