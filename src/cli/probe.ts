/**
 * The container's health check: asks this container's zhibu process on its configured health port.
 * Exits 0 when the answer is 200, 1 otherwise.
 *
 *   node dist/src/cli/probe.js [/readyz | /healthz]
 */
import { parseConfig, readEnvironment } from "../config.ts";

const PATHS = ["/readyz", "/healthz"];
const TIMEOUT_MS = 3000;

/** A wildcard address is listened on, not connected to: ask loopback instead. */
function connectableHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

async function probe(): Promise<number> {
  const path = process.argv[2] ?? "/readyz";
  if (!PATHS.includes(path)) throw new Error(`usage: probe [${PATHS.join(" | ")}]`);
  const { health } = parseConfig(readEnvironment());
  if (!health) throw new Error("HEALTH_PORT is not set: there is no health server to ask");
  const response = await fetch(`http://${connectableHost(health.host)}:${health.port}${path}`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  process.stdout.write(await response.text());
  return response.status === 200 ? 0 : 1;
}

probe().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
