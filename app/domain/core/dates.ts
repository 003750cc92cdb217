// The one calendar module. A day, a month or a quarter belongs to the organisation's time zone: an
// instant becomes a local date (YYYY-MM-DD) only through `localDate`/`localDateTime`, and a local
// date becomes an instant only through `startOfLocalDay`. Arithmetic on dates (add days, months,
// years) is plain calendar arithmetic on the YYYY-MM-DD text, so daylight saving cannot shift it.
// Never cut a date out of `toISOString()`: that is the UTC date, a day ahead every evening in New
// York. Pure, shared with the UI.

/** A calendar date written YYYY-MM-DD. */
export type IsoDate = string;

/** A local date and minutes since its midnight (0–1439). */
export type LocalDateTime = { date: IsoDate; minutes: number };

const DAY_MS = 24 * 60 * 60 * 1000;

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone: "today" is `localDate(now, timeZone)`. */
export function localDate(instant: Date, timeZone: string): IsoDate {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/** The local date and minutes since local midnight of an instant in a time zone. */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    dateTimeFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute) };
}

/**
 * The first instant of a calendar date in a time zone (midnight, or whenever the day begins when a
 * clock change skips midnight). A binary search over the hours in which it must lie (UTC-12 to UTC+14).
 */
export function startOfLocalDay(date: IsoDate, timeZone: string): Date {
  let low = utcMidnight(date) - 15 * 3_600_000;
  let high = low + 28 * 3_600_000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (localDate(new Date(middle), timeZone) >= date) high = middle;
    else low = middle;
  }
  return new Date(high);
}

/**
 * The same local wall-clock time `days` calendar days later: "30 days after an approval at 10:00"
 * ends at 10:00 local, whichever clock change lies between (a local day lasts 23 to 25 hours).
 * A wall time that a clock change skips moves on by the change.
 */
export function addLocalDays(instant: Date, days: number, timeZone: string): Date {
  const { date, minutes } = localDateTime(instant, timeZone);
  const target = addDays(date, days);
  const belowMinute = ((instant.getTime() % 60_000) + 60_000) % 60_000;
  // Minutes after the day's start are wall-clock minutes unless a clock change came first that day.
  const guess = startOfLocalDay(target, timeZone).getTime() + minutes * 60_000;
  // The correction counts whole days too: a guess late in a spring-forward day can land on the next date.
  const seen = localDateTime(new Date(guess), timeZone);
  const corrected = guess + (daysBetween(seen.date, target) * 1440 + minutes - seen.minutes) * 60_000;
  const exact = localDateTime(new Date(corrected), timeZone);
  return new Date((exact.date === target && exact.minutes === minutes ? corrected : guess) + belowMinute);
}

/** The first instant after a local date ends: the start of the next day. */
export function endOfLocalDay(date: IsoDate, timeZone: string): Date {
  return startOfLocalDay(addDays(date, 1), timeZone);
}

// Date.parse, not Date.UTC, which reads years 0–99 as 1900–1999.
function utcMidnight(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** YYYY-MM-DD of a day counted in UTC milliseconds (a calendar day, not an instant of the organisation). */
function formatDay(ms: number): IsoDate {
  const day = new Date(ms);
  return `${String(day.getUTCFullYear()).padStart(4, "0")}-${String(day.getUTCMonth() + 1).padStart(2, "0")}-${String(day.getUTCDate()).padStart(2, "0")}`;
}

/** A calendar date moved by whole days (negative moves back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return formatDay(utcMidnight(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** 0 for Sunday to 6 for Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(utcMidnight(date)).getUTCDay();
}

/** The same month and day `years` later; 29 February becomes 1 March in a year without it. */
export function addYears(date: IsoDate, years: number): IsoDate {
  const day = new Date(0);
  day.setUTCFullYear(Number(date.slice(0, 4)) + years, Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return formatDay(day.getTime());
}

/** The first day of a month, for a month number that may run past December or before January. */
export function firstOfMonth(year: number, month: number): IsoDate {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01`;
}

/** The first of the month `months` after the month of `date`. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  return firstOfMonth(Number(date.slice(0, 4)), Number(date.slice(5, 7)) + months);
}

/** The same day `months` later (or earlier), on the month's last day when it is shorter: 31 January + 1 → 28 or 29 February. */
export function addCalendarMonths(date: IsoDate, months: number): IsoDate {
  const first = addMonths(date, months);
  const year = Number(first.slice(0, 4));
  const month = Number(first.slice(5, 7));
  const lastDay = daysBetween(first, firstOfMonth(year, month + 1));
  return `${first.slice(0, 8)}${String(Math.min(Number(date.slice(8, 10)), lastDay)).padStart(2, "0")}`;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isValidIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a month and day that exist in some year ("02-29" included), written MM-DD. */
export function isValidMonthDay(value: string): boolean {
  return /^\d{2}-\d{2}$/.test(value) && isValidIsoDate(`2024-${value}`);
}

function daysInMonth(year: number, month: number): number {
  const day = new Date(0);
  day.setUTCFullYear(year, month, 0);
  return day.getUTCDate();
}

const DAY_FORMAT = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "1 Oct 2026" for a YYYY-MM-DD date, moved by `days` (e.g. -1 for the last day before an exclusive end). */
export function formatIsoDate(date: IsoDate, days = 0): string {
  return DAY_FORMAT.format(new Date(utcMidnight(addDays(date, days))));
}
