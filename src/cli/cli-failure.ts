import { messageForPeople } from "../errors.ts";

/**
 * Ends a command-line tool that failed: the reason for people on stderr and, with `--json`, an
 * `{"error": …}` object as the last line of stdout, so scripts reading that line see the failure.
 */
export function exitWithFailure(what: string, error: unknown, argv: readonly string[]): void {
  const message = messageForPeople(error);
  process.stderr.write(`${what}: ${message}\n`);
  if (argv.includes("--json")) {
    const name = error instanceof Error ? error.name : "Error";
    process.stdout.write(`${JSON.stringify({ error: { name, message } })}\n`);
  }
  process.exitCode = 1;
}
