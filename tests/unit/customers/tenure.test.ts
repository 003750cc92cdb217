// Tenure bands (issue 21, shared with the fairness report): the band as of a local date, at each boundary.
import { describe, expect, it } from "vitest";
import { tenureBandLabel, tenureBandOn, TENURE_BANDS } from "~/domain/customers/tenure";

describe("tenure bands", () => {
  it.each([
    ["2025-03-16", "2026-03-15", "under_1"], // a day short of a year
    ["2025-03-15", "2026-03-15", "1_to_3"], // the first anniversary
    ["2023-03-16", "2026-03-15", "1_to_3"],
    ["2023-03-15", "2026-03-15", "3_to_10"],
    ["2016-03-16", "2026-03-15", "3_to_10"],
    ["2016-03-15", "2026-03-15", "10_plus"],
    ["1990-01-01", "2026-03-15", "10_plus"],
    ["2026-03-15", "2026-03-15", "under_1"], // a customer since today
    // Leap day: the anniversary of 29 February falls on 1 March in a year without one.
    ["2024-02-29", "2025-02-28", "under_1"],
    ["2024-02-29", "2025-03-01", "1_to_3"],
    ["2023-02-28", "2024-02-29", "1_to_3"],
  ] as const)("a customer since %s, on %s, is in band %s", (since, on, band) => {
    expect(tenureBandOn(since, on)).toBe(band);
  });

  it("labels every band, in order from the newest customers", () => {
    expect(TENURE_BANDS.map((b) => tenureBandLabel(b.key))).toEqual(["Under 1 year", "1 to 3 years", "3 to 10 years", "10 years or more"]);
  });
});
