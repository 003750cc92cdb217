import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { needsSecondApproval, policyRefusals, withinDiscretion, type ProposalFigures } from "~/domain/gestures/gesture-rules";
import type { Policy } from "../../../db/schema";

const POLICY: Policy = {
  discretionLimit: 5_000,
  secondApprovalThreshold: 15_000,
  perGestureMax: 25_000,
  customerCapAmount: 30_000,
  customerCapCount: 3,
  staffMonthlyCap: 100_000,
  duplicateWindowDays: 30,
  approvalExpiryDays: 30,
  varianceTolerancePercent: 10,
  outcomeFollowUpDays: 14,
  receiptRequiredAbove: 2_500,
  connectedPersonCheck: 1,
  hardshipLookbackDays: 90,
  householdCap: 1,
  redressCheck: 1,
  budgetAlertFirstPercent: 50,
  budgetAlertSecondPercent: 75,
  budgetAlertFinancePercent: 90,
  leaveAloneMonths: 12,
};

function figures(overrides: Partial<ProposalFigures> = {}): ProposalFigures {
  return {
    policy: POLICY,
    currency: "USD",
    amount: 4_000,
    occasion: "bereavement",
    justification: "",
    type: { name: "Flowers", maxAmount: 1_000_000, active: true, occasions: ["bereavement"] },
    customer: { doNotContact: false, erased: false, connectedBranchId: null, connectedBranchName: null },
    customerTwelveMonths: { amount: 0, count: 0 },
    household: { otherCustomers: 0, amount: 0, count: 0 },
    branchId: 1,
    today: "2026-12-04",
    hardship: null,
    compensationOwed: null,
    complaintsProcessText: "Use the complaints process.",
    duplicate: null,
    staffMonthAmount: 0,
    branchName: "North",
    periodOpen: true,
    ...overrides,
  };
}

const rules = (f: ProposalFigures) => policyRefusals(f).map((r) => r.rule);
const amountArb = fc.integer({ min: 0, max: 100_000 });
const policyArb = fc.record({
  discretionLimit: fc.integer({ min: 0, max: 50_000 }),
  perGestureMax: fc.integer({ min: 0, max: 50_000 }),
  customerCapAmount: fc.integer({ min: 0, max: 100_000 }),
  customerCapCount: fc.integer({ min: 1, max: 10 }),
  staffMonthlyCap: fc.integer({ min: 0, max: 100_000 }),
});

describe("policy rules at their boundaries", () => {
  it("the per-gesture maximum refuses exactly the amounts above it", () => {
    fc.assert(
      fc.property(policyArb, amountArb, (p, amount) => {
        const refused = rules(figures({ policy: { ...POLICY, ...p }, amount, justification: "why" })).includes("per_gesture_max");
        expect(refused).toBe(amount > p.perGestureMax);
      }),
    );
  });

  it("the customer's amount cap counts this proposal: refused exactly when the total would pass the cap", () => {
    fc.assert(
      fc.property(policyArb, amountArb, fc.integer({ min: 0, max: 100_000 }), (p, amount, before) => {
        const refused = rules(figures({ policy: { ...POLICY, ...p }, amount, justification: "why", customerTwelveMonths: { amount: before, count: 0 } })).includes(
          "customer_cap_amount",
        );
        expect(refused).toBe(before + amount > p.customerCapAmount);
      }),
    );
  });

  it("the customer's count cap refuses the gesture that would be one too many", () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 12 }), (p, count) => {
        const refused = rules(figures({ policy: { ...POLICY, ...p }, amount: 0, customerTwelveMonths: { amount: 0, count } })).includes("customer_cap_count");
        expect(refused).toBe(count + 1 > p.customerCapCount);
      }),
    );
  });

  it("the staff monthly cap refuses exactly when this month's total would pass it", () => {
    fc.assert(
      fc.property(policyArb, amountArb, fc.integer({ min: 0, max: 100_000 }), (p, amount, month) => {
        const refused = rules(figures({ policy: { ...POLICY, ...p }, amount, justification: "why", staffMonthAmount: month })).includes("staff_monthly_cap");
        expect(refused).toBe(month + amount > p.staffMonthlyCap);
      }),
    );
  });

  it("a justification is required exactly above the discretion limit", () => {
    fc.assert(
      fc.property(policyArb, amountArb, fc.constantFrom("", "  ", "Long-standing customer"), (p, amount, justification) => {
        const refused = rules(figures({ policy: { ...POLICY, ...p }, amount, justification })).includes("justification");
        expect(refused).toBe(amount > p.discretionLimit && justification.trim() === "");
      }),
    );
  });

  it("the type's maximum refuses exactly the amounts above it", () => {
    fc.assert(
      fc.property(amountArb, fc.integer({ min: 0, max: 100_000 }), (amount, max) => {
        const refused = rules(figures({ amount, justification: "why", type: { name: "Flowers", maxAmount: max, active: true, occasions: ["bereavement"] } })).includes("type_max");
        expect(refused).toBe(amount > max);
      }),
    );
  });

  it("discretion is at or under the limit, and the second approval at or over the threshold", () => {
    fc.assert(
      fc.property(amountArb, fc.integer({ min: 0, max: 100_000 }), (amount, limit) => {
        expect(withinDiscretion(amount, { discretionLimit: limit })).toBe(amount <= limit);
        expect(needsSecondApproval(amount, { secondApprovalThreshold: limit })).toBe(amount >= limit);
      }),
    );
  });

  it("do-not-contact and erased customers are refused whatever else is true, and nothing else is said", () => {
    fc.assert(
      fc.property(amountArb, fc.boolean(), (amount, erased) => {
        const refusals = policyRefusals(figures({ amount, customer: { doNotContact: !erased, erased, connectedBranchId: null, connectedBranchName: null } }));
        expect(refusals.map((r) => r.rule)).toEqual([erased ? "erased" : "do_not_contact"]);
      }),
    );
  });

  it("names the rule and the figures in the organisation's currency", () => {
    const [refusal] = policyRefusals(figures({ amount: 2_001, customerTwelveMonths: { amount: 18_000, count: 1 }, policy: { ...POLICY, customerCapAmount: 20_000 } }));
    expect(refusal?.message).toBe("This customer has received $180.00 of gestures in the last 12 months; with this one it would be $200.01, and the cap is $200.00.");
    const euro = policyRefusals(figures({ currency: "EUR", amount: 30_000, justification: "x" }));
    expect(euro.find((r) => r.rule === "per_gesture_max")?.message).toBe("A gesture may cost at most €250.00; this asks for €300.00.");
  });

  it("a type that does not suit the occasion, an inactive type, a duplicate and a closed period are each refused", () => {
    expect(rules(figures({ occasion: "birthday" }))).toEqual(["type_occasion"]);
    expect(rules(figures({ type: { name: "Old", maxAmount: 10_000, active: false, occasions: ["bereavement"] } }))).toEqual(["type_inactive"]);
    expect(rules(figures({ duplicate: { branchName: "South", submittedOn: "2026-03-01" } }))).toEqual(["duplicate"]);
    expect(rules(figures({ periodOpen: false }))).toEqual(["period_closed"]);
    expect(rules(figures())).toEqual([]);
  });
});
