// The policy checks of a proposal at submit, as a pure function over figures the workflow gathers
// (gatherProposalFigures in app/domain/gestures/proposals.server.ts). Pure, so the boundaries are
// property-tested without a database and the same wording reaches the form, the queue and the seed.
import type { CompensationAnswer, GestureStatus, Occasion, Policy, SignalKind } from "../../../db/schema";
import { SIGNAL_KIND_LABELS } from "../customers/customer-rules";
import { formatMoney } from "../core/money";
import { addCalendarMonths, addDays, daysBetween, type IsoDate } from "../core/dates";
import { isOn } from "../policy/policy";

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
  | "period_closed"
  | "connected_person"
  | "hardship_reason"
  | "redress_unanswered"
  | "redress";

export type PolicyRefusal = { rule: PolicyRule; message: string; field?: "amount" | "typeId" | "justification" | "occasion" | "compensationOwed" };

/** Signals that make any gesture need a manager's approval with a written reason (issue 22). */
export const HARDSHIP_KINDS = ["hardship", "collections", "dispute"] as const satisfies readonly SignalKind[];
/** Occasions on which the form asks whether the money is compensation owed to the customer. */
export const REDRESS_OCCASIONS = ["complaint", "service_failure", "dispute"] as const satisfies readonly Occasion[];

export function isRedressOccasion(occasion: Occasion | ""): boolean {
  return (REDRESS_OCCASIONS as readonly string[]).includes(occasion);
}

/**
 * Whether a signal dated `occurredOn` falls in the hardship look-back on `today` (both local ISO
 * dates): at most `lookbackDays` days before today (a signal exactly that many days old counts,
 * one day older does not), or later. A look-back of 0 turns the check off.
 */
export function withinHardshipLookback(occurredOn: string, today: string, lookbackDays: number): boolean {
  return lookbackDays > 0 && daysBetween(occurredOn, today) <= lookbackDays;
}

/** The most recent hardship, collections or dispute signal in the look-back, if any. */
export type HardshipSignal = { kind: SignalKind; occurredOn: string };

export function hardshipWords(signal: HardshipSignal, today: string, lookbackDays: number): string {
  const days = daysBetween(signal.occurredOn, today);
  const ago = days <= 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`;
  return `${SIGNAL_KIND_LABELS[signal.kind]} was recorded for this customer on ${signal.occurredOn} (${ago}, within the ${lookbackDays}-day hardship, collections and disputes check)`;
}

/**
 * How the checks of issue 22 change who approves: a connected person's gesture goes to finance;
 * a customer in hardship, collections or a dispute needs a manager (never the proposer's
 * discretion) and a written reason from the approver.
 */
export type ApprovalNeeds = { financeOnly: boolean; noDiscretion: boolean; approverReason: string | null };

export function approvalNeeds(f: Pick<ProposalFigures, "policy" | "customer" | "branchId" | "hardship" | "today">): ApprovalNeeds {
  const connected = isOn(f.policy.connectedPersonCheck) && f.customer.connectedBranchId !== null && f.customer.connectedBranchId !== f.branchId;
  const hardship = f.hardship !== null && withinHardshipLookback(f.hardship.occurredOn, f.today, f.policy.hardshipLookbackDays);
  return {
    financeOnly: connected,
    noDiscretion: connected || hardship,
    approverReason: hardship && f.hardship ? `${hardshipWords(f.hardship, f.today, f.policy.hardshipLookbackDays)}: approve only with a written reason in the comment.` : null,
  };
}

export type ProposalFigures = {
  policy: Policy;
  currency: string;
  amount: number;
  occasion: Occasion;
  justification: string;
  type: { name: string; maxAmount: number; active: boolean; occasions: readonly Occasion[] };
  customer: { doNotContact: boolean; erased: boolean; connectedBranchId: number | null; connectedBranchName: string | null };
  /** Other counting gestures of the customer submitted in the last 12 months (this one excluded). */
  customerTwelveMonths: { amount: number; count: number };
  /** Other customers at the same delivery address, and their counting gestures of the last 12 months. */
  household: { otherCustomers: number; amount: number; count: number };
  /** The branch that proposes (the customer's branch, whose pool pays). */
  branchId: number;
  /** The organisation's today (local ISO date). */
  today: string;
  /** The most recent hardship, collections or dispute signal of the customer in the look-back. */
  hardship: HardshipSignal | null;
  compensationOwed: CompensationAnswer | null;
  /** The organisation's words pointing to its complaints process. */
  complaintsProcessText: string;
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
  if (isOn(p.connectedPersonCheck) && f.customer.connectedBranchId !== null && f.customer.connectedBranchId === f.branchId) {
    refusals.push({
      rule: "connected_person",
      message: `The CRM marks this customer as staff of ${f.branchName}, or connected to its staff; ${f.branchName} cannot propose a gesture for them (policy: connected persons). Another branch may, with finance's approval.`,
    });
    return refusals;
  }
  if (isOn(p.redressCheck) && isRedressOccasion(f.occasion)) {
    if (f.compensationOwed === null) {
      refusals.push({
        rule: "redress_unanswered",
        field: "compensationOwed",
        message: "On a complaint, service failure or dispute, say whether this money is compensation the customer is owed.",
      });
    } else if (f.compensationOwed === "yes") {
      refusals.push({
        rule: "redress",
        field: "compensationOwed",
        message: `Redress is not goodwill: money the customer is owed is not a gesture. ${f.complaintsProcessText}`,
      });
      return refusals;
    }
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
  const inHardship = f.hardship !== null && withinHardshipLookback(f.hardship.occurredOn, f.today, p.hardshipLookbackDays);
  if (f.amount > p.discretionLimit && f.justification.trim() === "" && !inHardship) {
    refusals.push({
      rule: "justification",
      field: "justification",
      message: `Above the discretion limit of ${money(p.discretionLimit)} the approver needs a justification: say why this gesture matters.`,
    });
  }
  if (inHardship && f.hardship && f.justification.trim() === "") {
    refusals.push({
      rule: "hardship_reason",
      field: "justification",
      message: `${hardshipWords(f.hardship, f.today, p.hardshipLookbackDays)}: any gesture needs a manager's approval with a written reason, whatever the amount. Write the reason in the justification.`,
    });
  }
  const household = isOn(p.householdCap) && f.household.otherCustomers > 0 ? f.household : null;
  if (household) {
    const caps = householdCapCheck(f.customerTwelveMonths, household, f.amount, p);
    const who = `This customer's household (${household.otherCustomers + 1} customers at the same delivery address, counted together)`;
    if (caps.amountOver) {
      refusals.push({
        rule: "customer_cap_amount",
        field: "amount",
        message: `${who} has received ${money(caps.amount)} of gestures in the last 12 months; with this one it would be ${money(caps.amount + f.amount)}, and the per-customer cap is ${money(p.customerCapAmount)}.`,
      });
    }
    if (caps.countOver) {
      refusals.push({
        rule: "customer_cap_count",
        message: `${who} has had ${caps.count} gesture${caps.count === 1 ? "" : "s"} in the last 12 months; the per-customer cap is ${p.customerCapCount}.`,
      });
    }
  }
  const customerTotal = f.customerTwelveMonths.amount + f.amount;
  if (!household && customerTotal > p.customerCapAmount) {
    refusals.push({
      rule: "customer_cap_amount",
      field: "amount",
      message: `This customer has received ${money(f.customerTwelveMonths.amount)} of gestures in the last 12 months; with this one it would be ${money(customerTotal)}, and the cap is ${money(p.customerCapAmount)}.`,
    });
  }
  if (!household && f.customerTwelveMonths.count + 1 > p.customerCapCount) {
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

/**
 * The household's 12 months against the per-customer cap: the customer's and the other members'
 * counting gestures together, and whether adding `amount` (one more gesture) goes over either cap.
 */
export function householdCapCheck(
  customer: { amount: number; count: number },
  others: { amount: number; count: number },
  amount: number,
  policy: Pick<Policy, "customerCapAmount" | "customerCapCount">,
) {
  const total = { amount: customer.amount + others.amount, count: customer.count + others.count };
  return { ...total, amountOver: total.amount + amount > policy.customerCapAmount, countOver: total.count + 1 > policy.customerCapCount };
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

// ---------------------------------------------------------------------------------------------
// Leaving a customer alone after a negative response (issue 21): a customer whose last recorded
// response was negative is left out of suggestions for the policy's months, counted in local
// dates from the day the response was recorded, and the proposal form says so.

/** The first local date on which a customer whose negative response was recorded on `recordedOn` is suggested again. */
export function leftAloneUntil(recordedOn: IsoDate, months: number): IsoDate {
  return addCalendarMonths(recordedOn, months);
}

/** Whether a negative response recorded on `recordedOn` still leaves the customer alone on `today`. 0 months: never. */
export function isLeftAlone(recordedOn: IsoDate, today: IsoDate, months: number): boolean {
  return months > 0 && today < leftAloneUntil(recordedOn, months);
}

/**
 * The earliest recording date that still leaves a customer alone on `today`, for one indexed
 * range in SQL (a response recorded on it or later counts). The rule is monotone in the recording
 * date, so this is the first date D with leftAloneUntil(D) > today; month-end days are stepped over
 * one by one (31 March and 30 March both end on 30 April after one month).
 */
export function leftAloneSince(today: IsoDate, months: number): IsoDate {
  let since = addCalendarMonths(today, -months);
  while (leftAloneUntil(since, months) <= today) since = addDays(since, 1);
  while (leftAloneUntil(addDays(since, -1), months) > today) since = addDays(since, -1);
  return since;
}
