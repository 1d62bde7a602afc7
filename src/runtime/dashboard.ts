import { createServer } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { getRequestListener } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Queue } from "bullmq";
import { Hono } from "hono";
import { basicAuth } from "hono/basic-auth";
import type { Logger } from "../logger.ts";
import { closeServer, listen, type OpsServer } from "./ops-server.ts";

export interface DashboardOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  queues: Queue[];
  logger: Logger;
}

const BASE_PATH = "/";
const MAX_HEADER_BYTES = 16 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Bull Board over the queues, every request behind basic auth (compared in constant time), on the
 * configured address only: 127.0.0.1 unless the operator says otherwise.
 */
export async function startDashboard(options: DashboardOptions): Promise<OpsServer> {
  const board = new HonoAdapter(serveStatic);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: "zhibu 队列" } },
  });
  board.setBasePath(BASE_PATH);
  const app = new Hono();
  app.use("*", basicAuth({ username: options.user, password: options.password, realm: "zhibu" }));
  app.route(BASE_PATH, board.registerPlugin());
  const handle = getRequestListener(app.fetch);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger.error({ err: error }, "dashboard request failed");
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  const port = await listen(server, options.host, options.port);
  options.logger.info({ host: options.host, port }, "queue dashboard listening");
  return {
    port,
    close: () => {
      server.closeAllConnections();
      return closeServer(server);
    },
  };
}
