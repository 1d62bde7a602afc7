import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { createReadiness } from "../../src/runtime/readiness.ts";
import { waitFor } from "../digest/delivery-harness.ts";
import { silentLogger } from "../support/logger.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";

const terminal = () => ({ input: new PassThrough(), output: new PassThrough(), interactive: false });

describe("readiness", () => {
  it("is false while starting, while a check fails or hangs, and once stopping", async () => {
    const readiness = createReadiness();
    let redisUp = true;
    readiness.add("redis", () => redisUp);
    expect(await readiness.report()).toEqual({ ready: false, phase: "starting", checks: { redis: true } });
    readiness.started();
    expect((await readiness.report()).ready).toBe(true);
    redisUp = false;
    expect(await readiness.report()).toEqual({ ready: false, phase: "running", checks: { redis: false } });
    redisUp = true;
    readiness.add("index", () => new Promise<boolean>(() => {}));
    expect((await readiness.report()).checks).toEqual({ redis: true, index: false });
    readiness.add("index", () => Promise.reject(new Error("gone")));
    expect((await readiness.report()).ready).toBe(false);
    readiness.add("index", () => true);
    readiness.stopping();
    expect(await readiness.report()).toMatchObject({ ready: false, phase: "stopping" });
  });
});

/** A worker process's health server, over a Redis server of the test's own that it stops and restarts. */
describe("health endpoints of a worker", () => {
  let redis: PrivateRedis;
  let app: App;
  let base = "";

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const config = parseConfig({
      REDIS_URL: redis.url,
      REDIS_PREFIX: `{zt-health-${randomBytes(4).toString("hex")}}`,
      HEALTH_PORT: "0",
      SEED_SAMPLES: "false",
    });
    app = await startApp(config, "worker", { logger: silentLogger(), terminal: terminal() });
    base = `http://127.0.0.1:${app.ports.health}`;
  });

  afterAll(async () => {
    await redis.start().catch(() => {});
    await app?.stop();
    await redis.stop();
  });

  const readyz = async () => {
    const response = await fetch(`${base}/readyz`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, boolean> } };
  };

  it("answers /healthz, and /readyz with Redis and the workers checked; no dashboard unless configured", async () => {
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok\n"]);
    expect(await readyz()).toEqual({
      status: 200,
      body: { ready: true, phase: "running", checks: { redis: true, workers: true } },
    });
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/readyz`, { method: "POST" })).status).toBe(405);
    expect(app.ports.dashboard).toBeUndefined();
  });

  it("turns /readyz false while Redis is down, keeps /healthz up, and recovers with Redis", async () => {
    await redis.stop();
    await waitFor(async () => (await readyz()).status === 503, 10_000, "readiness to fail");
    expect((await readyz()).body.checks.redis).toBe(false);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).not.toContain("zhibu_queue_jobs{");

    await redis.start();
    await waitFor(async () => (await readyz()).status === 200, 15_000, "readiness to return");
  }, 40_000);
});
