import { HttpError, type Transformer } from "grammy";

export interface RetryPolicy {
  /** A 429 asking to wait longer than this is not waited out: the call fails and is logged. */
  maxWaitMs: number;
  /** Calls after the first, for 429s, Telegram's 5xx and network failures together. */
  retries: number;
  /** Telegram's `retry_after` and the backoff are divided by this; 1 except in tests. */
  timeScale: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxWaitMs: 10_000, retries: 3, timeScale: 1 };

const FIRST_BACKOFF_MS = 500;
/** Chats paused by a 429 are forgotten once the pause is over; checked when this many are kept. */
const PAUSED_CHATS_SWEEP = 1000;

/** grammY's signal (a shim's type on Node), as far as waiting needs it. */
interface Abortable {
  addEventListener(type: "abort", listener: () => void): void;
}

function sleep(ms: number, signal: Abortable | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function chatOf(payload: unknown): string | undefined {
  const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
  return typeof chatId === "number" || typeof chatId === "string" ? String(chatId) : undefined;
}

/**
 * Retries the bot's Telegram calls a bounded number of times: a 429 after its `retry_after`
 * (when that is short enough), a 5xx or a network failure after a backoff.
 *
 * Telegram's 429 concerns one chat, so the pause is kept per chat: the chat's next call waits
 * for it too instead of running into another 429. Only the update that made the call waits; as
 * updates are handled concurrently and in order only within a chat, other chats go on.
 */
export function retryTelegram(policy: RetryPolicy = DEFAULT_RETRY_POLICY): Transformer {
  const pausedUntil = new Map<string, number>();
  const pause = (chat: string, ms: number) => {
    const now = Date.now();
    if (pausedUntil.size >= PAUSED_CHATS_SWEEP) {
      for (const [other, until] of pausedUntil) if (until <= now) pausedUntil.delete(other);
    }
    pausedUntil.set(chat, Math.max(pausedUntil.get(chat) ?? 0, now + ms));
  };
  return async (prev, method, payload, signal) => {
    const chat = chatOf(payload);
    let backoffMs = FIRST_BACKOFF_MS / policy.timeScale;
    for (let retry = 0; ; retry++) {
      const paused = chat === undefined ? 0 : (pausedUntil.get(chat) ?? 0) - Date.now();
      if (paused > 0) await sleep(paused, signal);
      else if (chat !== undefined) pausedUntil.delete(chat);
      const canRetry = retry < policy.retries && !signal?.aborted;
      let result;
      try {
        result = await prev(method, payload, signal);
      } catch (error) {
        if (!(error instanceof HttpError) || !canRetry) throw error;
        await sleep(backoffMs, signal);
        backoffMs *= 2;
        continue;
      }
      if (result.ok || !canRetry) return result;
      const retryAfter = result.parameters?.retry_after;
      if (retryAfter !== undefined) {
        const waitMs = (retryAfter * 1000) / policy.timeScale;
        if (waitMs > policy.maxWaitMs) return result;
        if (chat === undefined) await sleep(waitMs, signal);
        else pause(chat, waitMs);
      } else if (result.error_code >= 500) {
        await sleep(backoffMs, signal);
        backoffMs *= 2;
      } else {
        return result;
      }
    }
  };
}
