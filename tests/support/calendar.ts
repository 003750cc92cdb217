// "Today" and other local dates for tests, in the organisation's time zone, through the app's one
// calendar module. A test never cuts a date out of `toISOString()`: that is the UTC date, a day
// ahead of New York for five hours every evening, and the app rightly checks dates against the
// organisation's own day.
import { addDays, addMonths, localDate, startOfLocalDay } from "~/domain/core/dates";

/** The time zone of the test organisation (tests/support/factories.ts) and of the demo seed. */
export const TEST_TIME_ZONE = "America/New_York";

/** The organisation's date at `now` (the real clock by default). */
export function localToday(now: Date = new Date(), timeZone: string = TEST_TIME_ZONE): string {
  return localDate(now, timeZone);
}

/** The organisation's date `days` days before `now`'s local date. */
export function localDaysAgo(days: number, now: Date = new Date(), timeZone: string = TEST_TIME_ZONE): string {
  return addDays(localDate(now, timeZone), -days);
}

/** Midday of a local date: an instant safely inside that day whatever the clock changes. */
export function localMidday(date: string, timeZone: string = TEST_TIME_ZONE): Date {
  return new Date(startOfLocalDay(date, timeZone).getTime() + 12 * 60 * 60 * 1000);
}

/** Midday of the 15th of the month `months` before the local month of `now` (a day well inside a past period). */
export function midMonthBefore(months: number, now: Date = new Date(), timeZone: string = TEST_TIME_ZONE): Date {
  return localMidday(`${addMonths(localDate(now, timeZone), -months).slice(0, 8)}15`, timeZone);
}
