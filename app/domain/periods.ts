// Budget periods as calendar dates ("2026-10-01") in the organisation's time zone; `endsOn` is
// exclusive. Pure, shared with the UI (labels). Every period starts on the first of a month.
import type { PeriodLength } from "../../db/schema";

export type PeriodDates = { startsOn: string; endsOn: string; length: PeriodLength };

export const MONTHS_IN: Record<PeriodLength, number> = { month: 1, quarter: 3 };
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/**
 * The first instant of a calendar date in a time zone (midnight, or whenever the day begins when a
 * clock change skips midnight). A binary search over the hours in which it must lie (UTC-12 to UTC+14).
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  let low = Date.parse(`${date}T00:00:00Z`) - 15 * 3_600_000;
  let high = low + 28 * 3_600_000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localDate(new Date(middle), timeZone) >= date) high = middle;
    else low = middle;
  }
  return new Date(high);
}

function parts(date: string): { year: number; month: number } {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
}

function firstOfMonth(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01`;
}

export function addMonths(firstOfMonthDate: string, months: number): string {
  const { year, month } = parts(firstOfMonthDate);
  return firstOfMonth(year, month + months);
}

/** The calendar period (month, or quarter starting January, April, July, October) containing a date. */
export function periodContaining(date: string, length: PeriodLength): PeriodDates {
  const { year, month } = parts(date);
  const startMonth = length === "quarter" ? month - ((month - 1) % 3) : month;
  const startsOn = firstOfMonth(year, startMonth);
  return { startsOn, endsOn: addMonths(startsOn, MONTHS_IN[length]), length };
}

export function periodAfter(startsOn: string, length: PeriodLength): PeriodDates {
  return { startsOn, endsOn: addMonths(startsOn, MONTHS_IN[length]), length };
}

/** "Q4 2026", "November 2026", or "Feb – Apr 2026" for a quarter that does not start a calendar quarter. */
export function periodLabel(period: Pick<PeriodDates, "startsOn" | "endsOn">): string {
  const start = parts(period.startsOn);
  const last = parts(addMonths(period.endsOn, -1));
  const months = (last.year - start.year) * 12 + last.month - start.month + 1;
  if (months === 1) return `${MONTH_NAMES[start.month - 1]} ${start.year}`;
  if (months === 3 && (start.month - 1) % 3 === 0) return `Q${(start.month - 1) / 3 + 1} ${start.year}`;
  const short = (month: number) => MONTH_NAMES[month - 1]!.slice(0, 3);
  return start.year === last.year
    ? `${short(start.month)} – ${short(last.month)} ${start.year}`
    : `${short(start.month)} ${start.year} – ${short(last.month)} ${last.year}`;
}

/** "1 Oct – 31 Dec 2026": the first and last day of a period. */
export function periodRange(period: Pick<PeriodDates, "startsOn" | "endsOn">): string {
  return `${formatIsoDate(period.startsOn)} – ${formatIsoDate(period.endsOn, -1)}`;
}

/** "1 Oct 2026" for a YYYY-MM-DD date, moved by `days` (e.g. -1 for the last day before an exclusive end). */
export function formatIsoDate(date: string, days = 0): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return DAY_FORMAT.format(day);
}
const DAY_FORMAT = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
