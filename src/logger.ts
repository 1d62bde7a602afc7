import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * The one root logger. Every secret passed in is masked in every line written, whatever
 * code logged it: grammY errors, for instance, can carry API URLs with the token inside.
 */
export function createLogger(options: {
  level: string;
  secrets?: Array<string | undefined>;
  destination?: DestinationStream;
}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length > 0);
  return pino(
    {
      level: options.level,
      base: undefined,
      hooks: {
        streamWrite: (line) =>
          secrets.reduce((masked, secret) => masked.replaceAll(secret, "[REDACTED]"), line),
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
