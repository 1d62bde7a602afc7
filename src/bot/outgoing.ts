import type { Api, Transformer } from "grammy";
import type { Logger } from "../logger.ts";

/** Telegram's limits on what a bot sends, in UTF-16 code units after entity parsing. */
export const TELEGRAM_TEXT_LIMITS = { text: 4096, caption: 1024, callbackAnswer: 200 } as const;

/** Lone halves of surrogate pairs: not Unicode, and the Bot API refuses any string holding one. */
const LONE_SURROGATE = /\p{Cs}/gu;

export function removeLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATE, "");
}

/** Cuts plain text to `limit` UTF-16 units, never between the halves of a pair, marking the cut. */
export function clipUnits(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = limit - 1;
  if (/[\uDC00-\uDFFF]/.test(text[cut] ?? "")) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** A copy of a payload without lone surrogates in any string; files and other objects pass as they are. */
function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return removeLoneSurrogates(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)]));
  return value;
}

const ENTITY = /&(?:#(\d{1,7})|#x([\da-f]{1,6})|(lt|gt|amp|quot));/gi;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const LINK = /<a\s[^<>]*?href="([^"]*)"[^<>]*>([\s\S]*?)<\/a>/gi;
const TAG = /<\/?[a-z][\w-]*(?:\s[^<>]*)?>/gi;

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name) return NAMED[name.toLowerCase()] ?? whole;
    const codePoint = decimal ? Number(decimal) : Number.parseInt(hex ?? "", 16);
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : "";
  });
}

/**
 * What an HTML message reads as without its markup: tags dropped, entities decoded, a link's
 * address written after its text (the link itself is lost), so that nothing shows a raw tag.
 */
export function htmlToPlainText(html: string): string {
  const withAddresses = html.replace(LINK, (_whole, href: string, label: string) => {
    const address = decodeEntities(href);
    const text = label.replace(TAG, "");
    return decodeEntities(text) === address ? text : `${text}（${href}）`;
  });
  return removeLoneSurrogates(decodeEntities(withAddresses.replace(TAG, "")));
}

const PARSE_ERROR = /can't parse entities/i;

/** The same call without formatting, or `undefined` when it had none to remove. */
function asPlainText(payload: Record<string, unknown>): Record<string, unknown> | undefined {
  if (payload.parse_mode === undefined) return undefined;
  const { parse_mode: parseMode, ...rest } = payload;
  const plain = (text: unknown, limit: number) => {
    const stripped = parseMode === "HTML" ? htmlToPlainText(String(text)) : String(text);
    return clipUnits(stripped, limit);
  };
  if (typeof rest.text === "string") rest.text = plain(rest.text, TELEGRAM_TEXT_LIMITS.text);
  if (typeof rest.caption === "string") rest.caption = plain(rest.caption, TELEGRAM_TEXT_LIMITS.caption);
  return rest;
}

/**
 * Keeps every call within what the Bot API accepts: strings well formed, plain texts and callback
 * answers within their limits.
 * Echoes of user input are shortened where they are written; this is the net under all of them.
 */
export function wellFormedPayloads(): Transformer {
  return (prev, method, payload, signal) => {
    const fixed = wellFormed(payload) as Record<string, unknown>;
    if (typeof fixed.text === "string") {
      // Formatted text cannot be cut blindly (a tag would break); its writers split it at items.
      if (method === "answerCallbackQuery")
        fixed.text = clipUnits(fixed.text, TELEGRAM_TEXT_LIMITS.callbackAnswer);
      else if (fixed.parse_mode === undefined) fixed.text = clipUnits(fixed.text, TELEGRAM_TEXT_LIMITS.text);
    }
    return prev(method, fixed as typeof payload, signal);
  };
}

/**
 * A message Telegram refuses for its formatting is sent again as plain text: the reader gets the
 * words without the bold and the links, rather than nothing.
 */
export function plainTextFallback(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok || result.error_code !== 400 || !PARSE_ERROR.test(result.description)) return result;
    const plain = asPlainText(payload);
    if (!plain) return result;
    logger.warn({ method, description: result.description }, "formatting refused; sending plain text");
    return prev(method, plain as typeof payload, signal);
  };
}

/** Every call leaves well formed; one refused for its formatting goes again as plain text. */
export function withOutgoingChecks<A extends Api>(api: A, logger: Logger): A {
  api.config.use(plainTextFallback(logger), wellFormedPayloads());
  return api;
}
