import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { join } from "node:path";
import type { Logger } from "../logger.ts";

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

const DEFAULT_URL = "redis://127.0.0.1:6379";

export const HOW_TO_GET_REDIS = [
  "找不到可用的 Redis (no Redis server available). Any one of these fixes it:",
  "  • docker compose up -d redis            (then run again)",
  "  • sudo apt-get install redis-server     (Debian/Ubuntu; macOS: brew install redis)",
  "  • REDIS_URL=redis://host:6379 npm start (use an existing server)",
].join("\n");

export interface ResolvedRedis {
  url: string;
  /** Stops the server we started ourselves; a no-op for one we only connected to. */
  stop(): Promise<void>;
}

/** Sends PING over a raw socket: answers whether a Redis server is listening, without a client library. */
export function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
    socket.connect(port, host, () => socket.write("PING\r\n"));
  });
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export async function startChildRedis(
  dataDir: string,
  logger: Logger,
  command = "redis-server",
): Promise<ResolvedRedis> {
  const dir = join(dataDir, "redis");
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    command,
    ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--appendonly", "yes", "--save", ""],
    { stdio: "ignore" },
  );
  const spawned = await new Promise<boolean>((resolve) => {
    child.once("error", () => resolve(false));
    child.once("spawn", () => resolve(true));
  });
  if (!spawned) throw new RedisUnavailableError(HOW_TO_GET_REDIS);
  for (let attempt = 0; attempt < 50 && !(await redisAnswers("127.0.0.1", port)); attempt++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await redisAnswers("127.0.0.1", port))) {
    child.kill("SIGKILL");
    throw new RedisUnavailableError(`redis-server did not answer on port ${port}.\n${HOW_TO_GET_REDIS}`);
  }
  logger.info({ port, dir }, "started a redis-server of our own");
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface RedisDiscovery {
  redisUrl: string | undefined;
  /** Where a server of our own keeps its data (`<dataDir>/redis`). */
  dataDir: string;
  logger: Logger;
  /** The server tried when REDIS_URL is unset. */
  defaultUrl?: string;
  /** The program started when nothing answers; without it on PATH, RedisUnavailableError. */
  serverCommand?: string;
}

/**
 * Finds Redis the way a new user expects: REDIS_URL if set; else a server on the default
 * port; else a `redis-server` of our own with its data under `dataDir`. The app and the test
 * run both find their Redis here.
 */
export async function resolveRedis(options: RedisDiscovery): Promise<ResolvedRedis> {
  const noop = async () => {};
  if (options.redisUrl) return { url: options.redisUrl, stop: noop };
  const defaultUrl = options.defaultUrl ?? DEFAULT_URL;
  const { hostname, port } = new URL(defaultUrl);
  if (await redisAnswers(hostname, Number(port || 6379))) return { url: defaultUrl, stop: noop };
  return startChildRedis(options.dataDir, options.logger, options.serverCommand);
}
