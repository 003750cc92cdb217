// Working days (Monday to Friday) on calendar dates and local times of the organisation's time
// zone. Pure: callers convert instants with `localDateTime` of ./dates. Public holidays are not modelled.
import { addDays, dayOfWeek, type LocalDateTime } from "./dates";

export function isWorkingDay(date: string): boolean {
  const day = dayOfWeek(date);
  return day !== 0 && day !== 6;
}

/** The date `n` working days after `date` (n ≥ 0; with n = 0, the date itself). */
export function addWorkingDays(date: string, n: number): string {
  let current = date;
  let left = n;
  // Whole weeks first, so long spans do not walk day by day.
  if (left >= 5 && isWorkingDay(current)) {
    const weeks = Math.floor(left / 5);
    current = addDays(current, weeks * 7);
    left -= weeks * 5;
  }
  while (left > 0) {
    current = addDays(current, 1);
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
    while (!isWorkingDay(date)) date = addDays(date, 1);
    start = { date, minutes: 0 };
  }
  return { date: addWorkingDays(start.date, days), minutes: start.minutes };
}

/** True when more than `days` working days have passed between `since` and `now`. */
export function waitedMoreThan(since: LocalDateTime, now: LocalDateTime, days: number): boolean {
  return compare(now, workingDeadline(since, days)) > 0;
}
