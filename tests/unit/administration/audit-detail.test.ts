// The audit log shows an event's detail in words and money as money, never raw cents.
import { describe, expect, it } from "vitest";
import { describeAuditDetail, isMoneyKey, labelOfKey } from "~/domain/administration/audit-detail";

describe("audit detail in words", () => {
  it("formats amounts in the organisation's currency and keeps counts and ids as numbers", () => {
    const items = describeAuditDetail(JSON.stringify({ poolId: 7, amount: 12_345, balanceAfter: 0, carriedHolds: 3, remainderReleased: 250, approved: true, reason: null }), "USD");
    expect(items.map((i) => `${i.label}=${i.value}`)).toEqual([
      "pool id=7",
      "amount=$123.45",
      "balance after=$0.00",
      "carried holds=3",
      "remainder released=$2.50",
      "approved=yes",
      "reason=none",
    ]);
  });

  it("understands before and after values of a setting", () => {
    expect(describeAuditDetail(JSON.stringify({ "before.discretionLimit": 5000, "after.discretionLimit": 7500, "after.duplicateWindowDays": 30 }), "EUR").map((i) => `${i.label}=${i.value}`)).toEqual([
      "before: discretion limit=€50.00",
      "after: discretion limit=€75.00",
      "after: duplicate window days=30",
    ]);
  });

  it("tells money keys from counts", () => {
    for (const key of ["amount", "requestedAmount", "perGestureMax", "customerCapAmount", "staffMonthlyCap", "receiptRequiredAbove", "secondApprovalThreshold"]) expect(isMoneyKey(key), key).toBe(true);
    for (const key of ["customerCapCount", "duplicateWindowDays", "varianceTolerancePercent", "gestureId", "carriedHolds", "pools", "version"]) expect(isMoneyKey(key), key).toBe(false);
    expect(labelOfKey("sensitive_retention_days")).toBe("sensitive retention days");
  });

  it("shows text that is not JSON as it is, and nothing for an empty object", () => {
    expect(describeAuditDetail("{}", "USD")).toEqual([]);
    expect(describeAuditDetail("not json", "USD")).toEqual([{ key: "detail", label: "detail", value: "not json" }]);
  });
});
