// The clock sweep converts wall times in New York to instants (tests/clock-sweep.ts); a wrong
// conversion would quietly sweep the wrong minute, so the awkward cases are pinned here.
import { describe, expect, test } from "vitest";
import { zonedToUtc } from "../clock-sweep";

const NY = "America/New_York";

describe("zonedToUtc", () => {
  test("standard and daylight time", () => {
    expect(zonedToUtc("2026-12-31 23:59:00", NY).toISOString()).toBe("2027-01-01T04:59:00.000Z");
    expect(zonedToUtc("2027-07-01 00:01:00", NY).toISOString()).toBe("2027-07-01T04:01:00.000Z");
  });

  test("the repeated hour has two instants; fold picks one", () => {
    expect(zonedToUtc("2027-11-07 01:30:00", NY, "earlier").toISOString()).toBe("2027-11-07T05:30:00.000Z");
    expect(zonedToUtc("2027-11-07 01:30:00", NY, "later").toISOString()).toBe("2027-11-07T06:30:00.000Z");
  });

  test("a wall time in the spring-forward gap does not exist", () => {
    expect(() => zonedToUtc("2027-03-14 02:30:00", NY)).toThrow(/does not exist/);
    expect(zonedToUtc("2027-03-14 03:00:00", NY).toISOString()).toBe("2027-03-14T07:00:00.000Z");
  });
});
