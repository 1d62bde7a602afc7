import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** Set by the global setup (test/support/global-redis.ts) for every test process and their children. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** BullMQ connection options for the test server, for workers that open their own connections. */
export function testConnectionOptions(): { host: string; port: number; maxRetriesPerRequest: null } {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  return { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null };
}

/** A connection plus a key prefix of its own, so tests never see each other's keys. */
export interface TestRedis {
  redis: Redis;
  prefix: string;
  /** Opens another connection (blocking reads, BullMQ workers) that `cleanup` closes too. */
  connect: () => Redis;
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const prefix = `{zt-${randomBytes(5).toString("hex")}}`;
  const connections: Redis[] = [];
  const connect = () => {
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
    connections.push(connection);
    return connection;
  };
  const redis = connect();
  return {
    redis,
    prefix,
    connect,
    async cleanup() {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", "1000");
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== "0");
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
