import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import iconv from "iconv-lite";

export const SITES_DIR = fileURLToPath(new URL("../fixtures/sites", import.meta.url));
const TLS_DIR = fileURLToPath(new URL("../fixtures/tls", import.meta.url));
/** Served over https with a self-signed certificate, as some campus sites are. */
const SELF_SIGNED_SITE = "webplus-a";

/** Sites served in GBK; the list page says so in its header, the articles only in markup or not at all. */
const GBK_SITES = new Set(["gbk"]);
const LAST_MODIFIED = "Mon, 06 May 2024 02:00:00 GMT";

const TYPES: Record<string, string> = {
  ".htm": "text/html",
  ".html": "text/html",
  ".xml": "application/xml",
};

/**
 * Fixture sites listen on loopback, which fetching refuses by default: sources and fetches that
 * use them opt in with the same setting an intranet source uses.
 */
export const LOOPBACK = { allowPrivateNetwork: true } as const;

export interface RequestRecord {
  site: string;
  path: string;
  status: number;
  headers: IncomingMessage["headers"];
}

export interface FixtureSites {
  /**
   * `http://127.0.0.1:<port>` of a site; every site has its own port, so its own host. The site
   * `https` is webplus-a over TLS with a self-signed certificate.
   */
  base(site: string): string;
  url(site: string, path: string): string;
  /** Serves `body` at `path` of `site` instead of the file (or a 404 when `body` is null). */
  override(site: string, path: string, body: string | null): void;
  /** Every request served, in order. */
  requests: RequestRecord[];
  close(): Promise<void>;
}

function etagOf(body: Buffer): string {
  return `"${createHash("sha1").update(body).digest("hex").slice(0, 16)}"`;
}

/** Answers 304 when the client's validators still match, else the body with fresh validators. */
function sendConditional(req: IncomingMessage, res: ServerResponse, body: Buffer, type: string): number {
  const etag = etagOf(body);
  res.setHeader("etag", etag);
  res.setHeader("last-modified", LAST_MODIFIED);
  // As in RFC 9110, If-None-Match decides when present; If-Modified-Since only without it.
  const ifNoneMatch = req.headers["if-none-match"];
  const unchanged = ifNoneMatch ? ifNoneMatch === etag : req.headers["if-modified-since"] === LAST_MODIFIED;
  if (unchanged) {
    res.writeHead(304).end();
    return 304;
  }
  res.writeHead(200, { "content-type": type, "content-length": body.length }).end(body);
  return 200;
}

/** 50 MB of spaces, gzipped to 50 KB: the size cap must apply to what comes out of gunzip. */
let gzipBomb: Buffer | undefined;

/** Routes for failure modes: slow answers, endless bodies, redirects, flaky and refusing servers. */
function special(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  flakyCounts: Map<string, number>,
): number {
  const path = url.pathname;
  if (path === "/slow") {
    const timer = setTimeout(
      () => res.writeHead(200, { "content-type": "text/html" }).end("<p>late</p>"),
      5_000,
    );
    res.on("close", () => clearTimeout(timer));
    return 200;
  }
  if (path === "/huge" || path === "/huge-declared") {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.from("<p>" + "党支部".repeat(5000) + "</p>\n");
    const headers: Record<string, string | number> = { "content-type": "text/html; charset=utf-8" };
    if (path === "/huge-declared") headers["content-length"] = total;
    res.writeHead(200, headers);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    res.on("close", () => (sent = total));
    pump();
    return 200;
  }
  if (path === "/gzip" || path === "/gzip-bomb") {
    const body =
      path === "/gzip"
        ? gzipSync(Buffer.from("<p>压缩传输的党建新闻</p>"))
        : (gzipBomb ??= gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)));
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip" }).end(body);
    return 200;
  }
  const redirect = /^\/redirect\/(\d+)$/.exec(path);
  if (redirect) {
    const left = Number(redirect[1]);
    const target = left > 0 ? `/redirect/${left - 1}` : (url.searchParams.get("to") ?? "/status/200");
    const to = left > 0 && url.search ? `${target}${url.search}` : target;
    res.writeHead(left % 2 === 0 ? 301 : 302, { location: to }).end();
    return 302;
  }
  if (path === "/loop") {
    res.writeHead(302, { location: "/loop" }).end();
    return 302;
  }
  if (path === "/flaky") {
    const key = url.searchParams.get("key") ?? "";
    const failures = Number(url.searchParams.get("fail") ?? 1);
    const seen = flakyCounts.get(key) ?? 0;
    flakyCounts.set(key, seen + 1);
    if (seen < failures) {
      res.writeHead(503).end("busy");
      return 503;
    }
    res.writeHead(200, { "content-type": "text/html" }).end("<p>ok after retries</p>");
    return 200;
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    res.writeHead(code, { "content-type": "text/html" }).end(`<p>status ${code}</p>`);
    return code;
  }
  res.writeHead(404).end();
  return 404;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Serves every folder of `test/fixtures/sites` as its own site on 127.0.0.1, plus a `special`
 * site for failure modes. `{site:NAME}` in served text becomes that site's base URL.
 */
export async function startFixtureSites(): Promise<FixtureSites> {
  const siteNames = readdirSync(SITES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const bases = new Map<string, string>();
  const overrides = new Map<string, string | null>();
  const requests: RequestRecord[] = [];
  const flakyCounts = new Map<string, number>();
  const servers: Server[] = [];

  const withBases = (text: string) =>
    text.replace(/\{site:([\w-]+)\}/g, (_, name: string) => bases.get(name) ?? "");

  async function serveFile(
    site: string,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<number> {
    const key = `${site}${path}`;
    if (overrides.has(key)) {
      const body = overrides.get(key);
      if (body === null || body === undefined) return (res.writeHead(404).end(), 404);
      return sendConditional(req, res, Buffer.from(withBases(body)), "text/html; charset=utf-8");
    }
    const file = normalize(join(SITES_DIR, site, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(join(SITES_DIR, site))) return (res.writeHead(403).end(), 403);
    let text: string;
    try {
      text = withBases(await readFile(file, "utf8"));
    } catch {
      res.writeHead(404, { "content-type": "text/html" }).end("<h1>404 Not Found</h1>");
      return 404;
    }
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    if (GBK_SITES.has(site)) {
      const declared = path.endsWith("list.htm") ? `${type}; charset=gb2312` : type;
      return sendConditional(req, res, iconv.encode(text, "gbk"), declared);
    }
    return sendConditional(req, res, Buffer.from(text), `${type}; charset=utf-8`);
  }

  const handler =
    (site: string): RequestListener =>
    (req, res) => {
      const url = new URL(req.url ?? "/", "http://fixture");
      const record = (status: number) =>
        requests.push({ site, path: url.pathname + url.search, status, headers: req.headers });
      if (site === "special") {
        record(special(req, res, url, flakyCounts));
        return;
      }
      serveFile(site, req, res, decodeURIComponent(url.pathname)).then(record, (error: unknown) => {
        res.destroy(error as Error);
      });
    };
  for (const site of [...siteNames, "special"]) {
    const server = createServer(handler(site));
    servers.push(server);
    bases.set(site, `http://127.0.0.1:${await listen(server)}`);
  }
  const tls = createHttpsServer(
    {
      key: await readFile(join(TLS_DIR, "self-signed.key")),
      cert: await readFile(join(TLS_DIR, "self-signed.crt")),
    },
    handler(SELF_SIGNED_SITE),
  );
  servers.push(tls);
  bases.set("https", `https://127.0.0.1:${await listen(tls)}`);

  return {
    base: (site) => bases.get(site) ?? "",
    url: (site, path) => `${bases.get(site) ?? ""}${path}`,
    override: (site, path, body) => overrides.set(`${site}${path}`, body),
    requests,
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
