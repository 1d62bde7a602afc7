import { createRequire } from "node:module";

type ConvertText = (text: string) => string;

/** opencc-js's bundled typings do not resolve under NodeNext, so the one function used is typed here. */
const OpenCC = createRequire(import.meta.url)("opencc-js/t2cn") as {
  Converter: (options: { from: string; to: string }) => ConvertText;
};

/**
 * Character folding shared by documents and queries: full-width → half-width, ASCII case,
 * Traditional → Simplified, control characters → space.
 *
 * Folding is one UTF-16 unit for one unit, so an offset in the folded text is the same offset
 * in the original; snippets rely on that to mark matches in the text as it was written.
 * OpenCC's phrase tables are not used for that reason: character-level conversion is what
 * makes 華中科技大學 meet 华中科技大学, and it is applied to both sides alike.
 */
let foldTable: Uint16Array | undefined;

const CJK_RANGES: [number, number][] = [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
];

function buildFoldTable(): Uint16Array {
  const table = new Uint16Array(0x10000);
  for (let code = 0; code < table.length; code++) table[code] = code;
  for (let code = 0; code < 0x20; code++) table[code] = 0x20;
  table[0x7f] = 0x20;
  for (let code = 0x41; code <= 0x5a; code++) table[code] = code + 0x20;
  for (let code = 0xff01; code <= 0xff5e; code++) {
    const ascii = code - 0xfee0;
    table[code] = ascii >= 0x41 && ascii <= 0x5a ? ascii + 0x20 : ascii;
  }
  table[0x3000] = 0x20;
  // Zero-width characters and the BOM split words invisibly; treat them as spaces.
  for (const code of [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]) table[code] = 0x20;
  const fromHongKong = OpenCC.Converter({ from: "hk", to: "cn" });
  const fromTaiwan = OpenCC.Converter({ from: "tw", to: "cn" });
  for (const [low, high] of CJK_RANGES) {
    for (let code = low; code <= high; code++) {
      const original = String.fromCharCode(code);
      const simplified = fromTaiwan(fromHongKong(original));
      if (simplified.length === 1 && simplified !== original) table[code] = simplified.charCodeAt(0);
    }
  }
  return table;
}

function getFoldTable(): Uint16Array {
  foldTable ??= buildFoldTable();
  return foldTable;
}

/** Folds text for matching; the result has exactly the same length as the input. */
export function fold(text: string): string {
  const table = getFoldTable();
  // Most queries and many texts need no change: look for one before allocating anything.
  let first = 0;
  while (first < text.length && table[text.charCodeAt(first)] === text.charCodeAt(first)) first++;
  if (first === text.length) return text;
  // Written as UTF-16LE bytes and decoded natively: String.fromCharCode over the codes took about a
  // sixth of documentTerms' time. Byte by byte so that it holds on any endianness.
  const bytes = Buffer.allocUnsafe(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const folded = table[text.charCodeAt(i)]!;
    bytes[2 * i] = folded & 0xff;
    bytes[2 * i + 1] = folded >>> 8;
  }
  return bytes.toString("utf16le");
}

/**
 * One shared string per character. Cutting a character out of a text makes a new string each
 * time (V8 shares only Latin-1 ones); tokenizing makes one for every unknown character of every
 * article, and a shared one also keeps its hash for the set lookups that follow.
 */
const characterStrings = new Array<string>(0x10000).fill("");

export function characterString(code: number): string {
  let string = characterStrings[code]!;
  if (string === "") string = characterStrings[code] = String.fromCharCode(code);
  return string;
}

export function isHan(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff)
  );
}

/** Latin letters and digits after folding (lower case only). */
export function isAlnum(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
}
