/**
 * Dates written in Chinese news and chat (2024年5月5日, 2024-05-05, 2024.5.5, 5月5日, 去年,
 * 最近一个月) reduced to calendar values. Works on folded text (half-width digits).
 */

export interface DateMention {
  start: number;
  end: number;
  year: number;
  /** 1-12, absent for a bare year. */
  month?: number;
  day?: number;
  /** The year was not written (5月16日) and comes from the context. */
  yearImplied?: boolean;
}

/** A month and day written without a year, in an article whose own date is unknown. */
export interface MonthDay {
  month: number;
  day: number;
}

const MIN_YEAR = 1949;
const MAX_YEAR = 2099;

const FULL_DATE =
  /(\d{4})\s*(?:年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?|[-./](\d{1,2})(?:[-./](\d{1,2}))?)|(\d{4})\s*年|(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g;

function isDigitAt(text: string, index: number): boolean {
  const code = index >= 0 && index < text.length ? text.charCodeAt(index) : 0;
  return code >= 0x30 && code <= 0x39;
}

function validMonth(month: number | undefined): boolean {
  return month === undefined || (month >= 1 && month <= 12);
}

function validDay(day: number | undefined): boolean {
  return day === undefined || (day >= 1 && day <= 31);
}

function toInt(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number.parseInt(text, 10);
}

/** The matches of FULL_DATE that stand on their own, not inside a longer number. */
function* dateMatches(text: string): Generator<RegExpExecArray> {
  for (const match of text.matchAll(FULL_DATE)) {
    const end = match.index + match[0].length;
    if (!isDigitAt(text, match.index - 1) && !isDigitAt(text, end)) yield match;
  }
}

/** Months and days written without a year (12月9日下午). */
export function findMonthDays(text: string): MonthDay[] {
  const found: MonthDay[] = [];
  for (const match of dateMatches(text)) {
    const month = toInt(match[7]);
    const day = toInt(match[8]);
    if (month !== undefined && day !== undefined && validMonth(month) && validDay(day))
      found.push({ month, day });
  }
  return found;
}

/**
 * Finds date mentions. A month and day without a year (5月16日) take `contextYear`, the year the
 * article was published, and are skipped when it is unknown.
 */
export function findDates(text: string, contextYear?: number): DateMention[] {
  const found: DateMention[] = [];
  for (const match of dateMatches(text)) {
    const start = match.index;
    const end = start + match[0].length;
    let year: number | undefined;
    let month: number | undefined;
    let day: number | undefined;
    if (match[1] !== undefined) {
      year = toInt(match[1]);
      month = toInt(match[2] ?? match[4]);
      day = toInt(match[3] ?? match[5]);
    } else if (match[6] !== undefined) {
      year = toInt(match[6]);
    } else {
      year = contextYear;
      month = toInt(match[7]);
      day = toInt(match[8]);
    }
    if (year === undefined || year < MIN_YEAR || year > MAX_YEAR) continue;
    if (!validMonth(month) || !validDay(day)) continue;
    const mention: DateMention = { start, end, year };
    if (match[7] !== undefined) mention.yearImplied = true;
    if (month !== undefined) mention.month = month;
    if (month !== undefined && day !== undefined) mention.day = day;
    found.push(mention);
  }
  return found;
}

const pad2 = (value: number): string => String(value).padStart(2, "0");

export function isoDay(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Days in a month, month 1-12. */
function monthLength(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export interface DateRange {
  from: string;
  to: string;
  /** Index term of the calendar year or month named, so that a date in the text also counts. */
  calendarTerm?: string;
  /** Index term of the month named, in any year: see `monthDayTerms`. */
  yearlessTerm?: string;
}

export function mentionRange(mention: DateMention): DateRange {
  const { year, month, day } = mention;
  if (month === undefined)
    return { from: isoDay(year, 1, 1), to: isoDay(year, 12, 31), calendarTerm: yearTerm(year) };
  if (day === undefined) {
    return {
      from: isoDay(year, month, 1),
      to: isoDay(year, month, monthLength(year, month)),
      calendarTerm: monthTerm(year, month),
      yearlessTerm: yearlessMonthTerm(month),
    };
  }
  // A named day is usually the day of the event; the article follows within days.
  const start = new Date(Date.UTC(year, month - 1, day - 1));
  const end = new Date(Date.UTC(year, month - 1, day + 7));
  return {
    from: start.toISOString().slice(0, 10),
    to: end.toISOString().slice(0, 10),
    calendarTerm: monthTerm(year, month),
    yearlessTerm: yearlessMonthTerm(month),
  };
}

export const DATE_TERM_PREFIX = "\u0001";

export function yearTerm(year: number): string {
  return `${DATE_TERM_PREFIX}y${year}`;
}

export function monthTerm(year: number, month: number): string {
  return `${DATE_TERM_PREFIX}m${year}${pad2(month)}`;
}

export function dayTerm(year: number, month: number, day: number): string {
  return `${DATE_TERM_PREFIX}d${year}${pad2(month)}${pad2(day)}`;
}

function yearlessMonthTerm(month: number): string {
  return `${DATE_TERM_PREFIX}n${pad2(month)}`;
}

/**
 * Index terms for a month and day of an article whose year is unknown: the month in any year, and
 * the day. A question's date meets them (see DateRange) where the article's topic fixes the year.
 */
export function monthDayTerms({ month, day }: MonthDay): string[] {
  return [yearlessMonthTerm(month), `${DATE_TERM_PREFIX}n${pad2(month)}${pad2(day)}`];
}

/** Index terms for a mention: its year, month and day, so that any precision meets any other. */
export function mentionTerms(mention: DateMention): string[] {
  const terms = [yearTerm(mention.year)];
  if (mention.month !== undefined) terms.push(monthTerm(mention.year, mention.month));
  if (mention.month !== undefined && mention.day !== undefined) {
    terms.push(dayTerm(mention.year, mention.month, mention.day));
  }
  return terms;
}

interface RelativePeriod {
  pattern: RegExp;
  range: (now: Date) => DateRange;
}

function daysBack(now: Date, days: number): DateRange {
  const from = new Date(now.getTime() - days * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: now.toISOString().slice(0, 10) };
}

function calendarYear(year: number): DateRange {
  return { from: isoDay(year, 1, 1), to: isoDay(year, 12, 31), calendarTerm: yearTerm(year) };
}

function calendarMonth(year: number, month: number): DateRange {
  const normalisedYear = month < 1 ? year - 1 : year;
  const normalisedMonth = month < 1 ? month + 12 : month;
  return mentionRange({ start: 0, end: 0, year: normalisedYear, month: normalisedMonth });
}

// Article publication days are in Asia/Shanghai; so is the user's sense of "this month".
function shanghai(now: Date): { year: number; month: number } {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
}

const RELATIVE_PERIODS: RelativePeriod[] = [
  { pattern: /(?:最近|近)(?:一|1)?(?:周|星期|个星期)|这(?:一)?周|本周/, range: (now) => daysBack(now, 7) },
  { pattern: /(?:最近|近)(?:一|1)个?月|这(?:一)?个月|本月|当月/, range: (now) => daysBack(now, 31) },
  { pattern: /(?:最近|近)(?:两|二|2)个月/, range: (now) => daysBack(now, 62) },
  { pattern: /(?:最近|近)(?:三|3)个月|近一季度|最近一个季度/, range: (now) => daysBack(now, 92) },
  { pattern: /(?:最近|近)半年/, range: (now) => daysBack(now, 183) },
  { pattern: /(?:最近|近)(?:一|1)年/, range: (now) => daysBack(now, 366) },
  {
    pattern: /上个?月/,
    range: (now) => {
      const { year, month } = shanghai(now);
      return calendarMonth(year, month - 1);
    },
  },
  { pattern: /前年/, range: (now) => calendarYear(shanghai(now).year - 2) },
  { pattern: /去年/, range: (now) => calendarYear(shanghai(now).year - 1) },
  { pattern: /今年|本年度?/, range: (now) => calendarYear(shanghai(now).year) },
];

export interface QueryDate {
  range: DateRange;
  /** Spans of the query text that expressed the date, to be removed before matching words. */
  spans: [number, number][];
}

/** The date constraint a chat query expresses, if any; the last one written wins. */
export function parseQueryDate(text: string, now: Date): QueryDate | undefined {
  let result: QueryDate | undefined;
  const spans: [number, number][] = [];
  const local = new Date(now.getTime() + 8 * 3_600_000);
  const today = local.toISOString().slice(0, 10);
  for (const mention of findDates(text, local.getUTCFullYear())) {
    // A day asked about without a year (12月9日) is the last one that has passed.
    const future = isoDay(mention.year, mention.month ?? 1, mention.day ?? 1) > today;
    const dated = mention.yearImplied && future ? { ...mention, year: mention.year - 1 } : mention;
    spans.push([mention.start, mention.end]);
    result = { range: mentionRange(dated), spans };
  }
  for (const period of RELATIVE_PERIODS) {
    const match = period.pattern.exec(text);
    if (!match) continue;
    spans.push([match.index, match.index + match[0].length]);
    result ??= { range: period.range(now), spans };
  }
  return result;
}
