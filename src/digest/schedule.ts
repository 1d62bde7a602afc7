import type { DigestSchedule, Weekday } from "./subscription.ts";

export const WEEKDAY_NAMES = ["日", "一", "二", "三", "四", "五", "六"] as const;

/** The BullMQ Job Scheduler pattern (cron, read in `schedule.timezone`). */
export function cronPattern(schedule: DigestSchedule): string {
  return `${schedule.minute} ${schedule.hour} * * ${schedule.weekday ?? "*"}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function formatTime(schedule: Pick<DigestSchedule, "hour" | "minute">): string {
  return `${pad(schedule.hour)}:${pad(schedule.minute)}`;
}

/** "每天 08:00（Asia/Shanghai）" or "每周一 08:00（Asia/Shanghai）". */
export function describeSchedule(schedule: DigestSchedule): string {
  const days = schedule.weekday === undefined ? "每天" : `每周${WEEKDAY_NAMES[schedule.weekday]}`;
  return `${days} ${formatTime(schedule)}（${schedule.timezone}）`;
}

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: Weekday;
}

const WEEKDAY_INDEX: Record<string, Weekday> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function zonedParts(instant: number, timezone: string): ZonedParts {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    weekday: "short",
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "0";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    weekday: WEEKDAY_INDEX[get("weekday")] ?? 0,
  };
}

/** The instant at which the wall clock in `timezone` shows the given local time. */
function zonedTimeToInstant(local: Omit<ZonedParts, "weekday">, timezone: string): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  let instant = asUtc;
  // Two rounds settle the offset even when the guess falls on the other side of a DST change.
  for (let round = 0; round < 2; round++) {
    const seen = zonedParts(instant, timezone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    instant += asUtc - seenAsUtc;
  }
  return instant;
}

/** The first time strictly after `now` at which the schedule fires. */
export function nextRun(schedule: DigestSchedule, now: Date): Date {
  const today = zonedParts(now.getTime(), schedule.timezone);
  for (let offset = 0; offset <= 8; offset++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const weekday = day.getUTCDay() as Weekday;
    if (schedule.weekday !== undefined && weekday !== schedule.weekday) continue;
    const instant = zonedTimeToInstant(
      {
        year: day.getUTCFullYear(),
        month: day.getUTCMonth() + 1,
        day: day.getUTCDate(),
        hour: schedule.hour,
        minute: schedule.minute,
      },
      schedule.timezone,
    );
    if (instant > now.getTime()) return new Date(instant);
  }
  throw new Error(`no run found for ${cronPattern(schedule)} in ${schedule.timezone}`);
}

/** "2024-05-05 08:00" as the wall clock in `timezone` shows `instant`. */
export function formatLocal(instant: Date, timezone: string): string {
  const p = zonedParts(instant.getTime(), timezone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}
