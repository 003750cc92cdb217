// "What has worked" (issue 21 part 1). Pure rules: the
// proposal form, the suggestions queue and the tests share them.
//
// A gesture type's record for an occasion is its recorded responses: positive = thanked or
// positive feedback, against every other recorded response (neutral, no response, negative).
// Types are ranked by the Wilson score lower bound (95 %) of the positive share, so 1 of 1 does
// not outrank 40 of 50. Ties (same bound) go to the larger sample, then the lower cost per
// positive response, then the type's name, then its id: the order never depends on input order.

/** Below this many recorded responses a figure is marked "small sample". */
export const SMALL_SAMPLE = 20;
/** z for a two-sided 95 % interval. */
const Z = 1.959963984540054;

/** Wilson score interval lower bound of `positives` out of `n` (0 when n is 0). Within [0, p̂]. */
export function wilsonLowerBound(positives: number, n: number, z = Z): number {
  if (n <= 0) return 0;
  const p = Math.min(1, Math.max(0, positives / n));
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const bound = (centre - margin) / (1 + z2 / n);
  // Rounding can leave a hair below 0 or above p̂.
  return Math.min(p, Math.max(0, bound));
}

export type TypeRecord = {
  typeId: number;
  typeName: string;
  /** Recorded responses. */
  recorded: number;
  /** Thanked or positive feedback. */
  positive: number;
  /** Actual spend of the fulfilled gestures counted, minor units. */
  spent: number;
};

export type RankedType = TypeRecord & {
  bound: number;
  smallSample: boolean;
  /** Actual spend ÷ positive responses, minor units (null with no positive response). */
  costPerPositive: number | null;
};

export function costPerPositive(spent: number, positive: number): number | null {
  return positive > 0 ? Math.round(spent / positive) : null;
}

/** The types best first (see the header for the order). Types with no recorded response come last. */
export function rankGestureTypes(records: readonly TypeRecord[]): RankedType[] {
  return records
    .map((r) => ({ ...r, bound: wilsonLowerBound(r.positive, r.recorded), smallSample: r.recorded < SMALL_SAMPLE, costPerPositive: costPerPositive(r.spent, r.positive) }))
    .sort(
      (a, b) =>
        b.bound - a.bound ||
        b.recorded - a.recorded ||
        (a.costPerPositive ?? Infinity) - (b.costPerPositive ?? Infinity) ||
        (a.typeName < b.typeName ? -1 : a.typeName > b.typeName ? 1 : 0) ||
        a.typeId - b.typeId,
    );
}

/**
 * The suggestion score's "what has worked" part: 0 to 10 points from the best lower bound among
 * the occasion's gesture types (a well-answered occasion is worth acting on). 0 when nothing is
 * recorded; a small sample counts at half weight.
 */
export function workedPoints(best: RankedType | undefined): number {
  if (!best || best.recorded === 0) return 0;
  const points = best.bound * 10;
  return Math.round(best.smallSample ? points / 2 : points);
}

/** One line for a type: "31 of 40 customers responded well, $48.00 per positive response — small sample". */
export function describeRecord(r: RankedType, money: (minor: number) => string): string {
  if (r.recorded === 0) return "no responses recorded yet";
  const cost = r.costPerPositive === null ? "no positive response yet" : `${money(r.costPerPositive)} per positive response`;
  return `${r.positive} of ${r.recorded} customers responded well (thanked us or said something positive), ${cost}${r.smallSample ? " — small sample" : ""}`;
}
