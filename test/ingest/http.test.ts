import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError, UpstreamFailedError, UpstreamRefusedError } from "../../src/errors.ts";
import { createHttpClient, USER_AGENT, type Validators } from "../../src/ingest/http.ts";
import { LOOPBACK, startFixtureSites, type FixtureSites } from "../support/fixture-server.ts";

function memoryValidators() {
  const map = new Map<string, Validators>();
  return {
    map,
    get: (url: string) => Promise.resolve(map.get(url)),
    set: (url: string, v: Validators) => {
      map.set(url, v);
      return Promise.resolve();
    },
  };
}

describe("http client", () => {
  let sites: FixtureSites;
  beforeAll(async () => {
    sites = await startFixtureSites();
  });
  afterAll(() => sites.close());

  const client = (options: Parameters<typeof createHttpClient>[0] = {}) =>
    createHttpClient({ hostDelayMs: 0, backoffMs: 10, ...options });

  it("names the bot in its User-Agent", async () => {
    await client().fetch(sites.url("webplus-a", "/523/list.htm"), LOOPBACK);
    const last = sites.requests.at(-1);
    expect(last?.headers["user-agent"]).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^zhibu\/\d+\.\d+\.\d+ \(\+https:\/\/.+\)$/);
  });

  it("makes conditional requests once validators are remembered, and gets a 304", async () => {
    const validators = memoryValidators();
    const http = client({ validators });
    const url = sites.url("vsb-b", "/xwzx/zbdt.htm");
    const first = await http.fetch(url, { ...LOOPBACK, conditional: true });
    expect(first.status).toBe(200);
    expect(first.validators?.etag).toMatch(/^"/);
    await http.remember(url, first);
    const second = await http.fetch(url, { ...LOOPBACK, conditional: true });
    expect(second).toMatchObject({ status: 304, notModified: true });
    expect(sites.requests.at(-1)).toMatchObject({ site: "vsb-b", status: 304 });
    expect((await http.fetch(url, LOOPBACK)).status).toBe(200);
  });

  it("keeps a redirected page conditional", async () => {
    const http = client({ validators: memoryValidators() });
    const target = encodeURIComponent(sites.url("webplus-c", "/zbfc/list.htm"));
    const url = sites.url("special", `/redirect/1?to=${target}`);
    const first = await http.fetch(url, { ...LOOPBACK, conditional: true });
    expect(first).toMatchObject({ status: 200, url: sites.url("webplus-c", "/zbfc/list.htm") });
    await http.remember(url, first);
    expect(await http.fetch(url, { ...LOOPBACK, conditional: true })).toMatchObject({
      status: 304,
      notModified: true,
    });
  });

  it("follows redirects up to the limit and refuses loops", async () => {
    const http = client({ maxRedirects: 5 });
    const ok = await http.fetch(sites.url("special", "/redirect/3?to=/status/200"), LOOPBACK);
    expect(ok.status).toBe(200);
    expect(ok.url).toBe(sites.url("special", "/status/200"));
    await expect(http.fetch(sites.url("special", "/loop"), LOOPBACK)).rejects.toBeInstanceOf(
      UpstreamRefusedError,
    );
    await expect(http.fetch(sites.url("special", "/redirect/6"), LOOPBACK)).rejects.toThrow(
      /more than 5 redirects/,
    );
  });

  it("times out on a slow site", async () => {
    const started = Date.now();
    const error = await client({ timeoutMs: 300, retries: 0 })
      .fetch(sites.url("special", "/slow"), LOOPBACK)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamFailedError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(["/huge", "/huge-declared"])("refuses a 50 MB page at %s without buffering it", async (path) => {
    const before = process.memoryUsage().rss;
    const error = await client({ maxBytes: 2 * 1024 * 1024 })
      .fetch(sites.url("special", path), LOOPBACK)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/larger than/);
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });

  it("decompresses gzip, and applies the size cap to the decompressed body", async () => {
    const http = client({ maxBytes: 2 * 1024 * 1024 });
    expect((await http.fetch(sites.url("special", "/gzip"), LOOPBACK)).body.toString()).toBe(
      "<p>压缩传输的党建新闻</p>",
    );
    await expect(http.fetch(sites.url("special", "/gzip-bomb"), LOOPBACK)).rejects.toBeInstanceOf(InputError);
  });

  it("retries 5xx with backoff but not 4xx", async () => {
    const http = client({ retries: 2 });
    const ok = await http.fetch(sites.url("special", "/flaky?key=a&fail=2"), LOOPBACK);
    expect(ok.body.toString()).toContain("ok after retries");
    await expect(
      client({ retries: 1 }).fetch(sites.url("special", "/flaky?key=b&fail=3"), LOOPBACK),
    ).rejects.toMatchObject({
      name: "UpstreamFailedError",
      status: 503,
    });
    const before = sites.requests.filter((r) => r.path === "/status/404").length;
    await expect(http.fetch(sites.url("special", "/status/404"), LOOPBACK)).rejects.toMatchObject({
      name: "UpstreamRefusedError",
      status: 404,
      permanent: true,
    });
    expect(sites.requests.filter((r) => r.path === "/status/404").length).toBe(before + 1);
    await expect(http.fetch(sites.url("special", "/status/429"), LOOPBACK)).rejects.toMatchObject({
      name: "UpstreamRefusedError",
      status: 429,
      permanent: false,
    });
  });

  it("only fetches http and https URLs", async () => {
    await expect(client().fetch("file:///etc/passwd")).rejects.toBeInstanceOf(InputError);
    await expect(client().fetch("ftp://example.edu.cn/")).rejects.toBeInstanceOf(InputError);
  });

  it("fails on a refused connection as a transient upstream failure", async () => {
    await expect(client({ retries: 0 }).fetch("http://127.0.0.1:1/", LOOPBACK)).rejects.toBeInstanceOf(
      UpstreamFailedError,
    );
  });

  it("sends one request at a time per host, with the configured pause", async () => {
    const http = client({ hostDelayMs: 150 });
    const url = sites.url("webplus-b", "/xwdt/list.htm");
    const started = Date.now();
    await Promise.all([http.fetch(url, LOOPBACK), http.fetch(url, LOOPBACK), http.fetch(url, LOOPBACK)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const other = Date.now();
    await Promise.all([
      http.fetch(sites.url("vsb-a", "/djgz/djdt.htm"), LOOPBACK),
      http.fetch(sites.url("vsb-b", "/xwzx/zbdt.htm"), LOOPBACK),
    ]);
    expect(Date.now() - other).toBeLessThan(150);
  });

  it("refuses a self-signed certificate unless the source opts in", async () => {
    const http = client({ retries: 2 });
    const url = sites.url("https", "/523/list.htm");
    await expect(http.fetch(url, LOOPBACK)).rejects.toMatchObject({
      name: "UpstreamRefusedError",
      permanent: true,
      message: expect.stringMatching(/insecureTls/) as unknown,
    });
    const page = await http.fetch(url, { ...LOOPBACK, insecureTls: true });
    expect(page.body.toString()).toContain("安全工程学院研究生第三党支部");
  });
});
