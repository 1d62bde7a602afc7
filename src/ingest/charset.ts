import { isAscii, isUtf8, transcode } from "node:buffer";
import iconv from "iconv-lite";

/** Chinese sites label GBK pages as gb2312 or gbk; GB18030 decodes all of them. */
const ALIASES: Record<string, string> = {
  gb2312: "gb18030",
  gbk: "gb18030",
  "x-gbk": "gb18030",
  gb_2312: "gb18030",
  "gb_2312-80": "gb18030",
  cp936: "gb18030",
  utf8: "utf-8",
};

function normaliseLabel(label: string | undefined): string | undefined {
  const lower = label
    ?.trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  if (!lower) return undefined;
  const name = ALIASES[lower] ?? lower;
  return iconv.encodingExists(name) ? name : undefined;
}

function fromContentType(contentType: string | undefined): string | undefined {
  return normaliseLabel(/charset\s*=\s*([^;\s]+)/i.exec(contentType ?? "")?.[1]);
}

/** `<meta charset>`, `<meta http-equiv content="…charset=…">` or `<?xml encoding>` near the top. */
function fromMarkup(head: string): string | undefined {
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head)?.[1];
  const xml = /^\s*<\?xml[^>]+encoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1];
  return normaliseLabel(meta ?? xml);
}

/**
 * The text, when the bytes are valid UTF-8, without a leading byte order mark. Checked by
 * `isUtf8` and converted by ICU through UTF-16: on pages where Chinese text and ASCII markup
 * alternate this takes under half the time of `TextDecoder` or `toString("utf8")` on Node 20,
 * and decoding was a tenth of the time spent extracting an article.
 */
function asUtf8(bytes: Buffer): string | undefined {
  if (!isUtf8(bytes)) return undefined;
  const text = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return transcode(text, "utf8", "utf16le").toString("utf16le");
}

/** What the page says it is: BOM, then HTTP header, then markup. */
function declaredCharset(bytes: Buffer, contentType: string | undefined): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  return fromContentType(contentType) ?? fromMarkup(bytes.subarray(0, 2048).toString("latin1"));
}

/** Single-byte Western labels: servers' defaults, never what a Chinese page with high bytes holds. */
const WESTERN = /^(iso-8859-\d+|windows-125\d|us-ascii|ascii|latin1)$/;

/**
 * The encoding a page is decoded with. Bytes that are valid UTF-8 (and not plain ASCII) are
 * UTF-8 whatever the page claims: CMS templates keep a `gb2312` meta after a site moved to UTF-8,
 * and GBK text is almost never valid UTF-8. Otherwise what the page declares, unless that is
 * nothing, UTF-8 or a Western single-byte label: GBK sites that say nothing or the wrong thing.
 */
export function decodePageBytes(bytes: Buffer, contentType?: string): { charset: string; text: string } {
  const ascii = isAscii(bytes);
  const utf8 = ascii ? undefined : asUtf8(bytes);
  if (utf8 !== undefined) return { charset: "utf-8", text: utf8.replace(/^\ufeff/, "") };
  const declared = declaredCharset(bytes, contentType);
  const charset =
    declared === undefined || declared === "utf-8" || WESTERN.test(declared)
      ? ascii
        ? "utf-8"
        : "gb18030"
      : declared;
  return { charset, text: iconv.decode(bytes, charset).replace(/^\ufeff/, "") };
}

export function detectCharset(bytes: Buffer, contentType?: string): string {
  return decodePageBytes(bytes, contentType).charset;
}

export function decodeBody(bytes: Buffer, contentType?: string): string {
  return decodePageBytes(bytes, contentType).text;
}
