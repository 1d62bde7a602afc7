import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Redis } from "ioredis";
import packageJson from "../../package.json" with { type: "json" };
import { redisKeys } from "../store/keys.ts";
import { CausedError, InputError, UpstreamFailedError, UpstreamRefusedError } from "../errors.ts";

const PROJECT_URL = "https://github.com/zhibu/zhibu";
export const USER_AGENT = `zhibu/${packageJson.version} (+${PROJECT_URL})`;

export interface HttpClientOptions {
  userAgent?: string;
  timeoutMs?: number;
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
}

export interface FetchOptions {
  /** Send the validators last stored for this URL, so an unchanged page costs a 304. */
  conditional?: boolean;
  insecureTls?: boolean;
  timeoutMs?: number;
  delayMs?: number;
  /** Lets the request reach loopback and private addresses (campus intranets, loopback tests). */
  allowPrivateNetwork?: boolean;
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

interface Attempt {
  url: URL;
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
 * request at a time per host.
 */
export function createHttpClient(options: HttpClientOptions = {}) {
  const userAgent = options.userAgent ?? USER_AGENT;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 1_000;
  const hostDelayMs = options.hostDelayMs ?? 1_000;
  const gate = createHostGate();

  async function once(
    url: URL,
    headers: Record<string, string>,
    fetchOptions: FetchOptions,
  ): Promise<RawResponse> {
    return gate(url.host, fetchOptions.delayMs ?? hostDelayMs, () =>
      request({
        url,
        headers,
        insecureTls: fetchOptions.insecureTls ?? false,
        timeoutMs: fetchOptions.timeoutMs ?? timeoutMs,
        maxBytes,
      }),
    );
  }

  async function withRetries(
    url: URL,
    headers: Record<string, string>,
    fetchOptions: FetchOptions,
  ): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await once(url, headers, fetchOptions);
        if (response.status >= 500) {
          throw new UpstreamFailedError(`HTTP ${response.status} from ${url.href}`, {
            url: url.href,
            status: response.status,
          });
        }
        return response;
      } catch (error) {
        if (!(error instanceof UpstreamFailedError) || attempt >= retries) throw error;
        await sleep(backoffMs * 2 ** attempt);
      }
    }
  }

  return {
    async fetch(rawUrl: string, fetchOptions: FetchOptions = {}): Promise<HttpResponse> {
      const firstUrl = parseHttpUrl(rawUrl);
      const stored = fetchOptions.conditional ? await options.validators?.get(firstUrl.href) : undefined;
      let url = firstUrl;
      for (let hop = 0; hop <= maxRedirects; hop++) {
        const headers: Record<string, string> = {
          "user-agent": userAgent,
          accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
          "accept-encoding": "gzip, deflate, br",
          "accept-language": "zh-CN,zh;q=0.9",
        };
        // Sent on every hop: a column that redirects (http → https, old path → new) stays a 304.
        if (stored?.etag) headers["if-none-match"] = stored.etag;
        if (stored?.lastModified) headers["if-modified-since"] = stored.lastModified;
        const response = await withRetries(url, headers, fetchOptions);
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
