import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One Bot API call as the fake server received it. */
export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

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

export const FAKE_BOT_INFO = {
  id: 7000001,
  is_bot: true as const,
  first_name: "支部",
  username: "zhibu_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

type Handler = (payload: Record<string, unknown>, call: RecordedCall) => unknown;

/**
 * A Telegram Bot API over HTTP on loopback, for grammY's `apiRoot`. It records every call,
 * answers like Telegram, and can be scripted to fail the way Telegram does.
 */
export class FakeTelegram {
  readonly calls: RecordedCall[] = [];
  private readonly failures: ScriptedFailure[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly chatMembers = new Map<string, string>();
  private nextMessageId = 1;
  private server: Server | undefined;
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
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
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

  setChatMember(
    chatId: number,
    userId: number,
    status: "creator" | "administrator" | "member" | "left",
  ): void {
    this.chatMembers.set(`${chatId}:${userId}`, status);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
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
    const call = { method, payload, at: Date.now() };
    this.calls.push(call);
    const failure = this.failures.find((f) => f.method === method && f.times > 0 && f.when(payload));
    if (failure) {
      failure.times -= 1;
      return { status: failure.failure.error_code, body: { ok: false, ...failure.failure } };
    }
    const handler = this.handlers.get(method) ?? (() => true);
    return { status: 200, body: { ok: true, result: handler(payload, call) } };
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
