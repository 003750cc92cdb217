// Working days (Monday to Friday) on calendar dates and local times of the organisation's time
// zone. Pure: callers convert instants with `localDateTime`. Public holidays are not modelled.

/** A local date (YYYY-MM-DD) and minutes since its midnight (0–1439). */
export type LocalDateTime = { date: string; minutes: number };

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWorkingDay(date: string): boolean {
  const day = dayOfWeek(date);
  return day !== 0 && day !== 6;
}

export function addCalendarDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** The date `n` working days after `date` (n ≥ 0; with n = 0, the date itself). */
export function addWorkingDays(date: string, n: number): string {
  let current = date;
  let left = n;
  // Whole weeks first, so long spans do not walk day by day.
  if (left >= 5 && isWorkingDay(current)) {
    const weeks = Math.floor(left / 5);
    current = addCalendarDays(current, weeks * 7);
    left -= weeks * 5;
  }
  while (left > 0) {
    current = addCalendarDays(current, 1);
    if (isWorkingDay(current)) left -= 1;
  }
  return current;
}

function compare(a: LocalDateTime, b: LocalDateTime): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.minutes - b.minutes;
}

/**
 * When something that started waiting at `since` has waited `days` working days: the same local
 * time `days` working days later. Waiting that starts on a weekend starts on Monday at midnight.
 */
export function workingDeadline(since: LocalDateTime, days: number): LocalDateTime {
  let start = since;
  if (!isWorkingDay(start.date)) {
    let date = start.date;
    while (!isWorkingDay(date)) date = addCalendarDays(date, 1);
    start = { date, minutes: 0 };
  }
  return { date: addWorkingDays(start.date, days), minutes: start.minutes };
}

/** True when more than `days` working days have passed between `since` and `now`. */
export function waitedMoreThan(since: LocalDateTime, now: LocalDateTime, days: number): boolean {
  return compare(now, workingDeadline(since, days)) > 0;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local date and minutes of an instant in a time zone. */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  let format = formats.get(timeZone);
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
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute) };
}
