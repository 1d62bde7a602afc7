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

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The text, when the bytes are valid UTF-8. */
function asUtf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** What the page says it is: BOM, then HTTP header, then markup. */
function declaredCharset(bytes: Buffer, contentType: string | undefined): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  return fromContentType(contentType) ?? fromMarkup(bytes.subarray(0, 2048).toString("latin1"));
}

/**
 * The encoding a page is decoded with: what it declares, unless that is UTF-8 (or nothing) and
 * the bytes are not valid UTF-8, as on GBK sites that declare nothing or the wrong thing.
 */
export function detectCharset(bytes: Buffer, contentType?: string): string {
  const declared = declaredCharset(bytes, contentType);
  if (declared !== undefined && declared !== "utf-8") return declared;
  return asUtf8(bytes) === undefined ? "gb18030" : "utf-8";
}

export function decodeBody(bytes: Buffer, contentType?: string): string {
  const declared = declaredCharset(bytes, contentType);
  if (declared !== undefined && declared !== "utf-8") return iconv.decode(bytes, declared);
  return (asUtf8(bytes) ?? iconv.decode(bytes, "gb18030")).replace(/^\ufeff/, "");
}
