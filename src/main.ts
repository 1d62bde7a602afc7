import { startApp, type Role } from "./app.ts";
import { ConfigError, parseConfig, readEnvironment } from "./config.ts";
import { createLogger } from "./logger.ts";
import { RedisUnavailableError } from "./runtime/redis-server.ts";
import { TelegramUnavailableError } from "./runtime/telegram.ts";

const roles: Role[] = ["all", "bot", "worker"];

/** Resolves with the first SIGINT or SIGTERM; installed before start-up, so none is missed. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
  });
}

async function main(): Promise<void> {
  const signalled = shutdownSignal();
  const role = (process.argv[2] ?? "all") as Role;
  if (!roles.includes(role)) throw new ConfigError(`unknown role "${role}": use one of ${roles.join(", ")}`);
  const config = parseConfig(readEnvironment());
  if (role === "bot" && !config.botToken) {
    throw new ConfigError(
      "BOT_TOKEN: required by `npm run bot`; `npm start` without it opens the local chat",
    );
  }
  const logger = createLogger({ level: config.logLevel, secrets: [config.botToken, config.webhook?.secret] });
  const app = await startApp(config, role, {
    logger,
    terminal: { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true },
  });
  const reason = await Promise.race([signalled, app.finished.then(() => "input ended")]);
  logger.info({ reason }, "shutting down");
  await app.stop();
  logger.flush();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const expected =
      error instanceof ConfigError ||
      error instanceof RedisUnavailableError ||
      error instanceof TelegramUnavailableError;
    process.stderr.write(expected ? `${error.message}\n` : `${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  },
);
