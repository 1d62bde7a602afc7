import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update, UserFromGetMe } from "grammy/types";
import { CONSOLE_BOT_INFO } from "../../src/console/console-chat.ts";
import { telegramRefusal } from "./telegram-text.ts";

/** One Bot API call as the fake server received it. */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
  /** HTTP status of the answer, once given. */
  status?: number;
  /** Why the fake, checking as Telegram does, refused the call as malformed (not a scripted failure). */
  refusal?: string;
  /** When the answer was given. */
  answeredAt?: number;
}

/** Telegram's sending limits, as the fake enforces them when asked to. */
export interface EnforcedLimits {
  perSecond: number;
  perGroupPerMinute: number;
  perChatPerSecond: number;
  /** Every limit ×timeScale (and `retry_after` in the same scaled seconds), so benches run short. */
  timeScale: number;
}

/** Telegram's documented limits: 30 messages/s overall, 20/min to a group, about 1/s to a chat. */
export const TELEGRAM_LIMITS: EnforcedLimits = {
  perSecond: 30,
  perGroupPerMinute: 20,
  perChatPerSecond: 1,
  timeScale: 1,
};

/** Jitter between a sender's clock and ours: gaps to one chat may be this much shorter. */
const CHAT_GAP_TOLERANCE = 0.8;

/** A Bot API error answer, shaped exactly like Telegram's. */
export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

interface ScriptedFailure {
  method: string;
  times: number;
  when: (payload: Record<string, unknown>) => boolean;
  failure: ApiFailure;
}

export const telegramFailures = {
  tooManyRequests: (retryAfter: number): ApiFailure => ({
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  }),
  kicked: (): ApiFailure => ({
    error_code: 403,
    description: "Forbidden: bot was kicked from the supergroup chat",
  }),
  blocked: (): ApiFailure => ({ error_code: 403, description: "Forbidden: bot was blocked by the user" }),
  chatNotFound: (): ApiFailure => ({ error_code: 400, description: "Bad Request: chat not found" }),
  migrated: (newChatId: number): ApiFailure => ({
    error_code: 400,
    description: "Bad Request: group chat was upgraded to a supergroup chat",
    parameters: { migrate_to_chat_id: newChatId },
  }),
  threadNotFound: (): ApiFailure => ({
    error_code: 400,
    description: "Bad Request: message thread not found",
  }),
  serverError: (): ApiFailure => ({ error_code: 500, description: "Internal Server Error" }),
};

/** The console's bot identity under a test bot's id and name. */
export const FAKE_BOT_INFO: UserFromGetMe = { ...CONSOLE_BOT_INFO, id: 7000001, username: "zhibu_test_bot" };

type Handler = (payload: Record<string, unknown>, call: RecordedCall) => unknown;

/**
 * A Telegram Bot API over HTTP on loopback, for grammY's `apiRoot`. It records every call,
 * answers like Telegram, and can be scripted to fail the way Telegram does.
 */
export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  private readonly failures: ScriptedFailure[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly answerDelays = new Map<string, number>();
  private readonly chatMembers = new Map<string, string>();
  private nextMessageId = 1;
  private updates: Update[] = [];
  private readonly pollers: Array<() => void> = [];
  private server: Server | undefined;
  private limits: EnforcedLimits | undefined;
  private readonly missingMethods = new Set<string>();
  private globalTokens = 0;
  private globalRefilledAt = 0;
  private readonly lastSendToChat = new Map<number, number>();
  private readonly recentSendsToGroup = new Map<number, number[]>();
  /** Which limit each send answered 429 exceeded: "global", "chat" or "group". */
  readonly violations: string[] = [];
  apiRoot = "";
  readonly token = "7000001:TEST-token-for-the-fake-bot-api-000";

  constructor() {
    this.handlers.set("getMe", () => FAKE_BOT_INFO);
    this.handlers.set("sendMessage", (payload) => this.message(payload));
    this.handlers.set("editMessageText", (payload) => ({
      ...this.message(payload),
      message_id: payload.message_id,
    }));
    this.handlers.set("getChatMember", (payload) => ({
      status: this.chatMembers.get(`${String(payload.chat_id)}:${String(payload.user_id)}`) ?? "member",
      user: { id: Number(payload.user_id), is_bot: false, first_name: "用户" },
    }));
    this.handlers.set("getChatAdministrators", () => []);
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        // With its length, as Telegram answers: a chunked answer costs node-fetch an Error per call.
        const json = JSON.stringify(body);
        response.writeHead(status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(json),
        });
        response.end(json);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers `method` with `failure` for the next `times` calls that `when` accepts. */
  fail(
    method: string,
    failure: ApiFailure,
    options: { times?: number; when?: ScriptedFailure["when"] } = {},
  ): void {
    this.failures.push({ method, failure, times: options.times ?? 1, when: options.when ?? (() => true) });
  }

  /** Replaces the answer to `method` (its return value is the `result`). */
  on(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  /** Answers `method` only `ms` after it arrives: a slow Telegram, so that work is in flight. */
  slowDown(method: string, ms: number): void {
    this.answerDelays.set(method, ms);
  }

  setChatMember(
    chatId: number,
    userId: number,
    status: "creator" | "administrator" | "member" | "left",
  ): void {
    this.chatMembers.set(`${chatId}:${userId}`, status);
  }

  /** How many sends were answered 429 because they exceeded the enforced limits. */
  get limitViolations(): number {
    return this.violations.length;
  }

  /** Queues an update for a bot that polls with getUpdates. */
  pushUpdate(update: Update): void {
    this.updates.push(update);
    for (const wake of this.pollers.splice(0)) wake();
  }

  /** Resolves when a call to `method` that `when` accepts has been recorded. */
  async waitFor(method: string, when: (call: RecordedCall) => boolean = () => true, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((call) => call.method === method && when(call));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${method} call within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Long polling as Telegram does it: confirmed updates are dropped, and an empty queue waits. */
  private async nextUpdates(payload: Record<string, unknown>): Promise<Update[]> {
    const offset = Number(payload.offset ?? 0);
    this.updates = this.updates.filter((update) => update.update_id >= offset);
    if (this.updates.length === 0) {
      const waitMs = Math.min(Number(payload.timeout ?? 0), 1) * 1000;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.pollers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return [...this.updates];
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Calls the real Bot API would have refused as malformed: answered 400 by the fake's own checks. */
  refused(): RecordedCall[] {
    return this.calls.filter((call) => call.refusal !== undefined);
  }

  /** Messages Telegram would have delivered: sendMessage calls answered 200. */
  delivered(): RecordedCall[] {
    return this.calls.filter((call) => call.method === "sendMessage" && call.status === 200);
  }

  /** Answers 429, as Telegram does, to sends beyond these limits. */
  enforceLimits(limits: EnforcedLimits): void {
    this.limits = limits;
    this.globalTokens = limits.perSecond * limits.timeScale;
    this.globalRefilledAt = performance.now();
  }

  /** Milliseconds until this send would be within the limits, or 0 (and the send is counted). */
  private limitWait(payload: Record<string, unknown>): number {
    const limits = this.limits;
    if (!limits) return 0;
    const now = performance.now();
    const rate = (limits.perSecond * limits.timeScale) / 1000;
    this.globalTokens = Math.min(rate * 1000, this.globalTokens + (now - this.globalRefilledAt) * rate);
    this.globalRefilledAt = now;
    const chatId = Number(payload.chat_id);
    const chatGap = 1000 / limits.perChatPerSecond / limits.timeScale;
    const groupWindow = 60_000 / limits.timeScale;
    const recent = (this.recentSendsToGroup.get(chatId) ?? []).filter((at) => at > now - groupWindow);
    const waits = [
      this.globalTokens >= 1 ? 0 : (1 - this.globalTokens) / rate,
      Math.max(0, (this.lastSendToChat.get(chatId) ?? -Infinity) + chatGap * CHAT_GAP_TOLERANCE - now),
      chatId < 0 && recent.length >= limits.perGroupPerMinute ? (recent[0] ?? now) + groupWindow - now : 0,
    ];
    const wait = Math.max(...waits);
    if (wait > 0) {
      this.violations.push(["global", "chat", "group"][waits.indexOf(wait)] ?? "");
      return wait;
    }
    this.globalTokens -= 1;
    this.lastSendToChat.set(chatId, now);
    if (chatId < 0) this.recentSendsToGroup.set(chatId, [...recent, now]);
    return 0;
  }

  /**
   * Makes the server lack these methods, as an older or partial Bot API server would: they are
   * answered 404 "Not Found", as Telegram answers a method it does not know.
   */
  withoutMethods(...methods: string[]): void {
    for (const method of methods) this.missingMethods.add(method);
  }

  private unknownMethod(method: string) {
    if (!this.missingMethods.has(method)) return undefined;
    return { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } };
  }

  clear(): void {
    this.calls.length = 0;
  }

  private message(payload: Record<string, unknown>) {
    const chatId = Number(payload.chat_id);
    return {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: chatId < 0 ? "supergroup" : "private" },
      from: { id: FAKE_BOT_INFO.id, is_bot: true, first_name: FAKE_BOT_INFO.first_name },
      text: payload.text,
      ...(payload.message_thread_id ? { message_thread_id: payload.message_thread_id } : {}),
    };
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? "");
    if (!match || match[1] !== this.token) {
      return { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } };
    }
    const method = match[2] ?? "";
    const payload = await readJson(request);
    if (!payload) return invalidUtf8(method, this.calls);
    if (method === "getUpdates")
      return { status: 200, body: { ok: true, result: await this.nextUpdates(payload) } };
    const call: RecordedCall = { method, payload, at: Date.now() };
    this.calls.push(call);
    const delay = this.answerDelays.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const answer = await this.answer(method, payload, call);
    call.status = answer.status;
    call.answeredAt = Date.now();
    return answer;
  }

  private async answer(method: string, payload: Record<string, unknown>, call: RecordedCall) {
    const unknown = this.unknownMethod(method);
    if (unknown) return unknown;
    const failure = this.failures.find((f) => f.method === method && f.times > 0 && f.when(payload));
    if (failure) {
      failure.times -= 1;
      return { status: failure.failure.error_code, body: { ok: false, ...failure.failure } };
    }
    const refusal = telegramRefusal(method, payload);
    if (refusal) {
      call.refusal = refusal.description;
      return { status: 400, body: { ok: false, ...refusal } };
    }
    const wait = method === "sendMessage" ? this.limitWait(payload) : 0;
    if (wait > 0) {
      const retryAfter = Math.max(1, Math.ceil((wait * (this.limits?.timeScale ?? 1)) / 1000));
      const tooMany = telegramFailures.tooManyRequests(retryAfter);
      return { status: 429, body: { ok: false, ...tooMany } };
    }
    const handler = this.handlers.get(method) ?? (() => true);
    // A handler may answer later (a promise), as a slow Telegram would.
    return { status: 200, body: { ok: true, result: await handler(payload, call) } };
  }
}

/** A request body that is not valid UTF-8 is refused, as by the real Bot API. */
function invalidUtf8(method: string, calls: RecordedCall[]) {
  const description = "Bad Request: strings must be encoded in UTF-8";
  calls.push({ method, payload: {}, at: Date.now(), status: 400, refusal: description });
  return { status: 400, body: { ok: false, error_code: 400, description } };
}

/** The JSON payload, or `undefined` when the body is not valid UTF-8. */
async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    return undefined;
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
