import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { Readiness } from "./readiness.ts";

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Probes and scrapes are small GETs; anything slower or larger is not one. */
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_HEADER_BYTES = 8 * 1024;

export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * `/healthz` (the process is up and its event loop turns), `/readyz` (it can do its work: 200 or
 * 503 with the checks as JSON) and `/metrics` (Prometheus), on a port of their own: the webhook
 * port faces Telegram, this one only the orchestrator and the scraper.
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  readiness: Readiness;
  metrics: Metrics;
  logger: Logger;
}): Promise<OpsServer> {
  const { readiness, metrics, logger } = options;
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const answer = async () => {
      if (path === "/healthz") {
        response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else if (path === "/readyz") {
        const report = await readiness.report();
        response
          .writeHead(report.ready ? 200 : 503, { "content-type": "application/json" })
          .end(`${JSON.stringify(report)}\n`);
      } else if (path === "/metrics") {
        const body = await metrics.registry.metrics();
        response.writeHead(200, { "content-type": metrics.registry.contentType }).end(body);
      } else {
        response.writeHead(404).end();
      }
    };
    answer().catch((error: unknown) => {
      logger.error({ err: error, path }, "ops request failed");
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  const port = await listen(server, options.host, options.port);
  logger.info({ host: options.host, port }, "health and metrics listening");
  return { port, close: () => closeServer(server) };
}
