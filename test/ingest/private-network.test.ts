import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { RefusedTargetError } from "../../src/errors.ts";
import {
  checkDeclaredHost,
  createHttpClient,
  type ResolvedAddress,
  type Resolver,
} from "../../src/ingest/http.ts";
import { ingestSource } from "../../src/ingest/run.ts";
import { checkSource } from "../../src/ingest/source-check.ts";
import { declaredHosts, defineSource } from "../../src/ingest/sources.ts";
import { createAnnouncementStore } from "../../src/store/announcements.ts";
import { LOOPBACK } from "../support/fixture-server.ts";
import { testIngestionDeps } from "../support/ingestion.ts";
import { silentLogger } from "../support/logger.ts";
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from "../support/redis.ts";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const ARTICLE = `<!doctype html><html><head><meta charset="utf-8"><title>正常文章</title></head><body>
<h1>机关第一党支部开展主题党日活动</h1><p>发布时间：2024-05-06</p>
<div class="post-body"><p>5月6日，机关第一党支部组织全体党员开展主题党日活动，重温入党誓词，交流学习体会。</p>
<p>支部书记围绕党的创新理论作专题辅导，党员们结合岗位实际谈认识、谈打算。</p></div></body></html>`;

/** Names the tests resolve without DNS: none of them may ever be connected to. */
const NAMES: Record<string, ResolvedAddress[]> = {
  "intranet.example": [{ address: "127.0.0.1", family: 4 }],
  "corp.example": [{ address: "10.0.0.5", family: 4 }],
  "metadata.example": [{ address: "169.254.169.254", family: 4 }],
  localhost: [
    { address: "::1", family: 6 },
    { address: "127.0.0.1", family: 4 },
  ],
};

describe("fetching that cannot be turned against the host", () => {
  /** A loopback service standing in for the host's internal services: it counts every request. */
  let internal: Server;
  let internalPort: number;
  const internalHits: string[] = [];
  /** The hostile news site, on loopback like every fixture site (so its source opts in). */
  let hostile: Server;
  let hostileBase: string;
  const hostileHits: string[] = [];
  let targets: string[];
  let lookups: string[];
  let connects: string[];
  let t: TestRedis;

  const resolver: Resolver = (hostname) => {
    lookups.push(hostname);
    const known = NAMES[hostname];
    return known ? Promise.resolve(known) : Promise.reject(new Error(`no DNS in tests: ${hostname}`));
  };
  const client = () => createHttpClient({ hostDelayMs: 0, backoffMs: 1, retries: 2, resolve: resolver });
  const ingestionDeps = () => testIngestionDeps(t, { http: client() });

  beforeAll(async () => {
    internal = createServer((req, res) => {
      internalHits.push(req.url ?? "");
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(ARTICLE.replace("主题党日", "内部机密"));
    });
    internalPort = await listen(internal);
    targets = [
      `http://127.0.0.1:${internalPort}/secret`,
      `http://[::1]:${internalPort}/secret`,
      `http://10.0.0.5/admin`,
      `http://192.168.1.1/admin`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://intranet.example:${internalPort}/secret`,
      `http://2130706433:${internalPort}/secret`,
      `http://0x7f.1:${internalPort}/secret`,
      `http://[::ffff:127.0.0.1]:${internalPort}/secret`,
    ];
    hostile = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://hostile");
      hostileHits.push(url.pathname);
      if (url.pathname === "/go") {
        res.writeHead(302, { location: url.searchParams.get("to") ?? "/" }).end();
      } else if (url.pathname === "/list.htm") {
        const links = [
          "/ok.htm",
          ...targets,
          ...targets.map((target) => `/go?to=${encodeURIComponent(target)}`),
        ];
        const items = links.map(
          (href, i) =>
            `<li class="news"><span class="news_title"><a href="${href}">党支部活动${i}</a></span><span class="news_meta">2024-05-06</span></li>`,
        );
        res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(
            `<!doctype html><html><body><div id="wp_news_w6"><ul class="news_list list2">${items.join("\n")}</ul></body></html>`,
          );
      } else if (url.pathname === "/ok.htm") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(ARTICLE);
      } else {
        res.writeHead(404).end();
      }
    });
    hostileBase = `http://127.0.0.1:${await listen(hostile)}`;
  });
  afterAll(async () => {
    for (const server of [internal, hostile]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  beforeEach(() => {
    t = createTestRedis();
    internalHits.length = 0;
    hostileHits.length = 0;
    lookups = [];
    connects = [];
    // Records every outgoing connection, and stops any to a non-loopback literal before it is made.
    const original = Reflect.get(net.Socket.prototype, "connect") as (...a: unknown[]) => net.Socket;
    vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (
      this: net.Socket,
      ...args: unknown[]
    ) {
      const first = (Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0]) as
        { host?: string; port?: number } | undefined;
      const host = first?.host ?? "";
      connects.push(`${host}:${first?.port}`);
      if (net.isIP(host) && host !== "127.0.0.1") throw new Error(`test tried to connect to ${host}`);
      return original.apply(this, args);
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.cleanup();
  });

  it("refuses loopback, private and link-local targets, however spelled, before connecting", async () => {
    const http = client();
    for (const target of targets) {
      const error = await http.fetch(target).catch((e: unknown) => e);
      expect(error, target).toBeInstanceOf(RefusedTargetError);
      expect((error as RefusedTargetError).permanent).toBe(true);
      expect((error as RefusedTargetError).userMessage).toMatch(/^拒绝访问 .*allowPrivateNetwork/);
    }
    for (const name of ["corp.example", "metadata.example", "localhost"]) {
      await expect(http.fetch(`http://${name}/`)).rejects.toBeInstanceOf(RefusedTargetError);
    }
    expect(internalHits).toEqual([]);
    // Names reach a lookup, which refuses; literals are refused before a socket is even asked for.
    const redisAddress = `127.0.0.1:${new URL(TEST_REDIS_URL).port}`;
    const unbracketed = (c: string) => c.slice(0, c.lastIndexOf(":")).replace(/^\[|\]$/g, "");
    expect(connects.filter((c) => c !== redisAddress && net.isIP(unbracketed(c)) !== 0)).toEqual([]);
    // Refused at once, not retried: one lookup per name.
    expect(lookups.filter((name) => name === "intranet.example")).toHaveLength(1);
  });

  it("names the refused address in Chinese", async () => {
    const error = (await client()
      .fetch("http://corp.example/")
      .catch((e: unknown) => e)) as RefusedTargetError;
    expect(error.userMessage).toContain("corp.example（10.0.0.5）");
    expect(error.userMessage).toContain("内网私有地址");
    const literal = (await client()
      .fetch("http://0xa9.0xfe.0xa9.0xfe/")
      .catch((e: unknown) => e)) as RefusedTargetError;
    expect(literal.userMessage).toContain("拒绝访问 169.254.169.254：这是链路本地地址");
  });

  it("connects to the checked address, and reaches an intranet name only when allowed", async () => {
    const page = await client().fetch(`http://intranet.example:${internalPort}/page`, LOOPBACK);
    expect(page.body.toString()).toContain("内部机密");
    expect(internalHits).toEqual(["/page"]);
  });

  it("follows a redirect only to a declared host", async () => {
    const http = client();
    const allowedHosts = [new URL(hostileBase).host];
    for (const target of targets) {
      const hop = `${hostileBase}/go?to=${encodeURIComponent(target)}`;
      await expect(http.fetch(hop, { ...LOOPBACK, allowedHosts })).rejects.toBeInstanceOf(RefusedTargetError);
    }
    const same = await http.fetch(`${hostileBase}/go?to=/ok.htm`, { ...LOOPBACK, allowedHosts });
    expect(same.url).toBe(`${hostileBase}/ok.htm`);
    expect(internalHits).toEqual([]);
  });

  it("takes http → https on the same host as the same site, another port or name as another", () => {
    const hosts = declaredHosts(
      defineSource({ id: "s", name: "s", kind: "webplus", url: "http://news.example.edu.cn/list.htm" }),
    );
    expect(() => checkDeclaredHost(new URL("https://news.example.edu.cn/a.htm"), hosts)).not.toThrow();
    expect(() => checkDeclaredHost(new URL("http://news.example.edu.cn:8080/"), hosts)).toThrow(
      RefusedTargetError,
    );
    expect(() => checkDeclaredHost(new URL("https://www.example.edu.cn/"), hosts)).toThrow(
      RefusedTargetError,
    );
    const declared = defineSource({
      id: "s",
      name: "s",
      kind: "webplus",
      url: "http://news.example.edu.cn/list.htm",
      hosts: ["WWW.Example.edu.cn", "news.example.edu.cn:8080"],
    });
    expect(declaredHosts(declared)).toEqual([
      "news.example.edu.cn",
      "www.example.edu.cn",
      "news.example.edu.cn:8080",
    ]);
    expect(() =>
      defineSource({ id: "s", name: "s", kind: "rss", url: "https://a.edu.cn/rss", hosts: ["http://x/y"] }),
    ).toThrow(/expected a host name/);
  });

  it("ingests a hostile list page without requesting or storing anything off its own site", async () => {
    const deps = ingestionDeps();
    const source = defineSource({
      id: "hostile",
      name: "某校新闻网",
      school: "测试大学",
      kind: "webplus",
      url: `${hostileBase}/list.htm`,
      ...LOOPBACK,
    });
    const run = await ingestSource(deps, source);
    expect(run.summary).toMatchObject({ new: 1 });
    expect(internalHits).toEqual([]);
    expect(hostileHits.filter((p) => p !== "/list.htm" && p !== "/ok.htm" && p !== "/go")).toEqual([]);
    const stored = [];
    for await (const batch of createAnnouncementStore(t.redis, t.prefix).all()) stored.push(...batch);
    expect(stored.map((a) => a.url)).toEqual([`${hostileBase}/ok.htm`]);
    expect(stored.some((a) => a.text.includes("内部机密"))).toBe(false);
  });

  it("refuses a source whose own name resolves to the host's network unless it opts in", async () => {
    const deps = ingestionDeps();
    const entry = {
      id: "intranet",
      name: "内网站点",
      kind: "webplus",
      url: `http://intranet.example:${internalPort}/list.htm`,
    };
    await expect(ingestSource(deps, defineSource(entry))).rejects.toBeInstanceOf(RefusedTargetError);
    expect(internalHits).toEqual([]);
    await ingestSource(deps, defineSource({ ...entry, allowPrivateNetwork: true }));
    expect(internalHits).toEqual(["/list.htm"]);
  });

  it("source check refuses the same way, and reports links to other hosts without fetching them", async () => {
    const deps = { http: client(), logger: silentLogger(), limit: 30 };
    await expect(
      checkSource(`http://intranet.example:${internalPort}/list.htm`, deps),
    ).rejects.toBeInstanceOf(RefusedTargetError);
    const check = await checkSource(`${hostileBase}/list.htm`, { ...deps, ...LOOPBACK });
    expect(check.items.filter((item) => item.error === undefined).map((item) => item.url)).toEqual([
      `${hostileBase}/ok.htm`,
    ]);
    expect(check.items.find((item) => item.url.includes("10.0.0.5"))?.error).toMatch(/^拒绝访问/);
    expect(internalHits).toEqual([]);
  });
});
