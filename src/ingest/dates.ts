const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** The calendar day of an instant in a time zone, as `YYYY-MM-DD`. */
export function dayInZone(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function isoDay(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1990 || year > 2100) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return undefined;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** `24` is 2024 and `98` is 1998: a two-digit year is in this century unless that is the future. */
function fullYear(twoDigits: string): number {
  const year = 2000 + Number(twoDigits);
  return year > new Date().getUTCFullYear() + 1 ? year - 100 : year;
}

type DayParts = [year: number, month: number, day: number];
const inOrder =
  (year: (y: string) => number) =>
  (m: RegExpMatchArray): DayParts => [year(m[1] ?? ""), Number(m[2]), Number(m[3])];

const LOCAL_DAY_PATTERNS: Array<{ pattern: RegExp; parts: (match: RegExpMatchArray) => DayParts }> = [
  // 2024-05-05, 2024/5/5, 2024.05.05, 2024年5月5日, with one separator throughout: the
  // `2016年7.9分` (a film's score) a title opens with is no day.
  {
    pattern: /(\d{4})\s*(?:年\s*(\d{1,2})\s*月|([-/.])\s*(\d{1,2})\s*\3)\s*(\d{1,2})(?!\d)/g,
    parts: (m) => [Number(m[1]), Number(m[2] ?? m[4]), Number(m[5])],
  },
  // [24-05-05] as on VSB list pages, 24年5月5日
  { pattern: /(?<!\d)(\d{2})-(\d{2})-(\d{2})(?!\d)/g, parts: inOrder(fullYear) },
  { pattern: /(?<!\d)(\d{2})年(\d{1,2})月(\d{1,2})日/g, parts: inOrder(fullYear) },
  // 6/10/2021 as American-style metas write it (month first)
  {
    pattern: /(?<!\d)(\d{1,2})\/(\d{1,2})\/((?:19|20)\d{2})(?!\d)/g,
    parts: (m) => [Number(m[3]), Number(m[1]), Number(m[2])],
  },
  // 20240505
  { pattern: /(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)/g, parts: inOrder(Number) },
  // List entries that print the day apart from the year, in separate elements: `01/06 2023`,
  // `06 2023-01` (a big day over a small year-month), `2023-01 06`, `2026 01.16`.
  {
    pattern: /(?<!\d)(\d{1,2})[-/.](\d{1,2})\s+((?:19|20)\d{2})(?![\d-/.])/g,
    parts: (m) => [Number(m[3]), Number(m[1]), Number(m[2])],
  },
  {
    pattern: /(?<![\d-/.])(\d{1,2})\s*((?:19|20)\d{2})[-/.](\d{1,2})(?![\d-/.])/g,
    parts: (m) => [Number(m[2]), Number(m[3]), Number(m[1])],
  },
  { pattern: /(?<![\d-/.])((?:19|20)\d{2})[-/.](\d{1,2})\s+(\d{1,2})(?![\d-/.:])/g, parts: inOrder(Number) },
  { pattern: /(?<![\d-/.])((?:19|20)\d{2})\s+(\d{1,2})[-/.](\d{1,2})(?![\d-/.:])/g, parts: inOrder(Number) },
];

const MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split(" ");
const MONTH_NAME =
  "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const WEEKDAY = "(?:(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\\.?,?\\s+)?";
/** `Dec 28 Sat 2013` as blogs print it in separate spans, `December 28, 2013`, `28 Dec 2013`. */
const MONTH_FIRST = new RegExp(
  `\\b${MONTH_NAME}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+${WEEKDAY}(\\d{4})\\b`,
  "i",
);
const DAY_FIRST = new RegExp(`\\b(\\d{1,2})\\s+${MONTH_NAME},?\\s+(\\d{4})\\b`, "i");

/** Where each form puts the year, the month name and the day. */
const MONTH_NAME_FORMS = [
  { pattern: MONTH_FIRST, year: 3, month: 1, day: 2 },
  { pattern: DAY_FIRST, year: 3, month: 2, day: 1 },
];

function dayWithMonthName(text: string): string | undefined {
  for (const form of MONTH_NAME_FORMS) {
    const match = form.pattern.exec(text);
    const month = MONTHS.indexOf((match?.[form.month] ?? "").slice(0, 3).toLowerCase()) + 1;
    if (match) return isoDay(Number(match[form.year]), month, Number(match[form.day]));
  }
  return undefined;
}

/** The longest way a day is written (`2024 年 05 月 05 日`), to bound the search for an earlier one. */
const MAX_DATE_CHARS = 24;

const CHINESE_DIGITS = "〇一二三四五六七八九";

/** `二〇二四年五月十五日` → `2024年5月15日`; 零 and ○ are written for 〇 too. */
function withArabicNumerals(text: string): string {
  const number = (numeral: string): string => {
    if (!numeral.includes("十")) return [...numeral].map((c) => CHINESE_DIGITS.indexOf(c)).join("");
    const [tens, units] = numeral.split("十");
    return String(
      (tens ? CHINESE_DIGITS.indexOf(tens) : 1) * 10 + (units ? CHINESE_DIGITS.indexOf(units) : 0),
    );
  };
  return text.replace(
    /([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日/g,
    (_, year: string, month: string, day: string) =>
      `${number(year.replace(/[○零]/g, "〇"))}年${number(month)}月${number(day)}日`,
  );
}

/**
 * Whether `text` can hold a day in any form read here: each writes four digits or more, or 年
 * (`二〇二四年…`). Most texts a list page's rows hold have neither, and skip the patterns.
 */
function mayHoldDay(text: string): boolean {
  if (text.includes("年")) return true;
  let digits = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code >= 48 && code <= 57 && ++digits >= 4) return true;
  }
  return false;
}

/**
 * The publication day written in a piece of text. Days written without a zone are local to
 * the site (Asia/Shanghai); instants with an explicit zone (RSS, Atom, meta tags) are converted.
 */
export function parseDay(text: string | undefined, timeZone = DEFAULT_TIME_ZONE): string | undefined {
  if (!text) return undefined;
  // NFKC turns full-width digits and separators (２０２４／０５／０５) into ASCII ones.
  const normalised = text.normalize("NFKC");
  if (!mayHoldDay(normalised)) return undefined;
  const trimmed = withArabicNumerals(normalised.trim());
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ||
    /^[A-Z][a-z]{2}, /.test(trimmed)
  ) {
    const instant = new Date(trimmed);
    if (!Number.isNaN(instant.getTime())) return dayInZone(instant, timeZone);
  }
  // The first date written wins, whatever its form: a list entry's `07/29 2022` before the
  // `时间：2022.7.11` in its summary.
  let first: { at: number; day: string } | undefined;
  for (const { pattern, parts } of LOCAL_DAY_PATTERNS) {
    // Once a date is found, only an earlier one can win: read no further than where it ends.
    const before = first ? trimmed.slice(0, first.at + MAX_DATE_CHARS) : trimmed;
    for (const match of before.matchAll(pattern)) {
      if (first && match.index >= first.at) break;
      const day = isoDay(...parts(match));
      if (day) {
        first = { at: match.index, day };
        break;
      }
    }
  }
  if (first) return first.day;
  return /[a-z]{3}/i.test(trimmed) ? dayWithMonthName(trimmed) : undefined;
}

/** WebPlus puts the day in the path: `/2023/0203/c523a638472/page.htm`. */
export function dayFromUrl(url: string): string | undefined {
  // WebPlus /2023/0203/, media /2020/07-04/ and /2017-03/10/, TRS t20240505_ and /20240505/.
  const match =
    /\/((?:19|20)\d{2})[/-]?(\d{2})[/-]?(\d{2})\//.exec(url) ??
    /\/t((?:19|20)\d{2})(\d{2})(\d{2})_/.exec(url);
  if (!match) return undefined;
  return isoDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Whether a day can be a publication day: not more than a day after `now`. */
export function isPlausibleDay(day: string, now: Date): boolean {
  return Date.parse(`${day}T00:00:00+08:00`) <= now.getTime() + 24 * 3600 * 1000;
}
