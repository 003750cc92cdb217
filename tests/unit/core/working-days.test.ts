import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addWorkingDays, isWorkingDay, waitedMoreThan } from "~/domain/core/working-days";
import { addDays, daysBetween, localDateTime, type LocalDateTime } from "~/domain/core/dates";

// An independent oracle: walk minute-spans day by day and add up the minutes that fall on Monday
// to Friday. "More than two working days" means more than 2 × 1440 such minutes.
function workingMinutesBetween(from: LocalDateTime, to: LocalDateTime): number {
  let total = 0;
  let date = from.date;
  let startMinute = from.minutes;
  while (date <= to.date) {
    const endMinute = date === to.date ? to.minutes : 1440;
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday >= 1 && weekday <= 5 && endMinute > startMinute) total += endMinute - startMinute;
    date = addDays(date, 1);
    startMinute = 0;
  }
  return total;
}

// Every date from 2020-01-01 to 2030-12-31.
const dateArb = fc.integer({ min: 0, max: daysBetween("2020-01-01", "2030-12-31") }).map((n) => addDays("2020-01-01", n));
const localArb = fc.record({ date: dateArb, minutes: fc.integer({ min: 0, max: 1439 }) });

describe("working days", () => {
  it("Saturday and Sunday are not working days; Monday to Friday are", () => {
    // 2026-11-23 is a Monday.
    expect(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"].every(isWorkingDay)).toBe(true);
    expect(isWorkingDay("2026-11-28")).toBe(false);
    expect(isWorkingDay("2026-11-29")).toBe(false);
  });

  it("two working days after a Friday is the Tuesday", () => {
    expect(addWorkingDays("2026-11-27", 2)).toBe("2026-12-01");
    expect(addWorkingDays("2026-11-28", 1)).toBe("2026-11-30");
  });

  it("adding n working days lands on a working day, passes exactly n working days, and takes at most n + 2 ⌈n/5⌉ + 2 calendar days", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 60 }), (date, n) => {
        const result = addWorkingDays(date, n);
        expect(isWorkingDay(result)).toBe(true);
        let counted = 0;
        let calendarDays = 0;
        for (let d = addDays(date, 1); d <= result; d = addDays(d, 1)) {
          calendarDays += 1;
          if (isWorkingDay(d)) counted += 1;
        }
        expect(counted).toBe(n);
        expect(calendarDays).toBeLessThanOrEqual(n + 2 * Math.ceil(n / 5) + 2);
      }),
      { numRuns: 500 },
    );
  });

  it("an item waited more than two working days exactly when more than 2 × 24 working hours lie between its start and now", () => {
    fc.assert(
      fc.property(localArb, fc.integer({ min: 0, max: 14 * 1440 }), (since, elapsed) => {
        const nowDate = addDays(since.date, Math.floor((since.minutes + elapsed) / 1440));
        const now = { date: nowDate, minutes: (since.minutes + elapsed) % 1440 };
        expect(waitedMoreThan(since, now, 2)).toBe(workingMinutesBetween(since, now) > 2 * 1440);
      }),
      { numRuns: 2000 },
    );
  });

  it("once an item has waited long enough it stays overdue as time goes on", () => {
    fc.assert(
      fc.property(localArb, localArb, localArb, (since, a, b) => {
        const [earlier, later] = a.date < b.date || (a.date === b.date && a.minutes <= b.minutes) ? [a, b] : [b, a];
        if (waitedMoreThan(since, earlier, 2)) expect(waitedMoreThan(since, later, 2)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("a proposal submitted on Friday at 17:00 is due a reminder after Tuesday 17:00, not before; one from Saturday after Tuesday midnight", () => {
    const friday = { date: "2026-11-27", minutes: 17 * 60 };
    expect(waitedMoreThan(friday, { date: "2026-12-01", minutes: 17 * 60 }, 2)).toBe(false);
    expect(waitedMoreThan(friday, { date: "2026-12-01", minutes: 17 * 60 + 1 }, 2)).toBe(true);
    const saturday = { date: "2026-11-28", minutes: 10 * 60 };
    expect(waitedMoreThan(saturday, { date: "2026-12-01", minutes: 23 * 60 + 59 }, 2)).toBe(false);
    expect(waitedMoreThan(saturday, { date: "2026-12-02", minutes: 1 }, 2)).toBe(true);
  });

  it("local date and time follow the organisation's time zone", () => {
    // 03:30 UTC on a Tuesday is still Monday evening in New York.
    expect(localDateTime(new Date("2026-11-24T03:30:00Z"), "America/New_York")).toEqual({ date: "2026-11-23", minutes: 22 * 60 + 30 });
    expect(localDateTime(new Date("2026-11-24T00:00:00Z"), "UTC")).toEqual({ date: "2026-11-24", minutes: 0 });
  });
});
