// The gesture policy's vocabulary and its rules as a whole. Pure: the admin form, the proposal
// checks and the tests share it. Amounts are integer minor units.
import { POLICY_KEYS, type Policy, type PolicyKey } from "../../../db/schema";
import type { BudgetAlertThreshold } from "../budget/budget-alerts";

export { POLICY_KEYS, type Policy, type PolicyKey };

/** "switch": 1 is on, 0 is off. */
export type PolicyUnit = "money" | "days" | "count" | "percent" | "switch";

export const POLICY_FIELDS: Record<PolicyKey, { label: string; unit: PolicyUnit; help: string; max: number }> = {
  discretionLimit: {
    label: "Discretion limit",
    unit: "money",
    help: "Gestures at or under this amount are approved at staff discretion when every check passes.",
    max: 100_000_000,
  },
  secondApprovalThreshold: {
    label: "Second-approval threshold",
    unit: "money",
    help: "At or over this amount finance approves after the branch manager.",
    max: 100_000_000,
  },
  perGestureMax: { label: "Per-gesture maximum", unit: "money", help: "No single gesture may cost more.", max: 100_000_000 },
  customerCapAmount: {
    label: "Per-customer cap (12 months, amount)",
    unit: "money",
    help: "Pending and approved gestures for one customer over a rolling 12 months.",
    max: 100_000_000,
  },
  customerCapCount: {
    label: "Per-customer cap (12 months, count)",
    unit: "count",
    help: "How many pending and approved gestures one customer may receive over a rolling 12 months.",
    max: 1000,
  },
  staffMonthlyCap: {
    label: "Per-staff monthly cap",
    unit: "money",
    help: "What one staff member may propose in a calendar month (pending and approved).",
    max: 1_000_000_000,
  },
  duplicateWindowDays: {
    label: "Duplicate window",
    unit: "days",
    help: "A second gesture for the same customer and occasion within this many days is refused, from any branch.",
    max: 3650,
  },
  approvalExpiryDays: {
    label: "Approval expiry",
    unit: "days",
    help: "Days an approved gesture may stay unfulfilled before it expires and its hold is released.",
    max: 365,
  },
  varianceTolerancePercent: {
    label: "Fulfilment variance tolerance",
    unit: "percent",
    help: "How far, in percent, the actual cost may exceed the approved amount without a new approval.",
    max: 100,
  },
  outcomeFollowUpDays: {
    label: "Outcome follow-up delay",
    unit: "days",
    help: "Days after fulfilment when staff are reminded to record the customer's response.",
    max: 365,
  },
  receiptRequiredAbove: {
    label: "Receipt required above",
    unit: "money",
    help: "Fulfilments costing more than this must attach a receipt.",
    max: 100_000_000,
  },
  connectedPersonCheck: {
    label: "Connected persons",
    unit: "switch",
    help: "Customers the CRM marks as staff or connected to staff receive no gesture from that branch; any other branch's proposal goes to finance.",
    max: 1,
  },
  hardshipLookbackDays: {
    label: "Hardship, collections and disputes",
    unit: "days",
    help: "Days back a hardship, collections or complaint-in-dispute signal makes any gesture need a manager's approval and a written reason, whatever the amount. 0 turns the check off.",
    max: 3650,
  },
  householdCap: {
    label: "Household counts together",
    unit: "switch",
    help: "Customers who share a delivery address count together toward the per-customer cap.",
    max: 1,
  },
  redressCheck: {
    label: "Redress is not goodwill",
    unit: "switch",
    help: "On a complaint or service-failure occasion the form asks whether the money is compensation owed to the customer, and refuses it if so.",
    max: 1,
  },
  budgetAlertFirstPercent: {
    label: "First budget alert",
    unit: "percent",
    help: "When this share of a pool's budget is committed or spent, its branch's managers are told, once per pool. 0 turns it off.",
    max: 100,
  },
  budgetAlertSecondPercent: {
    label: "Second budget alert",
    unit: "percent",
    help: "A second alert to the branch's managers, at a higher share than the first. 0 turns it off.",
    max: 100,
  },
  budgetAlertFinancePercent: {
    label: "Finance budget alert",
    unit: "percent",
    help: "At this share the branch's managers and finance are told. 0 turns it off.",
    max: 100,
  },
  leaveAloneMonths: {
    label: "Leave alone after a negative response (months)",
    unit: "count",
    help: "A customer whose last gesture met a negative response is not suggested again for this many months; the proposal form warns. 0 turns it off.",
    max: 120,
  },
};

/** The budget alert thresholds a policy sets, lowest first, switched-off ones left out. */
export function budgetAlertThresholds(policy: Policy): BudgetAlertThreshold[] {
  return [
    { percent: policy.budgetAlertFirstPercent, toFinance: false },
    { percent: policy.budgetAlertSecondPercent, toFinance: false },
    { percent: policy.budgetAlertFinancePercent, toFinance: true },
  ].filter((t) => t.percent > 0);
}

/** Whether a switch setting is on. */
export function isOn(value: number): boolean {
  return value !== 0;
}

export type PolicyProblem = { key: PolicyKey; message: string };

/** Every way a whole policy is inconsistent; empty when it is usable. */
export function policyProblems(policy: Policy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const key of POLICY_KEYS) {
    const value = policy[key];
    const field = POLICY_FIELDS[key];
    if (!Number.isSafeInteger(value) || value < 0) problems.push({ key, message: `${field.label} must be a whole number, zero or more.` });
    else if (value > field.max) problems.push({ key, message: `${field.label} is above the largest allowed value.` });
  }
  if (problems.length > 0) return problems;
  if (policy.discretionLimit > policy.secondApprovalThreshold)
    problems.push({ key: "discretionLimit", message: "The discretion limit must not be above the second-approval threshold." });
  if (policy.secondApprovalThreshold > policy.perGestureMax)
    problems.push({ key: "secondApprovalThreshold", message: "The second-approval threshold must not be above the per-gesture maximum." });
  if (policy.perGestureMax > policy.customerCapAmount)
    problems.push({ key: "customerCapAmount", message: "The per-customer cap must be at least the per-gesture maximum." });
  if (policy.customerCapCount < 1) problems.push({ key: "customerCapCount", message: "The per-customer count cap must be at least 1." });
  if (policy.approvalExpiryDays < 1) problems.push({ key: "approvalExpiryDays", message: "Approvals must stay valid for at least 1 day." });
  if (policy.outcomeFollowUpDays < 1) problems.push({ key: "outcomeFollowUpDays", message: "The outcome follow-up delay must be at least 1 day." });
  const alerts = (["budgetAlertFirstPercent", "budgetAlertSecondPercent", "budgetAlertFinancePercent"] as const).filter((key) => policy[key] > 0);
  for (let i = 1; i < alerts.length; i++) {
    const [lower, higher] = [alerts[i - 1]!, alerts[i]!];
    if (policy[higher] <= policy[lower])
      problems.push({ key: higher, message: `The ${POLICY_FIELDS[higher].label.toLowerCase()} must be above the ${POLICY_FIELDS[lower].label.toLowerCase()} (${policy[lower]}%), or 0 to turn it off.` });
  }
  return problems;
}
