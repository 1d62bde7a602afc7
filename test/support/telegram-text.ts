/**
 * The checks the real Bot API makes of text before sending it, with its error descriptions, for
 * the fake Bot API: HTML parsed as Telegram parses it, lengths counted in UTF-16 code units after
 * parsing, and strings that are not valid Unicode refused.
 */

/** Telegram's limits, counted after entity parsing. */
export const TELEGRAM_LIMITS = {
  messageText: 4096,
  caption: 1024,
  callbackData: 64,
  callbackAnswer: 200,
  inlineResults: 50,
  inlineResultId: 64,
} as const;

const SUPPORTED_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "a",
  "code",
  "pre",
  "span",
  "tg-spoiler",
  "tg-emoji",
  "blockquote",
]);

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

const byteOffset = (text: string, index: number) => Buffer.byteLength(text.slice(0, index));

/** The text Telegram shows for an HTML message, or the reason it refuses to parse it. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const open: string[] = [];
  let text = "";
  let i = 0;
  const fail = (reason: string) => ({ error: `Bad Request: can't parse entities: ${reason}` });
  while (i < html.length) {
    const c = html[i];
    if (c === "&") {
      const entity = /^&(?:#(\d{1,7})|#x([\da-f]{1,6})|([a-z]+));/i.exec(html.slice(i));
      const decoded = entity
        ? entity[1] !== undefined || entity[2] !== undefined
          ? String.fromCodePoint(
              Math.min(Number.parseInt(entity[1] ?? entity[2] ?? "", entity[1] ? 10 : 16), 0x10ffff),
            )
          : NAMED_ENTITIES[(entity[3] ?? "").toLowerCase()]
        : undefined;
      // Like Telegram, an `&` that starts no known entity is kept as it is.
      text += decoded ?? "&";
      i += decoded !== undefined && entity ? entity[0].length : 1;
      continue;
    }
    if (c !== "<") {
      text += c;
      i += 1;
      continue;
    }
    const end = html.indexOf(">", i);
    if (end < 0) return fail(`Unclosed start tag at byte offset ${byteOffset(html, i)}`);
    const tag = html.slice(i + 1, end);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim().toLowerCase();
      const expected = open.pop();
      if (expected !== name) {
        return fail(
          expected
            ? `Unmatched end tag at byte offset ${byteOffset(html, i)}, expected "</${expected}>", found "</${name}>"`
            : `Unexpected end tag at byte offset ${byteOffset(html, i)}`,
        );
      }
    } else {
      const name = (/^[a-z-]*/i.exec(tag)?.[0] ?? "").toLowerCase();
      if (!SUPPORTED_TAGS.has(name)) {
        return fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(html, i)}`);
      }
      open.push(name);
    }
    i = end + 1;
  }
  const unclosed = open.pop();
  if (unclosed) return fail(`Can't find end tag corresponding to start tag "${unclosed}"`);
  if (/\p{Cs}/u.test(text)) {
    return fail(
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    );
  }
  return { text };
}

/** Whether any string anywhere in a JSON value holds a lone surrogate, which is not Unicode. */
export function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return /\p{Cs}/u.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value && typeof value === "object") return Object.values(value).some(hasLoneSurrogate);
  return false;
}

interface Refusal {
  error_code: 400;
  description: string;
}

const badRequest = (reason: string): Refusal => ({ error_code: 400, description: `Bad Request: ${reason}` });

/** Parses a text or caption as Telegram would with the payload's parse mode; the visible text or the refusal. */
function visibleText(text: string, parseMode: unknown): { text: string } | { error: string } {
  return parseMode === "HTML" ? parseTelegramHtml(text) : { text };
}

function checkText(
  value: unknown,
  parseMode: unknown,
  limit: number,
  tooLong: string,
  emptyAllowed: boolean,
): Refusal | undefined {
  if (value === undefined) return emptyAllowed ? undefined : badRequest("message text is empty");
  const parsed = visibleText(typeof value === "string" ? value : JSON.stringify(value), parseMode);
  if ("error" in parsed) return { error_code: 400, description: parsed.error };
  const shown = parsed.text.trim();
  if (!emptyAllowed && shown.length === 0) return badRequest("message text is empty");
  return shown.length > limit ? badRequest(tooLong) : undefined;
}

function checkKeyboard(markup: unknown): Refusal | undefined {
  const rows = (markup as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)
    ?.inline_keyboard;
  const tooLong = rows
    ?.flat()
    .some((button) => Buffer.byteLength(button.callback_data ?? "") > TELEGRAM_LIMITS.callbackData);
  return tooLong ? badRequest("BUTTON_DATA_INVALID") : undefined;
}

function checkInlineResults(results: unknown): Refusal | undefined {
  const list = (results ?? []) as Array<{
    id?: string;
    input_message_content?: { message_text?: string; parse_mode?: string };
    reply_markup?: unknown;
  }>;
  if (list.length > TELEGRAM_LIMITS.inlineResults) return badRequest("RESULTS_TOO_MUCH");
  for (const result of list) {
    if (Buffer.byteLength(result.id ?? "") > TELEGRAM_LIMITS.inlineResultId)
      return badRequest("RESULT_ID_INVALID");
    const content = result.input_message_content;
    const refusal =
      (content &&
        checkText(
          content.message_text,
          content.parse_mode,
          TELEGRAM_LIMITS.messageText,
          "MESSAGE_TOO_LONG",
          false,
        )) ??
      checkKeyboard(result.reply_markup);
    if (refusal) return refusal;
  }
  return undefined;
}

/** What the real Bot API would answer 400 to in this call, or `undefined` when it would accept it. */
export function telegramRefusal(method: string, payload: Record<string, unknown>): Refusal | undefined {
  if (hasLoneSurrogate(payload)) return badRequest("strings must be encoded in UTF-8");
  const { parse_mode: parseMode } = payload;
  switch (method) {
    case "sendMessage":
    case "editMessageText":
      return (
        checkText(payload.text, parseMode, TELEGRAM_LIMITS.messageText, "message is too long", false) ??
        checkKeyboard(payload.reply_markup)
      );
    case "sendPhoto":
    case "sendDocument":
    case "editMessageCaption":
      return (
        checkText(payload.caption, parseMode, TELEGRAM_LIMITS.caption, "message caption is too long", true) ??
        checkKeyboard(payload.reply_markup)
      );
    case "editMessageReplyMarkup":
      return checkKeyboard(payload.reply_markup);
    case "answerCallbackQuery":
      return typeof payload.text === "string" && payload.text.length > TELEGRAM_LIMITS.callbackAnswer
        ? badRequest("MESSAGE_TOO_LONG")
        : undefined;
    case "answerInlineQuery":
      return checkInlineResults(payload.results);
    default:
      return undefined;
  }
}
