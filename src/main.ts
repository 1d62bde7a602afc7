import { ROLES, startApp, type Role } from "./app.ts";
import { ConfigError, parseConfig, readEnvironment } from "./config.ts";
import { createLogger } from "./logger.ts";
import { finishesWithin } from "./runtime/finishes-within.ts";
import { RedisUnavailableError } from "./runtime/redis-server.ts";
import { TelegramUnavailableError } from "./runtime/telegram.ts";

/** Resolves with the first SIGINT or SIGTERM; installed before start-up, so none is missed. */
function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
  });
}

/** Resolves with the exit code: 0 once everything stopped in time. */
async function main(): Promise<number> {
  const signalled = shutdownSignal();
  const role = (process.argv[2] ?? "all") as Role;
  if (!ROLES.includes(role)) throw new ConfigError(`unknown role "${role}": use one of ${ROLES.join(", ")}`);
  const config = parseConfig(readEnvironment());
  if (role === "bot" && !config.botToken) {
    throw new ConfigError(
      "BOT_TOKEN: required by `npm run bot`; `npm start` without it opens the local chat",
    );
  }
  const logger = createLogger({
    level: config.logLevel,
    secrets: [config.botToken, config.webhook?.secret, config.dashboard?.password],
  });
  const app = await startApp(config, role, {
    logger,
    terminal: { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true },
  });
  const reason = await Promise.race([signalled, app.finished.then(() => "input ended")]);
  logger.info({ reason, timeoutMs: config.shutdownTimeoutMs }, "shutting down");
  const stopped = await finishesWithin(app.stop(), config.shutdownTimeoutMs);
  if (stopped) logger.info("stopped");
  else {
    // Unfinished jobs stay locked until their lock expires; then another worker takes them over.
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, "work still in flight at the shutdown deadline");
  }
  logger.flush();
  return stopped ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected =
      error instanceof ConfigError ||
      error instanceof RedisUnavailableError ||
      error instanceof TelegramUnavailableError;
    process.stderr.write(expected ? `${error.message}\n` : `${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  },
);
