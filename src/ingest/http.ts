import { lookup as dnsLookup } from "node:dns/promises";
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Redis } from "ioredis";
import packageJson from "../../package.json" with { type: "json" };
import { redisKeys } from "../store/keys.ts";
import {
  CausedError,
  InputError,
  RefusedTargetError,
  UpstreamFailedError,
  UpstreamRefusedError,
} from "../errors.ts";
import { ipLiteralOf, nonPublicRange, RANGE_NAMES_ZH } from "./address-policy.ts";

const PROJECT_URL = "https://github.com/zhibu/zhibu";
export const USER_AGENT = `zhibu/${packageJson.version} (+${PROJECT_URL})`;

export interface HttpClientOptions {
  userAgent?: string;
  timeoutMs?: number;
  /** One fetch, redirects, retries and waits included, ends within this; a trickling site too. */
  fetchBudgetMs?: number;
  /** Larger bodies are refused while streaming, never held in memory. */
  maxBytes?: number;
  maxRedirects?: number;
  /** Retries after the first attempt, for 5xx and network failures only. */
  retries?: number;
  /** First retry waits this long, then twice as long each time. */
  backoffMs?: number;
  /** Pause between two requests to one host, unless a request asks for its own. */
  hostDelayMs?: number;
  /** Where ETag / Last-Modified are kept between runs; without it requests are unconditional. */
  validators?: ValidatorStore;
  /** Name resolution; every address it yields is checked before a connection is made. */
  resolve?: Resolver;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface FetchOptions {
  /** Send the validators last stored for this URL, so an unchanged page costs a 304. */
  conditional?: boolean;
  insecureTls?: boolean;
  timeoutMs?: number;
  delayMs?: number;
  /**
   * Lets this fetch reach loopback, private and link-local addresses: only for a source that
   * opted in (an intranet site) or an operator's explicit `--allow-private-network`.
   */
  allowPrivateNetwork?: boolean;
  /**
   * Hosts (`host` or `host:port`, as in URL.host) this fetch and its redirects may go to;
   * without it any host is allowed.
   */
  allowedHosts?: string[];
  /** Epoch ms after which nothing more is asked: the time budget of the run this fetch is part of. */
  deadlineAt?: number;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface HttpResponse {
  /** Where the body came from, after redirects. */
  url: string;
  status: number;
  notModified: boolean;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** What to store once the body has been fully used, so the next request can be conditional. */
  validators: Validators | undefined;
}

export interface ValidatorStore {
  get(url: string): Promise<Validators | undefined>;
  set(url: string, validators: Validators): Promise<void>;
}

export function createRedisValidatorStore(redis: Redis, prefix: string): ValidatorStore {
  const key = redisKeys(prefix).httpValidators;
  return {
    async get(url) {
      const json = await redis.hget(key, url);
      return json ? (JSON.parse(json) as Validators) : undefined;
    },
    async set(url, validators) {
      await redis.hset(key, url, JSON.stringify(validators));
    },
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`not a URL: ${raw}`, { url: raw });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError(`only http and https URLs are fetched, not ${url.protocol}`, { url: raw });
  }
  return url;
}

function decompress(response: IncomingMessage): Readable {
  switch ((response.headers["content-encoding"] ?? "").toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return response.pipe(createGunzip());
    case "deflate":
      return response.pipe(createInflate());
    case "br":
      return response.pipe(createBrotliDecompress());
    default:
      return response;
  }
}

/** Lets one request per host run at a time, with a pause after each. */
function createHostGate() {
  const tails = new Map<string, Promise<void>>();
  return async function run<T>(host: string, delayMs: number, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(host) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    tails.set(host, done);
    await previous;
    try {
      return await task();
    } finally {
      const finish = () => {
        if (tails.get(host) === done) tails.delete(host);
        release();
      };
      if (delayMs > 0) setTimeout(finish, delayMs);
      else finish();
    }
  };
}

/** Certificate problems do not go away by retrying; the source must opt in to `insecureTls`. */
const TLS_CERTIFICATE_ERRORS = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function classifyNetworkError(error: unknown, url: URL): CausedError {
  if (error instanceof CausedError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  if (code && TLS_CERTIFICATE_ERRORS.has(code)) {
    return new UpstreamRefusedError(
      `TLS certificate of ${url.host} rejected (${code}); if the site is known to have a broken certificate, set http.insecureTls: true for this source`,
      0,
      { url: url.href },
    );
  }
  return new UpstreamFailedError(`request failed: ${message}`, { url: url.href, cause: error });
}

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

function privateNetworkRefusal(url: URL, address: string): RefusedTargetError | undefined {
  const range = nonPublicRange(address);
  if (range === undefined) return undefined;
  const host =
    url.hostname === address || url.hostname === `[${address}]` ? address : `${url.hostname}（${address}）`;
  return new RefusedTargetError(
    `refused to fetch ${url.href}: ${address} is a ${range} address; a source on an intranet must set allowPrivateNetwork: true`,
    {
      url: url.href,
      userMessage: `拒绝访问 ${host}：这是${RANGE_NAMES_ZH[range]}，抓取的网页不得把请求引向本机或内网。若这确是校内网站，请在 data/sources.yaml 中为该来源设置 allowPrivateNetwork: true，或在命令行加 --allow-private-network。`,
    },
  );
}

/** Refuses a URL whose host is not one the caller declared. */
export function checkDeclaredHost(url: URL, allowedHosts: readonly string[] | undefined): void {
  if (allowedHosts === undefined || allowedHosts.includes(url.host)) return;
  throw new RefusedTargetError(
    `refused to fetch ${url.href}: host ${url.host} is not declared by the source (declared: ${allowedHosts.join(", ")})`,
    {
      url: url.href,
      userMessage: `拒绝访问 ${url.href}：主机 ${url.host} 不属于该来源（已声明：${allowedHosts.join("、")}）。如确属同一网站，请在 data/sources.yaml 该来源的 hosts: 中声明。`,
    },
  );
}

/**
 * A `lookup` for node:net that resolves through `resolve` and refuses, before any connection,
 * a name with any non-public address: the address checked is the address connected to, so a
 * name that changes its answer between two lookups gains nothing.
 */
function guardedLookup(url: URL, resolve: Resolver, allowPrivateNetwork: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (resolved) => {
        const addresses = options.family ? resolved.filter((a) => a.family === options.family) : resolved;
        const first = addresses[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
          error.code = "ENOTFOUND";
          callback(error, "", 0);
          return;
        }
        const refusal = allowPrivateNetwork
          ? undefined
          : addresses.map((a) => privateNetworkRefusal(url, a.address)).find((r) => r !== undefined);
        if (refusal) callback(refusal, "", 0);
        else if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

interface Attempt {
  url: URL;
  agent: http.Agent;
  lookup: LookupFunction;
  headers: Record<string, string>;
  insecureTls: boolean;
  timeoutMs: number;
  maxBytes: number;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request, no redirects or retries: resolves with the whole (size-capped) body. */
function request(attempt: Attempt): Promise<RawResponse> {
  const { url, maxBytes } = attempt;
  return new Promise((resolve, reject) => {
    const transport = url.protocol === "https:" ? https : http;
    const req = transport.request(url, {
      method: "GET",
      agent: attempt.agent,
      lookup: attempt.lookup,
      headers: attempt.headers,
      rejectUnauthorized: !attempt.insecureTls,
      timeout: attempt.timeoutMs,
    });
    let settled = false;
    let response: IncomingMessage | undefined;
    /** Settles once, then tears the connection down so nothing more is read. */
    const abort = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(classifyNetworkError(error, url));
      response?.destroy();
      req.destroy();
    };
    const timer = setTimeout(
      () => abort(new UpstreamFailedError(`timed out after ${attempt.timeoutMs} ms`, { url: url.href })),
      attempt.timeoutMs,
    );
    const tooLarge = () =>
      new InputError(`response larger than ${maxBytes} bytes refused`, { url: url.href });
    req.on("timeout", () =>
      abort(new UpstreamFailedError(`no data for ${attempt.timeoutMs} ms`, { url: url.href })),
    );
    req.on("error", abort);
    req.on("response", (incoming) => {
      response = incoming;
      incoming.on("error", abort);
      if (Number(incoming.headers["content-length"] ?? 0) > maxBytes) {
        abort(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const body = decompress(incoming);
      body.on("error", abort);
      body.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) abort(tooLarge());
        else chunks.push(chunk);
      });
      body.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end();
  });
}

/**
 * The one HTTP client ingestion uses: node:http(s) with a timeout, a redirect limit, a size cap,
 * retries with backoff on 5xx and network errors only, conditional requests, and at most one
 * request at a time per host. It never connects to a non-public address unless the fetch allows
 * it, nor follows a redirect to an undeclared host.
 */
export function createHttpClient(options: HttpClientOptions = {}) {
  const userAgent = options.userAgent ?? USER_AGENT;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const fetchBudgetMs = options.fetchBudgetMs ?? 60_000;
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 1_000;
  const hostDelayMs = options.hostDelayMs ?? 1_000;
  const resolve = options.resolve ?? systemResolver;
  const gate = createHostGate();
  // Kept-alive connections are pooled apart, so one opened for an intranet source is never
  // handed to a fetch that did not allow the private network.
  const agentOptions = { keepAlive: true, scheduling: "lifo" as const, timeout: 5_000 };
  const agents = {
    public: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
    private: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
  };

  async function once(
    url: URL,
    headers: Record<string, string>,
    fetchOptions: FetchOptions,
    deadlineAt: number,
  ): Promise<RawResponse> {
    const allowPrivateNetwork = fetchOptions.allowPrivateNetwork ?? false;
    const pool = allowPrivateNetwork ? agents.private : agents.public;
    return gate(url.host, fetchOptions.delayMs ?? hostDelayMs, () => {
      const left = deadlineAt - Date.now();
      if (left <= 0) {
        throw new UpstreamFailedError(`time budget used up before ${url.href}`, { url: url.href });
      }
      return request({
        url,
        agent: url.protocol === "https:" ? pool.https : pool.http,
        lookup: guardedLookup(url, resolve, allowPrivateNetwork),
        headers,
        insecureTls: fetchOptions.insecureTls ?? false,
        timeoutMs: Math.min(fetchOptions.timeoutMs ?? timeoutMs, left),
        maxBytes,
      });
    });
  }

  async function withRetries(
    url: URL,
    headers: Record<string, string>,
    fetchOptions: FetchOptions,
    deadlineAt: number,
  ): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await once(url, headers, fetchOptions, deadlineAt);
        if (response.status >= 500) {
          throw new UpstreamFailedError(`HTTP ${response.status} from ${url.href}`, {
            url: url.href,
            status: response.status,
          });
        }
        return response;
      } catch (error) {
        const wait = backoffMs * 2 ** attempt;
        if (!(error instanceof UpstreamFailedError) || attempt >= retries || Date.now() + wait >= deadlineAt)
          throw error;
        await sleep(wait);
      }
    }
  }

  return {
    async fetch(rawUrl: string, fetchOptions: FetchOptions = {}): Promise<HttpResponse> {
      const firstUrl = parseHttpUrl(rawUrl);
      const deadlineAt = Math.min(fetchOptions.deadlineAt ?? Infinity, Date.now() + fetchBudgetMs);
      const stored = fetchOptions.conditional ? await options.validators?.get(firstUrl.href) : undefined;
      let url = firstUrl;
      for (let hop = 0; hop <= maxRedirects; hop++) {
        checkDeclaredHost(url, fetchOptions.allowedHosts);
        // An IP literal is never looked up, so it is checked here; names are checked on lookup.
        const literal = ipLiteralOf(url);
        const refusal =
          literal !== undefined && !fetchOptions.allowPrivateNetwork
            ? privateNetworkRefusal(url, literal)
            : undefined;
        if (refusal) throw refusal;
        const headers: Record<string, string> = {
          "user-agent": userAgent,
          accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
          "accept-encoding": "gzip, deflate, br",
          "accept-language": "zh-CN,zh;q=0.9",
        };
        // Sent on every hop: a column that redirects (http → https, old path → new) stays a 304.
        if (stored?.etag) headers["if-none-match"] = stored.etag;
        if (stored?.lastModified) headers["if-modified-since"] = stored.lastModified;
        const response = await withRetries(url, headers, fetchOptions, deadlineAt);
        const location = response.headers.location;
        if (REDIRECTS.has(response.status) && location) {
          url = parseHttpUrl(new URL(location, url).href);
          continue;
        }
        if (response.status === 304) {
          return {
            url: url.href,
            status: 304,
            notModified: true,
            headers: response.headers,
            body: Buffer.alloc(0),
            validators: undefined,
          };
        }
        if (response.status >= 400) {
          throw new UpstreamRefusedError(`HTTP ${response.status} from ${url.href}`, response.status, {
            url: url.href,
          });
        }
        const etag = response.headers.etag;
        const lastModified = response.headers["last-modified"];
        return {
          url: url.href,
          status: response.status,
          notModified: false,
          headers: response.headers,
          body: response.body,
          validators:
            etag || lastModified
              ? { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) }
              : undefined,
        };
      }
      throw new UpstreamRefusedError(`more than ${maxRedirects} redirects from ${firstUrl.href}`, 0, {
        url: firstUrl.href,
      });
    },

    /** Stores a response's validators under the URL it was requested by. */
    async remember(requestedUrl: string, response: HttpResponse): Promise<void> {
      if (response.validators && options.validators) {
        await options.validators.set(parseHttpUrl(requestedUrl).href, response.validators);
      }
    },
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

/** The client as seen by one run: no fetch through it goes past the run's deadline. */
export function withDeadline(http: HttpClient, deadlineAt: number): HttpClient {
  return {
    ...http,
    fetch: (url, options = {}) =>
      http.fetch(url, { ...options, deadlineAt: Math.min(options.deadlineAt ?? Infinity, deadlineAt) }),
  };
}
