// Words and rules of the spend and outcome reports, pure so the pages and the tests share them.
import type { Outcome } from "../../../db/schema";

/** The outcome words are fulfilment's, so every page names a response the same way. */
export { OUTCOME_LABELS } from "../gestures/fulfilment-rules";

/** The outcomes that count as positive for "cost per positive outcome". */
export const POSITIVE_OUTCOMES = ["thanked", "positive_feedback"] as const satisfies readonly Outcome[];

/** Below this many cases a comparison is flagged as a small sample. */
export const SMALL_SAMPLE = 30;

/** Days after a signal in which later signals are counted for the comparison. */
export const FOLLOW_UP_DAYS = 180;

/** Later signals compared between customers who received a gesture and those who did not. */
export const LATER_SIGNALS = ["complaint", "survey_detractor", "survey_promoter"] as const;

/** Percent (whole number) of `part` in `whole`; 0 when there is nothing to divide. */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((part * 100) / whole) : 0;
}

/** Spend divided by positive outcomes, in whole minor units; null when nothing was positive. */
export function costPerPositive(spent: number, positive: number): number | null {
  return positive > 0 ? Math.round(spent / positive) : null;
}
