// Budget periods as calendar dates ("2026-10-01") in the organisation's time zone; `endsOn` is
// exclusive. Pure, shared with the UI (labels). Every period starts on the first of a month.
// Day and month arithmetic comes from the one calendar module, ./dates.
import type { PeriodLength } from "../../../db/schema";
import { addMonths, firstOfMonth, formatIsoDate } from "../core/dates";

export type PeriodDates = { startsOn: string; endsOn: string; length: PeriodLength };

export const MONTHS_IN: Record<PeriodLength, number> = { month: 1, quarter: 3 };
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function parts(date: string): { year: number; month: number } {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
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
