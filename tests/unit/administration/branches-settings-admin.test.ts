import { parseWithZod } from "@conform-to/zod/v4";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, type User } from "../../../db/schema";
import { CreateBranchSchema, CreateUserSchema, OrganisationSettingsSchema } from "~/domain/administration/admin-schemas";
import { setupBudget } from "../../support/budget";
import { createBranch as createBranchAsAdmin, getBranch, updateBranch } from "~/domain/administration/branches.server";
import { getOrganisation, updateOrganisationSettings } from "~/domain/core/organisation.server";
import type { Db } from "~/utils/db.server";
import { createClock, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { refusal } from "../../support/refusal";
import { createBranch, createOrganisation, createUser } from "../../support/factories";

let db: Db;
let clock: TestClock;
let admin: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  admin = await createUser(db, { role: "admin" });
});
afterEach(() => closeDatabase(db));

async function lastAudit() {
  const row = (await db.select().from(auditEvents).orderBy(auditEvents.id)).at(-1)!;
  return { ...row, detail: JSON.parse(row.detail) as Record<string, unknown> };
}

function parse<S extends Parameters<typeof parseWithZod>[1]["schema"]>(schema: S, values: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  const submission = parseWithZod(data, { schema });
  return { status: submission.status, error: submission.status === "success" ? undefined : submission.error };
}

describe("branches", () => {
  it("a new branch gets an upper-case code, and the audit records its code, name and region", async () => {
    const branch = await createBranchAsAdmin(db, admin, { code: "wst", name: "West", region: "Western Region" }, clock.now());
    expect(branch).toMatchObject({ code: "WST", name: "West", region: "Western Region", active: true });
    expect(await lastAudit()).toMatchObject({ action: "branch.created", actorId: admin.id });
    expect((await lastAudit()).detail).toEqual({ code: "WST", name: "West", region: "Western Region" });
  });

  it("a branch code already in use is refused beside the code field", async () => {
    await createBranch(db, { code: "NTH" });
    expect(await refusal(async () => await createBranchAsAdmin(db, admin, { code: "nth", name: "North 2", region: "R" }, clock.now()))).toMatchObject({
      code: "CONFLICT",
      field: "code",
    });
  });

  it("the branch form accepts 2 to 10 capital letters, digits or hyphens, and needs a name and region", () => {
    expect(parse(CreateBranchSchema, { code: "n-1", name: "N", region: "R" }).status).toBe("success");
    const bad = parse(CreateBranchSchema, { code: "N", name: "", region: "" });
    expect(bad.error?.code).toEqual(["A branch code has at least 2 characters."]);
    expect(bad.error?.name).toEqual(["Enter the branch's name."]);
    expect(bad.error?.region).toEqual(["Enter the region."]);
    expect(parse(CreateBranchSchema, { code: "NO SPACE", name: "N", region: "R" }).error?.code).toEqual(["Use capital letters, digits and hyphens only."]);
    expect(parse(CreateBranchSchema, { code: "ABCDEFGHIJK", name: "N", region: "R" }).status).toBe("error");
    expect(parse(CreateBranchSchema, { code: "AB", name: "N", region: "R", extra: "x" }).status).toBe("error");
  });

  it("renaming a branch or moving it to another region is audited with before and after; the code stays", async () => {
    const branch = await createBranch(db, { code: "HBR", name: "Harbour", region: "South" });
    await updateBranch(db, admin, { branchId: branch.id, name: "Harbourside", region: "Coast" }, clock.now());
    expect(await getBranch(db, branch.id)).toMatchObject({ code: "HBR", name: "Harbourside", region: "Coast" });
    expect((await lastAudit()).detail).toEqual({ code: "HBR", nameBefore: "Harbour", nameAfter: "Harbourside", regionBefore: "South", regionAfter: "Coast" });
  });

  it("only administrators manage branches", async () => {
    const finance = await createUser(db, { role: "finance" });
    expect((await refusal(async () => await createBranchAsAdmin(db, finance, { code: "XX", name: "X", region: "R" }, clock.now()))).code).toBe("FORBIDDEN");
    const branch = await createBranch(db);
    const manager = await createUser(db, { role: "manager", branchId: branch.id });
    expect((await refusal(async () => await updateBranch(db, manager, { branchId: branch.id, name: "Mine", region: "R" }, clock.now()))).code).toBe("FORBIDDEN");
  });
});

describe("organisation settings", () => {
  it("name, currency and time zone are saved, and the audit keeps each changed value before and after", async () => {
    await createOrganisation(db);
    const settings = { ...(await getOrganisation(db)), name: "Test Bank", currency: "CHF", timeZone: "Europe/Zurich" };
    await updateOrganisationSettings(db, admin, settings, clock.now());
    expect(await getOrganisation(db)).toMatchObject({ name: "Test Bank", currency: "CHF", timeZone: "Europe/Zurich", periodLength: "quarter" });
    expect(await lastAudit()).toMatchObject({ action: "organisation.updated", actorId: admin.id });
    expect((await lastAudit()).detail).toEqual({ currencyBefore: "USD", currencyAfter: "CHF", timeZoneBefore: "America/New_York", timeZoneAfter: "Europe/Zurich" });
  });

  it("period length, the unspent-balance rule and the retention of sensitive notes are saved and audited", async () => {
    await createOrganisation(db);
    await updateOrganisationSettings(db, admin, { ...(await getOrganisation(db)), periodLength: "month", unspentBalanceRule: "carry_over", sensitiveRetentionDays: 30 }, clock.now());
    expect(await getOrganisation(db)).toMatchObject({ periodLength: "month", unspentBalanceRule: "carry_over", sensitiveRetentionDays: 30 });
    expect((await lastAudit()).detail).toEqual({
      periodLengthBefore: "quarter",
      periodLengthAfter: "month",
      unspentBalanceRuleBefore: "lapse",
      unspentBalanceRuleAfter: "carry_over",
      sensitiveRetentionDaysBefore: 90,
      sensitiveRetentionDaysAfter: 30,
    });
  });

  it("the settings form refuses a retention period outside 7 to 3650 days and an unknown period length", () => {
    const base = { name: "B", currency: "EUR", timeZone: "UTC", unspentBalanceRule: "lapse" };
    expect(parse(OrganisationSettingsSchema, { ...base, periodLength: "year", sensitiveRetentionDays: "90" }).error?.periodLength).toEqual(["Choose month or quarter."]);
    expect(parse(OrganisationSettingsSchema, { ...base, periodLength: "month", sensitiveRetentionDays: "3" }).error?.sensitiveRetentionDays).toEqual(["Keep sensitive notes at least 7 days."]);
    for (const days of ["1.5", "1e3", "-30", "ninety"]) {
      expect(parse(OrganisationSettingsSchema, { ...base, periodLength: "month", sensitiveRetentionDays: days }).error?.sensitiveRetentionDays).toEqual(["Enter a whole number of days, such as 90."]);
    }
  });

  it("the settings form refuses a currency outside the list and a time zone that does not exist", () => {
    const extra = { periodLength: "quarter", unspentBalanceRule: "lapse", sensitiveRetentionDays: "90", complaintsProcessText: "Refer it to the complaints team." };
    expect(parse(OrganisationSettingsSchema, { name: "B", currency: "EUR", timeZone: "UTC", ...extra }).status).toBe("success");
    const bad = parse(OrganisationSettingsSchema, { name: "", currency: "XYZ", timeZone: "Mars/Olympus" });
    expect(bad.error?.name).toEqual(["Enter the organisation's name."]);
    expect(bad.error?.currency).toEqual(["Choose a currency from the list."]);
    expect(bad.error?.timeZone).toEqual(["Choose a time zone from the list, such as Europe/Zurich."]);
  });

  it("the currency cannot change once budgets hold money, and nothing else of that request is saved", async () => {
    const budget = await setupBudget(db, { branches: 1, now: clock.now() });
    expect(budget.pools).toHaveLength(1);
    const attempt = async () => await updateOrganisationSettings(db, admin, { ...(await getOrganisation(db)), name: "Renamed", currency: "EUR" }, clock.now());
    expect(await refusal(attempt)).toMatchObject({ code: "INVALID_STATE", field: "currency" });
    expect(await getOrganisation(db)).toMatchObject({ currency: "USD", name: "Test Bank" });
  });

  it("only administrators change the organisation's settings", async () => {
    const finance = await createUser(db, { role: "finance" });
    expect((await refusal(async () => await updateOrganisationSettings(db, finance, { ...(await getOrganisation(db)), name: "X" }, clock.now()))).code).toBe("FORBIDDEN");
  });
});

describe("the user form", () => {
  it("needs a name, a valid email and a role; the branch follows the role", () => {
    const empty = parse(CreateUserSchema, {});
    expect(empty.error?.name).toEqual(["Enter the person's name."]);
    expect(empty.error?.email).toEqual(["Enter an email address."]);
    expect(empty.error?.role).toEqual(["Choose a role."]);
    expect(parse(CreateUserSchema, { name: "A", email: "not-an-email", role: "staff", branchId: "1" }).error?.email).toEqual(["Enter an email address like name@example.com."]);
    expect(parse(CreateUserSchema, { name: "A", email: "a@example.com", role: "staff" }).error?.branchId).toEqual(["Staff and branch managers belong to a branch: choose one."]);
    expect(parse(CreateUserSchema, { name: "A", email: "a@example.com", role: "admin", branchId: "3" }).error?.branchId).toEqual([
      "Finance and administrators work across branches: leave the branch empty.",
    ]);
    expect(parse(CreateUserSchema, { name: "A", email: "a@example.com", role: "admin" }).status).toBe("success");
  });
});
