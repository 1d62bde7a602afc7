import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";
import { isValidTimeZone } from "./clock.ts";
import { DEFAULT_DIGEST_LOOKBACK_DAYS } from "./digest/subscription.ts";

/** Raised when the environment does not describe a runnable configuration; names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);
/** 0 lets the system choose a free port (the tests do). */
const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional());
const idList = z.preprocess(
  (value) =>
    typeof value === "string" && value.trim() !== ""
      ? value.split(/[\s,]+/).filter(Boolean)
      : emptyAsUndefined(value),
  z.array(z.coerce.number().int()).default([]),
);

const envSchema = z
  .object({
    BOT_TOKEN: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^\d+:[\w-]{20,}$/, "expected a token like 123456:ABC-DEF… from @BotFather")
        .optional(),
    ),
    REDIS_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^rediss?:\/\//, "expected redis://…")
        .optional(),
    ),
    REDIS_PREFIX: z
      .string()
      .regex(/^\{[^{}]+\}$/, "expected a Redis Cluster hash tag like {zhibu}")
      .default("{zhibu}"),
    LOG_LEVEL: z.preprocess(
      emptyAsUndefined,
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
    ),
    DATA_DIR: z.string().default("data"),
    TELEGRAM_API_ROOT: optionalUrl,
    WEBHOOK_URL: optionalUrl,
    WEBHOOK_SECRET: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[\w-]{16,256}$/, "expected 16-256 characters of A-Z, a-z, 0-9, _ or -")
        .optional(),
    ),
    PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    HEALTH_PORT: z.preprocess(emptyAsUndefined, port.optional()),
    HEALTH_HOST: z.string().default("127.0.0.1"),
    DASHBOARD_PASSWORD: z.preprocess(
      emptyAsUndefined,
      z.string().min(12, "expected at least 12 characters").max(256).optional(),
    ),
    DASHBOARD_USER: z
      .string()
      .regex(/^[\w.-]{1,64}$/, "expected 1-64 characters of A-Z, a-z, 0-9, _, . or -")
      .default("admin"),
    DASHBOARD_HOST: z.string().default("127.0.0.1"),
    DASHBOARD_PORT: port.default(3000),
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(25),
    OPERATOR_IDS: idList,
    TIMEZONE: z.string().default("Asia/Shanghai"),
    SEED_SAMPLES: z.enum(["true", "false"]).default("true"),
    DELIVERY_RATE_PER_SECOND: z.coerce.number().positive().default(30),
    DELIVERY_GROUP_PER_MINUTE: z.coerce.number().positive().default(20),
    DELIVERY_CHAT_PER_SECOND: z.coerce.number().positive().default(1),
    DIGEST_ITEM_CAP: z.coerce.number().int().min(1).max(200).default(30),
    DIGEST_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(90).default(DEFAULT_DIGEST_LOOKBACK_DAYS),
    USER_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
    USER_RATE_WINDOW_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  })
  .superRefine((env, ctx) => {
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "required when WEBHOOK_URL is set" });
    }
    if (env.WEBHOOK_URL && !env.BOT_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["BOT_TOKEN"], message: "required when WEBHOOK_URL is set" });
    }
    if (!isValidTimeZone(env.TIMEZONE)) {
      ctx.addIssue({ code: "custom", path: ["TIMEZONE"], message: "not an IANA time zone" });
    }
  });

/** Every variable zhibu reads; deployment files are checked against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  botToken: string | undefined;
  redisUrl: string | undefined;
  /** Prefix of every Redis key and BullMQ queue; a hash tag so one slot holds all on Redis Cluster. */
  redisPrefix: string;
  /** `info` by default; `warn` in the local chat, where log lines would interrupt the conversation. */
  logLevel: NonNullable<z.infer<typeof envSchema>["LOG_LEVEL"]>;
  dataDir: string;
  telegramApiRoot: string | undefined;
  webhook: { url: string; secret: string; port: number } | undefined;
  operatorIds: number[];
  timezone: string;
  seedSamples: boolean;
  delivery: DeliveryLimits;
  digestItemCap: number;
  /** Days of news a digest looks back over by publication: all a new subscriber's first digest holds. */
  digestLookbackDays: number;
  /** Where `/healthz`, `/readyz` and `/metrics` listen; no such server when HEALTH_PORT is unset. */
  health: { host: string; port: number } | undefined;
  /** The queue dashboard (Bull Board) behind basic auth; off unless DASHBOARD_PASSWORD is set. */
  dashboard: { host: string; port: number; user: string; password: string } | undefined;
  /** How long SIGTERM waits for updates and jobs in flight before the process gives up on them. */
  shutdownTimeoutMs: number;
  /** Updates one user may have answered per window, across all bot processes. */
  userRateLimit: { max: number; windowMs: number };
}

/** Telegram's sending limits as zhibu enforces them, whatever number of workers run. */
export interface DeliveryLimits {
  /** Messages per second across all chats. */
  perSecond: number;
  /** Messages per minute to one group. */
  perGroupPerMinute: number;
  /** Messages per second to one chat. */
  perChatPerSecond: number;
}

export type Environment = Record<string, string | undefined>;

/** Reads `.env` from `cwd` (if present) beneath the real environment, which wins. */
export function readEnvironment(processEnv: Environment = process.env, cwd = process.cwd()): Environment {
  const dotenvPath = resolve(cwd, ".env");
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...processEnv };
}

export function parseConfig(env: Environment): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`配置有误 (invalid configuration):\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    logLevel: e.LOG_LEVEL ?? (e.BOT_TOKEN ? "info" : "warn"),
    dataDir: resolve(e.DATA_DIR),
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    webhook:
      e.WEBHOOK_URL && e.WEBHOOK_SECRET
        ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, port: e.PORT }
        : undefined,
    operatorIds: e.OPERATOR_IDS,
    timezone: e.TIMEZONE,
    seedSamples: e.SEED_SAMPLES === "true",
    delivery: {
      perSecond: e.DELIVERY_RATE_PER_SECOND,
      perGroupPerMinute: e.DELIVERY_GROUP_PER_MINUTE,
      perChatPerSecond: e.DELIVERY_CHAT_PER_SECOND,
    },
    digestItemCap: e.DIGEST_ITEM_CAP,
    digestLookbackDays: e.DIGEST_LOOKBACK_DAYS,
    health: e.HEALTH_PORT === undefined ? undefined : { host: e.HEALTH_HOST, port: e.HEALTH_PORT },
    dashboard: e.DASHBOARD_PASSWORD
      ? {
          host: e.DASHBOARD_HOST,
          port: e.DASHBOARD_PORT,
          user: e.DASHBOARD_USER,
          password: e.DASHBOARD_PASSWORD,
        }
      : undefined,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    userRateLimit: { max: e.USER_RATE_LIMIT, windowMs: e.USER_RATE_WINDOW_SECONDS * 1000 },
  };
}
