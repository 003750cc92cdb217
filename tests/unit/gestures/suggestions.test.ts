import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Branch, User } from "../../../db/schema";
import { addSignal } from "~/domain/customers/customers.server";
import { dismissSuggestion, listSuggestions } from "~/domain/gestures/suggestions.server";
import { eraseCustomer } from "~/domain/customers/privacy.server";
import type { Db } from "~/utils/db.server";
import { createClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createSignal, createUser } from "../../support/factories";

let db: Db;
let branch: Branch;
let staff: User;
const clock = createClock("2026-06-15T15:00:00Z"); // today: 2026-06-15 (New York)
const names = async () => (await listSuggestions(db, staff, clock.now())).rows.map((r) => r.name);

beforeEach(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  branch = await createBranch(db);
  staff = await createUser(db, { role: "staff", branchId: branch.id });
});
afterEach(() => closeDatabase(db));

describe("suggestion windows", () => {
  it("a bereavement suggests a gesture for 30 days, a long wait for 14", async () => {
    const a = await createCustomer(db, { branchId: branch.id, name: "Bereaved Thirty" });
    const b = await createCustomer(db, { branchId: branch.id, name: "Bereaved ThirtyOne" });
    const c = await createCustomer(db, { branchId: branch.id, name: "Waited Fourteen" });
    const d = await createCustomer(db, { branchId: branch.id, name: "Waited Fifteen" });
    await createSignal(db, a, { kind: "bereavement", occurredOn: "2026-05-16" });
    await createSignal(db, b, { kind: "bereavement", occurredOn: "2026-05-15" });
    await createSignal(db, c, { kind: "long_wait", occurredOn: "2026-06-01" });
    await createSignal(db, d, { kind: "long_wait", occurredOn: "2026-05-31" });
    expect((await names()).sort()).toEqual(["Bereaved Thirty", "Waited Fourteen"]);
  });

  it("a birthday in the next 14 days is suggested, across the new year too", async () => {
    await createCustomer(db, { branchId: branch.id, name: "Birthday Soon", birthday: "06-20" });
    await createCustomer(db, { branchId: branch.id, name: "Birthday Later", birthday: "07-01" });
    await createCustomer(db, { branchId: branch.id, name: "Birthday Past", birthday: "06-14" });
    expect(await names()).toEqual(["Birthday Soon"]);
    clock.set("2026-12-25T15:00:00Z");
    await createCustomer(db, { branchId: branch.id, name: "New Year Baby", birthday: "01-02" });
    expect(await names()).toEqual(["New Year Baby"]);
    clock.set("2026-06-15T15:00:00Z");
  });

  it("5th, 10th, 20th and 25th customer anniversaries within 30 days are suggested; others are not", async () => {
    await createCustomer(db, { branchId: branch.id, name: "Twenty Years", customerSince: "2006-07-01" });
    await createCustomer(db, { branchId: branch.id, name: "Five Years", customerSince: "2021-06-15" });
    await createCustomer(db, { branchId: branch.id, name: "Seven Years", customerSince: "2019-07-01" });
    await createCustomer(db, { branchId: branch.id, name: "Ten Years Too Late", customerSince: "2016-08-01" });
    const rows = (await listSuggestions(db, staff, clock.now())).rows;
    expect(rows.map((r) => r.name).sort()).toEqual(["Five Years", "Twenty Years"]);
    expect(rows.find((r) => r.name === "Twenty Years")!.reason).toBe("20th customer anniversary in 16 days · customer since 2006");
  });

  it("a survey promoter prompts no suggestion", async () => {
    const c = await createCustomer(db, { branchId: branch.id, name: "Happy" });
    await createSignal(db, c, { kind: "survey_promoter", occurredOn: "2026-06-14" });
    expect(await names()).toEqual([]);
  });
});

describe("suggestion ranking", () => {
  it("ranks by kind, then recency, severity and tenure, and says why in words", async () => {
    const bereaved = await createCustomer(db, { branchId: branch.id, name: "Bereaved", customerSince: "2004-03-01" });
    const waitedOld = await createCustomer(db, { branchId: branch.id, name: "Waited Old", customerSince: "2025-01-01" });
    const waitedNew = await createCustomer(db, { branchId: branch.id, name: "Waited New", customerSince: "2025-01-01" });
    const waitedSevere = await createCustomer(db, { branchId: branch.id, name: "Waited Severe", customerSince: "2025-01-01" });
    await createSignal(db, bereaved, { kind: "bereavement", occurredOn: "2026-06-12", severity: 2 });
    await createSignal(db, waitedOld, { kind: "long_wait", occurredOn: "2026-06-05", severity: 2 });
    await createSignal(db, waitedNew, { kind: "long_wait", occurredOn: "2026-06-14", severity: 2 });
    await createSignal(db, waitedSevere, { kind: "long_wait", occurredOn: "2026-06-14", severity: 3 });
    const rows = (await listSuggestions(db, staff, clock.now())).rows;
    expect(rows.map((r) => r.name)).toEqual(["Bereaved", "Waited Severe", "Waited New", "Waited Old"]);
    expect(rows[0]!.reason).toBe("Bereavement noted 3 days ago · customer since 2004");
    const parts = rows[0]!.scoreParts;
    expect(rows[0]!.score).toBe(parts.kind + parts.recency + parts.severity + parts.tenure + parts.worked);
  });

  it("one row per customer, for their strongest reason", async () => {
    const c = await createCustomer(db, { branchId: branch.id, name: "Two Reasons" });
    await createSignal(db, c, { kind: "long_wait", occurredOn: "2026-06-14" });
    await createSignal(db, c, { kind: "illness", occurredOn: "2026-06-10" });
    const rows = (await listSuggestions(db, staff, clock.now())).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.occasion).toMatchObject({ type: "signal", kind: "illness" });
  });
});

describe("suggestion exclusions", () => {
  it("do-not-contact and erased customers never appear, nor other branches' customers", async () => {
    const admin = await createUser(db, { role: "admin" });
    const other = await createBranch(db);
    const dnc = await createCustomer(db, { branchId: branch.id, name: "Leave Me", doNotContact: true, doNotContactReason: "Asked" });
    const erased = await createCustomer(db, { branchId: branch.id, name: "Gone", crmRef: "GONE-1" });
    const elsewhere = await createCustomer(db, { branchId: other.id, name: "Elsewhere" });
    for (const c of [dnc, erased, elsewhere]) await createSignal(db, c, { kind: "bereavement", occurredOn: "2026-06-14" });
    await createCustomer(db, { branchId: branch.id, name: "Dnc Birthday", birthday: "06-16", doNotContact: true, doNotContactReason: "Asked" });
    await eraseCustomer(db, admin, { crmRef: "GONE-1" }, clock.now());
    expect(await names()).toEqual([]);
  });

  it("a dismissed suggestion returns only with a new signal", async () => {
    const c = await createCustomer(db, { branchId: branch.id, name: "Dismissed" });
    await createSignal(db, c, { kind: "complaint", occurredOn: "2026-06-10" });
    await dismissSuggestion(db, staff, { customerId: c.id, reason: "Already called them" }, clock.now());
    expect(await names()).toEqual([]);
    await createSignal(db, c, { kind: "complaint", occurredOn: "2026-06-09" }); // an older event, newly recorded
    expect(await names()).toEqual(["Dismissed"]);
  });

  it("a dismissed birthday does not return the next day", async () => {
    const c = await createCustomer(db, { branchId: branch.id, name: "Birthday", birthday: "06-20" });
    await dismissSuggestion(db, staff, { customerId: c.id, reason: "Not appropriate" }, clock.now());
    clock.advance(24 * 60 * 60 * 1000);
    expect(await names()).toEqual([]);
    clock.set("2026-06-15T15:00:00Z");
  });

  it("a newly added staff signal puts the customer in the queue", async () => {
    const c = await createCustomer(db, { branchId: branch.id, name: "Fresh" });
    expect(await names()).toEqual([]);
    await addSignal(db, staff, { customerId: c.id, kind: "service_failure", occurredOn: "2026-06-15", severity: 2, note: null }, clock.now());
    expect(await names()).toEqual(["Fresh"]);
  });
});
