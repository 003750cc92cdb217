import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  costPerPositive,
  describeRecord,
  rankGestureTypes,
  SMALL_SAMPLE,
  wilsonLowerBound,
  workedPoints,
  type TypeRecord,
} from "~/domain/feedback/what-worked";

const record = (typeId: number, positive: number, recorded: number, spent = 0, typeName = `Type ${typeId}`): TypeRecord => ({ typeId, typeName, positive, recorded, spent });
const sample = fc.integer({ min: 1, max: 2000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

describe("the Wilson lower bound", () => {
  it("known values: 1 of 1 is about 0.21, 40 of 50 about 0.67, nothing recorded is 0", () => {
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 3);
    expect(wilsonLowerBound(40, 50)).toBeCloseTo(0.6696, 3);
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(0, 10)).toBe(0);
  });

  it("lies within [0, p̂]", () => {
    fc.assert(
      fc.property(sample, ([k, n]) => {
        const b = wilsonLowerBound(k, n);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(k / n);
      }),
    );
  });

  it("grows with the successes at the same number of cases", () => {
    fc.assert(
      fc.property(sample, ([k, n]) => {
        fc.pre(k < n);
        expect(wilsonLowerBound(k + 1, n)).toBeGreaterThan(wilsonLowerBound(k, n));
      }),
    );
  });

  it("more cases at the same rate give a higher bound (for a rate above 0)", () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 2, max: 20 }), ([k, n], m) => {
        fc.pre(k > 0);
        expect(wilsonLowerBound(k * m, n * m)).toBeGreaterThan(wilsonLowerBound(k, n));
      }),
    );
  });
});

describe("ranking gesture types", () => {
  it("1 of 1 does not outrank 40 of 50; small samples are marked", () => {
    const ranked = rankGestureTypes([record(1, 1, 1, 5_000, "Card"), record(2, 40, 50, 200_000, "Flowers")]);
    expect(ranked.map((r) => r.typeName)).toEqual(["Flowers", "Card"]);
    expect(ranked.map((r) => r.smallSample)).toEqual([false, true]);
    expect(ranked[0]!.costPerPositive).toBe(5_000);
  });

  it(`"small sample" below ${SMALL_SAMPLE} recorded responses, not at it`, () => {
    const [below, at] = [rankGestureTypes([record(1, 5, SMALL_SAMPLE - 1)])[0]!, rankGestureTypes([record(1, 5, SMALL_SAMPLE)])[0]!];
    expect(below.smallSample).toBe(true);
    expect(at.smallSample).toBe(false);
  });

  it("ties: the same bound goes to the larger sample, then the lower cost per positive, then the name, then the id", () => {
    // Same counts, so the same bound and sample: cost decides, then name, then id.
    const ranked = rankGestureTypes([record(4, 3, 6, 9_000, "Alpha"), record(3, 3, 6, 3_000, "Zulu"), record(2, 3, 6, 9_000, "Alpha"), record(1, 3, 6, 9_000, "Beta")]);
    expect(ranked.map((r) => r.typeId)).toEqual([3, 2, 4, 1]);
    // Nothing recorded: bound 0 for both, the larger "sample" (0 = 0) ties, no cost: by name.
    expect(rankGestureTypes([record(8, 0, 0, 0, "B"), record(9, 0, 0, 0, "A")]).map((r) => r.typeId)).toEqual([9, 8]);
  });

  it("the order is the same whatever the input order, and sorted by bound", () => {
    const records = fc.uniqueArray(
      sample.chain(([k, n]) => fc.record({ typeId: fc.integer({ min: 1, max: 10_000 }), typeName: fc.constantFrom("Card", "Flowers", "Voucher"), positive: fc.constant(k), recorded: fc.constant(n), spent: fc.integer({ min: 0, max: 1_000_000 }) })),
      { selector: (r) => r.typeId, maxLength: 12 },
    );
    fc.assert(
      fc.property(records, (rs) => {
        const ranked = rankGestureTypes(rs);
        expect(rankGestureTypes([...rs].reverse()).map((r) => r.typeId)).toEqual(ranked.map((r) => r.typeId));
        for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.bound).toBeGreaterThanOrEqual(ranked[i]!.bound);
      }),
    );
  });

  it("cost per positive response is spend ÷ positives, none without a positive", () => {
    expect(costPerPositive(10_000, 3)).toBe(3_333);
    expect(costPerPositive(10_000, 0)).toBeNull();
  });

  it("says the figures in words, with the small sample", () => {
    const [r] = rankGestureTypes([record(1, 12, 15, 60_000, "Card")]);
    expect(describeRecord(r!, (m) => `$${(m / 100).toFixed(2)}`)).toBe(
      "12 of 15 customers responded well (thanked us or said something positive), $50.00 per positive response — small sample",
    );
  });

  it("the suggestion score's part: 0 to 10 points, half for a small sample, 0 with nothing recorded", () => {
    expect(workedPoints(undefined)).toBe(0);
    expect(workedPoints(rankGestureTypes([record(1, 0, 0)])[0])).toBe(0);
    expect(workedPoints(rankGestureTypes([record(1, 40, 50)])[0])).toBe(7);
    expect(workedPoints(rankGestureTypes([record(1, 10, 10)])[0])).toBe(4);
    fc.assert(fc.property(sample, ([k, n]) => {
      const p = workedPoints(rankGestureTypes([record(1, k, n)])[0]);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(10);
    }));
  });
});
