import { parseWithZod } from "@conform-to/zod/v4";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, branchPolicyOverrides, type Branch, type User } from "../../../db/schema";
import { POLICY_KEYS, policyProblems, type Policy } from "~/domain/policy/policy";
import { setBranchOverrides, updatePolicyDefaults } from "~/domain/policy/policy-admin.server";
import { branchOverridesSchema, PolicyDefaultsSchema, policyValueText } from "~/domain/policy/policy-schemas";
import { getBranchOverrides, getEffectivePolicy, getPolicyDefaults, listBranchPolicySummaries } from "~/domain/policy/policy.server";
import type { Db } from "~/utils/db.server";
import { createClock, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createOrganisation, createUser } from "../../support/factories";
import { refusal } from "../../support/refusal";

let db: Db;
let clock: TestClock;
let admin: User;
let north: Branch;

/** The defaults migration 0007 inserts. */
const STANDARD: Policy = {
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

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  await createOrganisation(db);
  admin = await createUser(db, { role: "admin" });
  north = await createBranch(db, { code: "NTH", name: "North" });
});
afterEach(() => closeDatabase(db));

async function audits() {
  return (await db.select().from(auditEvents).orderBy(auditEvents.id)).map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}
const lastAudit = async () => (await audits()).at(-1)!;

function formData(values: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return data;
}
const asText = (policy: Policy) => Object.fromEntries(POLICY_KEYS.map((key) => [key, policyValueText(key, policy[key])]));

function parseDefaults(values: Record<string, string>) {
  const submission = parseWithZod(formData(values), { schema: PolicyDefaultsSchema });
  return submission.status === "success" ? { value: submission.value, error: undefined } : { value: undefined, error: submission.error };
}

/** The branch form: every setting "default" unless given a value to override with. */
function branchForm(overrides: Partial<Record<keyof Policy, string>>) {
  const values: Record<string, string> = {};
  for (const key of POLICY_KEYS) {
    const text = overrides[key];
    values[`${key}.mode`] = text === undefined ? "default" : "override";
    values[`${key}.value`] = text ?? "garbage that is ignored";
  }
  return values;
}
function parseBranch(values: Record<string, string>, defaults: Policy = STANDARD) {
  const submission = parseWithZod(formData(values), { schema: branchOverridesSchema(defaults, "USD") });
  return submission.status === "success" ? { value: submission.value, error: undefined } : { value: undefined, error: submission.error };
}

describe("the organisation defaults form", () => {
  it("reads every setting in its unit: amounts with parseMoney, days, counts and percentages as whole numbers", () => {
    expect(parseDefaults(asText(STANDARD)).value).toEqual(STANDARD);
    expect(parseDefaults({ ...asText(STANDARD), discretionLimit: "49.99", staffMonthlyCap: "1,500" }).value).toMatchObject({
      discretionLimit: 4_999,
      staffMonthlyCap: 150_000,
    });
  });

  it("needs every setting, each with a message in its own unit", () => {
    const { error } = parseDefaults({});
    expect(Object.keys(error ?? {}).sort()).toEqual([...POLICY_KEYS].sort());
    expect(error?.discretionLimit).toEqual(["Enter an amount."]);
    expect(error?.duplicateWindowDays).toEqual(["Enter a whole number of days, such as 30."]);
    expect(error?.customerCapCount).toEqual(["Enter a whole number, such as 3."]);
    expect(error?.varianceTolerancePercent).toEqual(["Enter a whole percentage, such as 10."]);
  });

  it("refuses fractions, signs, letters and values above each setting's ceiling", () => {
    for (const text of ["3.5", "-1", "+2", "ten", "1e2", "٣"]) {
      expect(parseDefaults({ ...asText(STANDARD), approvalExpiryDays: text }).error?.approvalExpiryDays?.[0], text).toMatch(/^Enter a whole number of days/);
    }
    expect(parseDefaults({ ...asText(STANDARD), approvalExpiryDays: "366" }).error?.approvalExpiryDays).toEqual(["Approval expiry can be at most 365 days."]);
    expect(parseDefaults({ ...asText(STANDARD), varianceTolerancePercent: "101" }).error?.varianceTolerancePercent).toEqual(["Fulfilment variance tolerance can be at most 100%."]);
    expect(parseDefaults({ ...asText(STANDARD), discretionLimit: "12.345" }).error?.discretionLimit).toEqual(["Use at most two decimals (cents)."]);
    expect(parseDefaults({ ...asText(STANDARD), extra: "1" }).error).toBeDefined();
  });

  it("checks the policy as a whole, each problem beside the setting it is about", () => {
    const { error } = parseDefaults({ ...asText(STANDARD), discretionLimit: "200", secondApprovalThreshold: "300", customerCapAmount: "200", customerCapCount: "0", approvalExpiryDays: "0" });
    expect(error?.discretionLimit).toBeUndefined();
    expect(error?.secondApprovalThreshold).toEqual(["The second-approval threshold must not be above the per-gesture maximum."]);
    expect(error?.customerCapAmount).toEqual(["The per-customer cap must be at least the per-gesture maximum."]);
    expect(error?.customerCapCount).toEqual(["The per-customer count cap must be at least 1."]);
    expect(error?.approvalExpiryDays).toEqual(["Approvals must stay valid for at least 1 day."]);
  });
});

describe("the ordering rule discretion ≤ threshold ≤ per-gesture maximum ≤ per-customer cap (property)", () => {
  const amount = fc.integer({ min: 0, max: 100_000_000 });

  it("policyProblems finds exactly the out-of-order pairs", () => {
    fc.assert(
      fc.property(amount, amount, amount, amount, (d, t, m, c) => {
        const keys = policyProblems({ ...STANDARD, discretionLimit: d, secondApprovalThreshold: t, perGestureMax: m, customerCapAmount: c }).map((p) => p.key);
        expect(keys.includes("discretionLimit")).toBe(d > t);
        expect(keys.includes("secondApprovalThreshold")).toBe(t > m);
        expect(keys.includes("customerCapAmount")).toBe(m > c);
      }),
      { numRuns: 2_000 },
    );
  });

  it("the defaults form accepts three amounts exactly when they are in order", () => {
    fc.assert(
      fc.property(amount, amount, amount, (d, t, m) => {
        const policy = { ...STANDARD, discretionLimit: d, secondApprovalThreshold: t, perGestureMax: m, customerCapAmount: 100_000_000 };
        expect(parseDefaults(asText(policy)).error === undefined).toBe(d <= t && t <= m);
      }),
      { numRuns: 500 },
    );
  });

  it("a branch's overrides are accepted exactly when the merged policy is in order, and a refusal changes nothing", async () => {
    const maybe = fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(maybe, maybe, maybe, async (d, t, m) => {
        const overrides: Partial<Policy> = {};
        if (d !== undefined) overrides.discretionLimit = d;
        if (t !== undefined) overrides.secondApprovalThreshold = t;
        if (m !== undefined) overrides.perGestureMax = m;
        const merged = { ...STANDARD, ...overrides };
        const inOrder = merged.discretionLimit <= merged.secondApprovalThreshold && merged.secondApprovalThreshold <= merged.perGestureMax && merged.perGestureMax <= merged.customerCapAmount;
        const before = await getBranchOverrides(db, north.id);
        const texts = Object.fromEntries(Object.entries(overrides).map(([key, value]) => [key, policyValueText(key as keyof Policy, value)]));
        expect(parseBranch(branchForm(texts)).error === undefined).toBe(inOrder);
        try {
          await setBranchOverrides(db, admin, { branchId: north.id, overrides }, clock.now());
          expect(inOrder).toBe(true);
          expect((await getEffectivePolicy(db, north.id)).policy).toEqual(merged);
        } catch (error) {
          expect(inOrder).toBe(false);
          expect(error).toMatchObject({ code: "VALIDATION" });
          expect(await getBranchOverrides(db, north.id)).toEqual(before);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("saving the organisation defaults", () => {
  it("audits each changed setting before and after, and nothing when nothing changed", async () => {
    await updatePolicyDefaults(db, admin, { ...STANDARD, discretionLimit: 6_000, duplicateWindowDays: 45 }, clock.now());
    expect(await getPolicyDefaults(db)).toMatchObject({ discretionLimit: 6_000, duplicateWindowDays: 45 });
    expect(await lastAudit()).toMatchObject({ action: "policy.defaults_updated", entity: "policy_defaults", entityId: "1", actorId: admin.id });
    expect((await lastAudit()).detail).toEqual({ discretionLimitBefore: 5_000, discretionLimitAfter: 6_000, duplicateWindowDaysBefore: 30, duplicateWindowDaysAfter: 45 });
    const count = (await audits()).length;
    await updatePolicyDefaults(db, admin, { ...STANDARD, discretionLimit: 6_000, duplicateWindowDays: 45 }, clock.now());
    expect(await audits()).toHaveLength(count);
  });

  it("refuses defaults that do not hold together, even when called directly", async () => {
    expect(await refusal(async () => await updatePolicyDefaults(db, admin, { ...STANDARD, discretionLimit: 20_000 }, clock.now()))).toMatchObject({
      code: "VALIDATION",
      field: "discretionLimit",
    });
    expect(await getPolicyDefaults(db)).toEqual(STANDARD);
  });

  it("refuses a default that would break a branch's overrides, naming the branch and the values that conflict", async () => {
    await setBranchOverrides(db, admin, { branchId: north.id, overrides: { discretionLimit: 12_000 } }, clock.now());
    const error = await refusal(async () => await updatePolicyDefaults(db, admin, { ...STANDARD, secondApprovalThreshold: 10_000 }, clock.now()));
    expect(error).toMatchObject({ code: "VALIDATION", field: "secondApprovalThreshold" });
    expect(error.message).toBe(
      "With this value, North would have a policy that does not hold together: The discretion limit must not be above the second-approval threshold. " +
        "Now: discretion limit $120.00 (branch override), second-approval threshold $100.00 (organisation default). " +
        "Change North's overrides first, or choose another value.",
    );
    expect(await getPolicyDefaults(db)).toEqual(STANDARD);
  });
});

describe("a branch's overrides", () => {
  it("apply where set, with where each value comes from; the audit says null for a setting that follows the default", async () => {
    await setBranchOverrides(db, admin, { branchId: north.id, overrides: { discretionLimit: 7_500, approvalExpiryDays: 14 } }, clock.now());
    const effective = await getEffectivePolicy(db, north.id);
    expect(effective.policy).toEqual({ ...STANDARD, discretionLimit: 7_500, approvalExpiryDays: 14 });
    expect(effective.source.discretionLimit).toBe("branch");
    expect(effective.source.secondApprovalThreshold).toBe("organisation");
    expect(await lastAudit()).toMatchObject({ action: "policy.branch_overrides_updated", entity: "branch", entityId: String(north.id) });
    expect((await lastAudit()).detail).toEqual({
      branchCode: "NTH",
      overridesBefore: 0,
      overridesAfter: 2,
      discretionLimitBefore: null,
      discretionLimitAfter: 7_500,
      approvalExpiryDaysBefore: null,
      approvalExpiryDaysAfter: 14,
    });

    await setBranchOverrides(db, admin, { branchId: north.id, overrides: { approvalExpiryDays: 21 } }, clock.now());
    expect((await lastAudit()).detail).toEqual({
      branchCode: "NTH",
      overridesBefore: 2,
      overridesAfter: 1,
      discretionLimitBefore: 7_500,
      discretionLimitAfter: null,
      approvalExpiryDaysBefore: 14,
      approvalExpiryDaysAfter: 21,
    });
  });

  it("an override equal to the default still counts as the branch's own value (it stays if the default changes)", async () => {
    await setBranchOverrides(db, admin, { branchId: north.id, overrides: { duplicateWindowDays: 30 } }, clock.now());
    await updatePolicyDefaults(db, admin, { ...STANDARD, duplicateWindowDays: 60 }, clock.now());
    expect((await getEffectivePolicy(db, north.id)).policy.duplicateWindowDays).toBe(30);
  });

  it("clearing every override removes the branch's row, and the branch follows the defaults again", async () => {
    await setBranchOverrides(db, admin, { branchId: north.id, overrides: { discretionLimit: 7_500 } }, clock.now());
    await setBranchOverrides(db, admin, { branchId: north.id, overrides: {} }, clock.now());
    expect(await db.select().from(branchPolicyOverrides)).toEqual([]);
    expect((await getEffectivePolicy(db, north.id)).source.discretionLimit).toBe("organisation");
    expect((await lastAudit()).detail).toMatchObject({ overridesBefore: 1, overridesAfter: 0, discretionLimitBefore: 7_500, discretionLimitAfter: null });
  });

  it("a refusal names the values that conflict and where each comes from, beside the overridden one", async () => {
    const error = await refusal(async () => await setBranchOverrides(db, admin, { branchId: north.id, overrides: { secondApprovalThreshold: 4_000 } }, clock.now()));
    // The threshold is below the organisation's discretion limit: the message sits beside the threshold the branch sets.
    expect(error).toMatchObject({ code: "VALIDATION", field: "secondApprovalThreshold" });
    expect(error.message).toBe(
      "The discretion limit must not be above the second-approval threshold. Now: discretion limit $50.00 (organisation default), second-approval threshold $40.00 (branch override).",
    );
    expect(await db.select().from(branchPolicyOverrides)).toEqual([]);
  });

  it("the branch form places each problem beside the overridden value and keeps defaults out of the result", () => {
    const ok = parseBranch(branchForm({ discretionLimit: "75", approvalExpiryDays: "14" }));
    expect(ok.value).toEqual({ discretionLimit: 7_500, approvalExpiryDays: 14 });
    const conflict = parseBranch(branchForm({ perGestureMax: "100" }));
    expect(conflict.error?.["perGestureMax.value"]).toEqual([
      "The second-approval threshold must not be above the per-gesture maximum. Now: second-approval threshold $150.00 (organisation default), per-gesture maximum $100.00 (branch override).",
    ]);
    expect(parseBranch(branchForm({ approvalExpiryDays: "" })).error?.["approvalExpiryDays.value"]).toEqual(["Enter a whole number of days, such as 30."]);
    const noMode = branchForm({});
    delete noMode["discretionLimit.mode"];
    expect(parseBranch(noMode).error?.["discretionLimit.mode"]).toEqual(["Choose the organisation default or a value for this branch."]);
  });

  it("the index counts each branch's overrides", async () => {
    const south = await createBranch(db, { code: "STH", name: "South" });
    await setBranchOverrides(db, admin, { branchId: south.id, overrides: { discretionLimit: 1_000, duplicateWindowDays: 10, receiptRequiredAbove: 0 } }, clock.now());
    const summaries = await listBranchPolicySummaries(db);
    expect(summaries.find((b) => b.id === south.id)?.overrideCount).toBe(3);
    expect(summaries.find((b) => b.id === north.id)?.overrideCount).toBe(0);
  });

  it("a branch that does not exist is not found; only administrators change the policy", async () => {
    expect((await refusal(async () => await setBranchOverrides(db, admin, { branchId: 999_999, overrides: {} }, clock.now()))).code).toBe("NOT_FOUND");
    const before = (await audits()).length;
    for (const role of ["staff", "manager", "finance"] as const) {
      const user = await createUser(db, { role, branchId: role === "finance" ? null : north.id });
      expect((await refusal(async () => await updatePolicyDefaults(db, user, { ...STANDARD, discretionLimit: 0 }, clock.now()))).code).toBe("FORBIDDEN");
      expect((await refusal(async () => await setBranchOverrides(db, user, { branchId: north.id, overrides: { discretionLimit: 0 } }, clock.now()))).code).toBe("FORBIDDEN");
    }
    expect(await audits()).toHaveLength(before);
    expect(await getPolicyDefaults(db)).toEqual(STANDARD);
  });
});
