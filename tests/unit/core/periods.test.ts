// Calendar dates in the organisation's time zone: where a day begins, also across clock changes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, localDate, startOfLocalDay } from "~/domain/core/dates";

describe("startOfLocalDay", () => {
  it("is local midnight on ordinary days and on the days the clocks change", () => {
    expect(startOfLocalDay("2026-11-23", "America/New_York").toISOString()).toBe("2026-11-23T05:00:00.000Z");
    expect(startOfLocalDay("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfLocalDay("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(startOfLocalDay("2026-07-01", "Europe/London").toISOString()).toBe("2026-06-30T23:00:00.000Z");
    expect(startOfLocalDay("2026-07-01", "Pacific/Kiritimati").toISOString()).toBe("2026-06-30T10:00:00.000Z");
  });

  it("is the first instant of that date, whatever the date and zone (property)", () => {
    const zones = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "America/Santiago", "Pacific/Chatham"];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3650 }), fc.constantFrom(...zones), (offset, zone) => {
        const date = addDays("2020-01-01", offset);
        const start = startOfLocalDay(date, zone);
        expect(localDate(start, zone)).toBe(date);
        expect(localDate(new Date(start.getTime() - 1), zone) < date).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
