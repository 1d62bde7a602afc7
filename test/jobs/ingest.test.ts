import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHttpClient, createRedisValidatorStore } from "../../src/ingest/http.ts";
import { redisKeys } from "../../src/store/keys.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { createSourceHealthStore } from "../../src/store/source-health.ts";
import { startIngestWorker, type IngestJobData, type IngestJobResult } from "../../jobs/ingest.ts";
import { startFixtureSites, SITES_DIR, type FixtureSites } from "../support/fixture-server.ts";
import pino from "pino";
import type { Logger } from "../../src/logger.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, type TestRedis } from "../support/redis.ts";

describe("ingest worker on real BullMQ", () => {
  let sites: FixtureSites;
  let t: TestRedis;
  let queueName: string;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    sites = await startFixtureSites();
  });
  afterAll(() => sites.close());
  beforeEach(() => {
    t = createTestRedis();
    queueName = `ingest-${randomBytes(4).toString("hex")}`;
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await t.cleanup();
  });

  async function sourcesFile(yaml: string): Promise<string> {
    const path = join(await mkdtemp(join(tmpdir(), "zhibu-worker-")), "sources.yaml");
    await writeFile(path, yaml);
    return path;
  }

  function entry(id: string, kind: string, url: string, schedule = '{ cron: "0 0 1 1 *" }'): string {
    return `  - id: ${id}\n    name: ${id}\n    school: 测试大学\n    kind: ${kind}\n    url: ${url}\n    schedule: ${schedule}\n    allowPrivateNetwork: true\n`;
  }

  async function start(
    yaml: string,
    options: { attempts?: number; unhealthyAfter?: number; reloadSourcesMs?: number; logger?: Logger } = {},
  ) {
    const sourcesPath = await sourcesFile(`sources:\n${yaml}`);
    const worker = await startIngestWorker({
      redis: t.redis,
      connection: t.connect(),
      prefix: t.prefix,
      queueName,
      dataDir: "/nonexistent",
      sourcesPath,
      ...(options.reloadSourcesMs ? { reloadSourcesMs: options.reloadSourcesMs } : {}),
      logger: options.logger ?? silentLogger(),
      clock: () => new Date(),
      http: createHttpClient({
        hostDelayMs: 0,
        retries: 0,
        validators: createRedisValidatorStore(t.redis, t.prefix),
      }),
      attempts: options.attempts ?? 2,
      backoffMs: 50,
      unhealthyAfter: options.unhealthyAfter ?? 2,
      busyRetryMs: 50,
    });
    closers.push(() => worker.close());
    const queue = new Queue<IngestJobData, IngestJobResult>(queueName, {
      connection: t.connect(),
      prefix: t.prefix,
    });
    const events = new QueueEvents(queueName, { connection: t.connect(), prefix: t.prefix });
    await events.waitUntilReady();
    closers.push(
      () => events.close(),
      () => queue.close(),
    );
    const run = async (sourceId: string, attempts = 1) => {
      const job = await queue.add(
        "ingest",
        { sourceId },
        { attempts, backoff: { type: "fixed", delay: 50 } },
      );
      return job.waitUntilFinished(events, 15_000);
    };
    return { queue, run, sourcesPath, health: createSourceHealthStore(t.redis, t.prefix) };
  }

  it("upserts one Job Scheduler per enabled source and removes vanished ones", async () => {
    const stale = new Queue(queueName, { connection: t.connect(), prefix: t.prefix });
    closers.push(() => stale.close());
    await stale.upsertJobScheduler(
      "source:gone",
      { every: 60_000 },
      { name: "ingest", data: { sourceId: "gone" } },
    );
    const { queue } = await start(
      entry(
        "wpa",
        "webplus",
        sites.url("webplus-a", "/523/list.htm"),
        '{ cron: "15 8 * * *", tz: Asia/Shanghai }',
      ) +
        entry("rss", "rss", sites.url("feeds", "/rss2.xml"), "{ every: 30 }") +
        entry("off", "rss", sites.url("feeds", "/atom.xml")) +
        "    enabled: false\n",
    );
    const schedulers = await queue.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => [s.key, s.pattern ?? s.every, s.tz]).sort()).toEqual([
      ["source:rss", 1_800_000, undefined],
      ["source:wpa", "15 8 * * *", "Asia/Shanghai"],
    ]);
  });

  it("runs scheduled fetches that fill the store and mark the source healthy", async () => {
    const { health } = await start(
      entry("wpa", "webplus", sites.url("webplus-a", "/523/list.htm"), '{ cron: "* * * * * *" }'),
    );
    const store = createAnnouncementStore(t.redis, t.prefix);
    const deadline = Date.now() + 10_000;
    while ((await store.count()) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await store.count()).toBe(3);
    await expect
      .poll(() => health.get("wpa"))
      .toMatchObject({ healthy: true, lastItemCount: 3, consecutiveFailures: 0 });
  });

  it("gives up at once on a permanent failure and reports the source unhealthy", async () => {
    const { run, health, queue } = await start(entry("gone", "webplus", sites.url("special", "/status/404")));
    await expect(run("gone", 3)).rejects.toThrow(/HTTP 404/);
    const [failed] = await queue.getFailed();
    expect(failed?.attemptsMade).toBe(1);
    const goneHealth = await health.get("gone");
    expect(goneHealth).toMatchObject({
      healthy: false,
      consecutiveFailures: 1,
    });
    expect(goneHealth?.reason).toMatch(/重试无用.*404/);
  });

  it("refuses at once a source on the host's network that did not opt in", async () => {
    const url = sites.url("webplus-a", "/523/list.htm");
    const { run, health, queue } = await start(
      entry("lan", "webplus", url).replace(/ {4}allowPrivateNetwork.*\n/, ""),
    );
    const before = sites.requests.length;
    await expect(run("lan", 3)).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    expect(sites.requests.length).toBe(before);
    const [failed] = await queue.getFailed();
    expect(failed?.attemptsMade).toBe(1);
    expect((await health.get("lan"))?.reason).toMatch(/重试无用/);
  });

  it("retries transient failures with backoff, then reports a source that keeps failing", async () => {
    const { run, health } = await start(
      entry("down", "webplus", sites.url("special", "/flaky?key=worker&fail=99")),
    );
    await expect(run("down", 3)).rejects.toThrow(/HTTP 503/);
    const downHealth = await health.get("down");
    expect(downHealth).toMatchObject({
      healthy: false,
      consecutiveFailures: 3,
    });
    expect(downHealth?.reason).toMatch(/^连续 3 次抓取失败/);
  });

  it("reports a list page that suddenly yields zero items", async () => {
    const { run, health } = await start(entry("wpa", "webplus", sites.url("webplus-a", "/523/list.htm")));
    expect(await run("wpa")).toMatchObject({ listed: 3 });
    expect(await run("wpa")).toMatchObject({ listed: 0 });
    expect(await health.get("wpa")).toMatchObject({ healthy: true, lastItemCount: 3 });
    sites.override(
      "webplus-a",
      "/523/list.htm",
      await readFile(join(SITES_DIR, "redesigned/523/list.htm"), "utf8"),
    );
    try {
      expect(await run("wpa")).toMatchObject({ listed: 0 });
    } finally {
      sites.override(
        "webplus-a",
        "/523/list.htm",
        await readFile(join(SITES_DIR, "webplus-a/523/list.htm"), "utf8"),
      );
    }
    const wpaHealth = await health.get("wpa");
    expect(wpaHealth).toMatchObject({ healthy: false });
    expect(wpaHealth?.reason).toMatch(/列表页突然没有条目（上次 3 条）/);
  });

  it("never fetches one source twice at once, and runs a source found busy once it is free", async () => {
    const { run } = await start(entry("wpa", "webplus", sites.url("webplus-a", "/523/list.htm")));
    const lock = redisKeys(t.prefix).ingestLock("wpa");
    await t.redis.set(lock, "another run", "PX", 60_000);
    const before = sites.requests.length;
    const result = run("wpa");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sites.requests.length).toBe(before);
    await t.redis.del(lock);
    expect(await result).toMatchObject({ listed: 3 });
  });

  it("reads the sources file again: a new or disabled source takes effect, a bad edit changes nothing", async () => {
    const errors: string[] = [];
    const logger = pino(
      { level: "error" },
      { write: (line: string) => errors.push((JSON.parse(line) as { msg: string }).msg) },
    );
    const wpa = entry("wpa", "webplus", sites.url("webplus-a", "/523/list.htm"));
    const { queue, run, sourcesPath } = await start(wpa, { reloadSourcesMs: 50, logger });
    const schedulers = async () => (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
    expect(await schedulers()).toEqual(["source:wpa"]);
    // Whole files, as an editor saves them: a half-written file would be reported and kept out.
    const save = async (yaml: string) => {
      await writeFile(`${sourcesPath}.tmp`, `sources:\n${yaml}`);
      await rename(`${sourcesPath}.tmp`, sourcesPath);
    };
    const poll = { timeout: 10_000 };

    const vsb = entry("vsbb", "vsb", sites.url("vsb-b", "/xwzx/zbdt.htm"));
    await save(`${wpa}${vsb}`);
    await expect.poll(schedulers, poll).toEqual(["source:vsbb", "source:wpa"]);
    expect(await run("vsbb")).toMatchObject({ listed: 2 });

    await save(`${wpa}${vsb}    enabled: false\n`);
    await expect.poll(schedulers, poll).toEqual(["source:wpa"]);

    expect(errors).toEqual([]);
    await save(`${wpa.replace("kind: webplus", "kind: webplsu")}${vsb}`);
    await expect.poll(() => errors.some((m) => m.includes("sources in force are kept")), poll).toBe(true);
    expect(errors.some((m) => /:\d+ kind \(source wpa\)/.test(m))).toBe(true);
    expect(await schedulers()).toEqual(["source:wpa"]);
    expect(await run("wpa")).toMatchObject({ listed: 3 });
  });
});
