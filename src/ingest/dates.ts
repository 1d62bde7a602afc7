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

const LOCAL_DAY_PATTERNS: Array<{ pattern: RegExp; year: (y: string) => number }> = [
  // 2024-05-05, 2024/5/5, 2024.05.05, 2024年5月5日
  { pattern: /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)/g, year: Number },
  // [24-05-05] as on VSB list pages
  { pattern: /(?<!\d)(\d{2})-(\d{2})-(\d{2})(?!\d)/g, year: (y) => 2000 + Number(y) },
];

/**
 * The publication day written in a piece of text. Days written without a zone are local to
 * the site (Asia/Shanghai); instants with an explicit zone (RSS, Atom, meta tags) are converted.
 */
export function parseDay(text: string | undefined, timeZone = DEFAULT_TIME_ZONE): string | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ||
    /^[A-Z][a-z]{2}, /.test(trimmed)
  ) {
    const instant = new Date(trimmed);
    if (!Number.isNaN(instant.getTime())) return dayInZone(instant, timeZone);
  }
  for (const { pattern, year } of LOCAL_DAY_PATTERNS) {
    for (const match of trimmed.matchAll(pattern)) {
      const day = isoDay(year(match[1] ?? ""), Number(match[2]), Number(match[3]));
      if (day) return day;
    }
  }
  return undefined;
}

/** WebPlus puts the day in the path: `/2023/0203/c523a638472/page.htm`. */
export function dayFromUrl(url: string): string | undefined {
  const match = /\/(\d{4})\/(\d{2})(\d{2})\//.exec(url);
  if (!match) return undefined;
  return isoDay(Number(match[1]), Number(match[2]), Number(match[3]));
}
