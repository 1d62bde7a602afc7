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

function isUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The encoding of a page: HTTP header, then BOM, then markup, then whether it is valid UTF-8. */
export function detectCharset(bytes: Buffer, contentType?: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  const declared = fromContentType(contentType) ?? fromMarkup(bytes.subarray(0, 2048).toString("latin1"));
  if (declared === "utf-8" || declared === undefined) return isUtf8(bytes) ? "utf-8" : "gb18030";
  return declared;
}

export function decodeBody(bytes: Buffer, contentType?: string): string {
  const charset = detectCharset(bytes, contentType);
  if (charset === "utf-8") return bytes.toString("utf8").replace(/^\ufeff/, "");
  return iconv.decode(bytes, charset);
}
