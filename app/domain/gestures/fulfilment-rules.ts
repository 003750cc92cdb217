// The rules of fulfilment as plain functions (no database): what a fulfilment captures and
// releases, when an actual amount above the approved one needs approval again, when an approval
// expires and when an outcome is due, and the largest receipt. Shared by the server and the page.
import type { Outcome } from "../../../db/schema";
import { addLocalDays } from "../core/dates";

/** The largest receipt file: receipts.server.ts stops reading beyond it, the fulfilment form says so. */
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;

export const OUTCOME_LABELS: Record<Outcome, string> = {
  thanked: "Thanked us",
  positive_feedback: "Positive feedback",
  neutral: "Neutral",
  no_response: "No response",
  negative: "Negative",
};

/** How a recorded response reads: a negative one may be the customer asking for no more gestures. */
export function outcomeLabel(outcome: Outcome, askedNoGestures: boolean): string {
  return askedNoGestures ? "Asked not to receive gestures" : OUTCOME_LABELS[outcome];
}

/** How far above the approved amount an actual amount may go: the tolerance percent of it, rounded down to the cent. */
export function varianceAllowance(approved: number, tolerancePercent: number): number {
  if (approved <= 0 || tolerancePercent <= 0) return 0;
  // Integers stay exact: amounts are at most 10^11 and percents at most a few hundred.
  return Math.floor((approved * tolerancePercent) / 100);
}

export type FulfilmentFigures = {
  /** The amount approved and held (0 for a zero-cost gesture, which holds nothing). */
  approved: number;
  actual: number;
  tolerancePercent: number;
  /** The pool's available balance now, not counting this gesture's hold. */
  available: number;
};

export type FulfilmentVerdict =
  | { kind: "capture"; captured: number; released: number; extra: number }
  | { kind: "needs_reapproval"; difference: number; reason: "over_tolerance" | "over_available" };

/**
 * The variance rule. At or under the approved amount: capture the actual amount, release the rest.
 * Above it: captured when the excess is within the tolerance and the pool's available balance;
 * otherwise the gesture goes back to its approver with the difference.
 */
export function fulfilmentVerdict(f: FulfilmentFigures): FulfilmentVerdict {
  if (f.actual <= f.approved) return { kind: "capture", captured: f.actual, released: f.approved - f.actual, extra: 0 };
  const extra = f.actual - f.approved;
  if (extra > varianceAllowance(f.approved, f.tolerancePercent)) return { kind: "needs_reapproval", difference: extra, reason: "over_tolerance" };
  if (extra > f.available) return { kind: "needs_reapproval", difference: extra, reason: "over_available" };
  return { kind: "capture", captured: f.actual, released: 0, extra };
}

/**
 * When an approval made at `approvedAt` expires if still unfulfilled: the same local time
 * `expiryDays` days later in the organisation's time zone (not N × 24 hours, which moves by an hour
 * across a clock change).
 */
export function approvalExpiresAt(approvedAt: Date, expiryDays: number, timeZone: string): Date {
  return addLocalDays(approvedAt, expiryDays, timeZone);
}

export function approvalIsExpired(approvedAt: Date, expiryDays: number, now: Date, timeZone: string): boolean {
  return now.getTime() >= approvalExpiresAt(approvedAt, expiryDays, timeZone).getTime();
}

/** When a missing outcome of a gesture fulfilled at `fulfilledAt` is reminded: the same local time `followUpDays` days later. */
export function outcomeDueAt(fulfilledAt: Date, followUpDays: number, timeZone: string): Date {
  return addLocalDays(fulfilledAt, followUpDays, timeZone);
}

/** Whether a receipt must come with an actual amount. */
export function receiptRequired(actual: number, receiptRequiredAbove: number): boolean {
  return actual > receiptRequiredAbove;
}

/** A file name safe to show and to put in a Content-Disposition header: letters, digits, dot, dash, underscore, space. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._ -]+/g, "_")
    .replace(/^[.\s]+/, "")
    .trim()
    .slice(-120);
  return cleaned || "receipt";
}
