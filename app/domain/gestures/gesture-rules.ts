// The policy checks of a proposal at submit, as a pure function over figures the workflow gathers
// (gatherProposalFigures in app/domain/gestures/proposals.server.ts). Pure, so the boundaries are
// property-tested without a database and the same wording reaches the form, the queue and the seed.
import type { GestureStatus, Occasion, Policy } from "../../../db/schema";
import { SIGNAL_KIND_LABELS } from "../customers/customer-rules";
import { formatMoney } from "../core/money";

/** Statuses that count toward caps and duplicates: pending, approved and spent gestures. */
export const COUNTING_STATUSES = ["submitted", "awaiting_finance", "approved", "needs_reapproval", "fulfilled", "closed"] as const satisfies readonly GestureStatus[];

export const GESTURE_STATUS_LABELS: Record<GestureStatus, string> = {
  draft: "Draft",
  submitted: "Waiting for approval",
  awaiting_finance: "Waiting for finance",
  approved: "Approved",
  returned: "Returned for changes",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
  cancelled: "Cancelled",
  expired: "Expired",
  needs_reapproval: "Needs approval again",
  fulfilled: "Fulfilled",
  closed: "Closed",
};

export const DELIVERY_LABELS = { in_branch: "In branch", post: "By post to the customer's address", courier: "By courier" } as const;

/** Which rule refused: tests and the queue's notes name it. */
export type PolicyRule =
  | "do_not_contact"
  | "erased"
  | "type_inactive"
  | "type_occasion"
  | "type_max"
  | "per_gesture_max"
  | "justification"
  | "customer_cap_amount"
  | "customer_cap_count"
  | "duplicate"
  | "staff_monthly_cap"
  | "period_closed";

export type PolicyRefusal = { rule: PolicyRule; message: string; field?: "amount" | "typeId" | "justification" | "occasion" };

export type ProposalFigures = {
  policy: Policy;
  currency: string;
  amount: number;
  occasion: Occasion;
  justification: string;
  type: { name: string; maxAmount: number; active: boolean; occasions: readonly Occasion[] };
  customer: { doNotContact: boolean; erased: boolean };
  /** Other counting gestures of the customer submitted in the last 12 months (this one excluded). */
  customerTwelveMonths: { amount: number; count: number };
  /** Another counting gesture for the same customer and occasion within the window, if any. */
  duplicate: { branchName: string; submittedOn: string } | null;
  /** The proposer's other counting gestures submitted this calendar month. */
  staffMonthAmount: number;
  /** The branch whose pool pays, and whether its current period is open. */
  branchName: string;
  periodOpen: boolean;
};

/** Every rule the proposal breaks, in the order a person would fix them; empty when it may be submitted. */
export function policyRefusals(f: ProposalFigures): PolicyRefusal[] {
  const money = (amount: number) => formatMoney(amount, f.currency);
  const p = f.policy;
  const refusals: PolicyRefusal[] = [];
  if (f.customer.erased) {
    refusals.push({ rule: "erased", message: "This customer was erased at their request; they receive no gesture." });
    return refusals;
  }
  if (f.customer.doNotContact) {
    refusals.push({ rule: "do_not_contact", message: "This customer asked not to be contacted; they receive no gesture." });
    return refusals;
  }
  if (!f.periodOpen) {
    refusals.push({ rule: "period_closed", message: `No budget period is open for ${f.branchName}; finance opens one.` });
  }
  if (!f.type.active) {
    refusals.push({ rule: "type_inactive", field: "typeId", message: `${f.type.name} is no longer in the catalogue. Choose another gesture.` });
  } else if (!f.type.occasions.includes(f.occasion)) {
    refusals.push({
      rule: "type_occasion",
      field: "typeId",
      message: `${f.type.name} does not suit ${SIGNAL_KIND_LABELS[f.occasion].toLowerCase()}. Choose one of the gestures listed for this occasion.`,
    });
  }
  if (f.amount > f.type.maxAmount) {
    refusals.push({ rule: "type_max", field: "amount", message: `${f.type.name} may cost at most ${money(f.type.maxAmount)}; this asks for ${money(f.amount)}.` });
  }
  if (f.amount > p.perGestureMax) {
    refusals.push({ rule: "per_gesture_max", field: "amount", message: `A gesture may cost at most ${money(p.perGestureMax)}; this asks for ${money(f.amount)}.` });
  }
  if (f.amount > p.discretionLimit && f.justification.trim() === "") {
    refusals.push({
      rule: "justification",
      field: "justification",
      message: `Above the discretion limit of ${money(p.discretionLimit)} the approver needs a justification: say why this gesture matters.`,
    });
  }
  const customerTotal = f.customerTwelveMonths.amount + f.amount;
  if (customerTotal > p.customerCapAmount) {
    refusals.push({
      rule: "customer_cap_amount",
      field: "amount",
      message: `This customer has received ${money(f.customerTwelveMonths.amount)} of gestures in the last 12 months; with this one it would be ${money(customerTotal)}, and the cap is ${money(p.customerCapAmount)}.`,
    });
  }
  if (f.customerTwelveMonths.count + 1 > p.customerCapCount) {
    refusals.push({
      rule: "customer_cap_count",
      message: `This customer has had ${f.customerTwelveMonths.count} gesture${f.customerTwelveMonths.count === 1 ? "" : "s"} in the last 12 months; the cap is ${p.customerCapCount}.`,
    });
  }
  if (f.duplicate) {
    refusals.push({
      rule: "duplicate",
      field: "occasion",
      message: `${f.duplicate.branchName} already proposed a gesture for this customer's ${SIGNAL_KIND_LABELS[f.occasion].toLowerCase()} on ${f.duplicate.submittedOn}; a second one within ${p.duplicateWindowDays} days is a duplicate.`,
    });
  }
  const staffTotal = f.staffMonthAmount + f.amount;
  if (staffTotal > p.staffMonthlyCap) {
    refusals.push({
      rule: "staff_monthly_cap",
      field: "amount",
      message: `You have proposed ${money(f.staffMonthAmount)} of gestures this month; with this one it would be ${money(staffTotal)}, and your monthly cap is ${money(p.staffMonthlyCap)}.`,
    });
  }
  return refusals;
}

/** At or under the discretion limit, with every check passed, a gesture is approved at once. */
export function withinDiscretion(amount: number, policy: Pick<Policy, "discretionLimit">): boolean {
  return amount <= policy.discretionLimit;
}

/** At or over the threshold, finance approves after the manager. */
export function needsSecondApproval(amount: number, policy: Pick<Policy, "secondApprovalThreshold">): boolean {
  return amount >= policy.secondApprovalThreshold;
}

/** "2nd gesture for this customer in 12 months (cap 3); $80.00 of the $300.00 cap" (this one included). */
export function customerCapNote(totals: { amount: number; count: number }, amount: number, policy: Pick<Policy, "customerCapAmount" | "customerCapCount">, currency: string): string {
  const n = totals.count + 1;
  const ordinal = n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th";
  return `${n}${ordinal} gesture for this customer in 12 months (cap ${policy.customerCapCount}); ${formatMoney(totals.amount + amount, currency)} of the ${formatMoney(policy.customerCapAmount, currency)} cap`;
}
