import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, signalRevisions, signals, type Branch, type User } from "../../../db/schema";
import { addSignal, correctSignal, searchCustomers, viewCustomer } from "~/domain/customers/customers.server";
import type { Db } from "~/utils/db.server";
import { createClock, HOUR } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createSignal, createUser } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

let db: Db;
let branch: Branch;
let other: Branch;
let staff: User;
let manager: User;
let otherStaff: User;
// 2026-03-02 09:00 UTC is 04:00 in New York: the organisation's "today" is 2026-03-02.
const clock = createClock("2026-03-02T15:00:00Z");

beforeEach(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  branch = await createBranch(db);
  other = await createBranch(db);
  staff = await createUser(db, { role: "staff", branchId: branch.id });
  manager = await createUser(db, { role: "manager", branchId: branch.id });
  otherStaff = await createUser(db, { role: "staff", branchId: other.id });
});
afterEach(() => closeDatabase(db));

describe("customer search", () => {
  it("finds customers of the user's branch by name, surname or CRM reference prefix, case-insensitively", async () => {
    const ada = await createCustomer(db, { branchId: branch.id, name: "Ada Lovelace", crmRef: "CRM-1001" });
    await createCustomer(db, { branchId: branch.id, name: "Charles Babbage", crmRef: "CRM-2002" });
    await createCustomer(db, { branchId: other.id, name: "Ada Byron", crmRef: "CRM-1003" });
    const search = async (query: string) => (await searchCustomers(db, staff, { query, page: 1, pageSize: 25 })).rows.map((r) => r.name);
    expect(await search("ada")).toEqual(["Ada Lovelace"]);
    expect(await search("LOVE")).toEqual(["Ada Lovelace"]);
    expect(await search("crm-10")).toEqual(["Ada Lovelace"]);
    expect(await search("CRM-1001")).toEqual(["Ada Lovelace"]);
    expect(await search("")).toEqual(["Ada Lovelace", "Charles Babbage"]);
    expect(await search("zzz")).toEqual([]);
    expect((await searchCustomers(db, staff, { query: "ada", page: 1, pageSize: 25 })).rows[0]!.id).toBe(ada.id);
  });

  it("pages through results with a next-page marker", async () => {
    for (let i = 0; i < 5; i++) await createCustomer(db, { branchId: branch.id, name: `Smith ${i}` });
    const first = await searchCustomers(db, staff, { query: "smith", page: 1, pageSize: 2 });
    const last = await searchCustomers(db, staff, { query: "smith", page: 3, pageSize: 2 });
    expect(first.rows).toHaveLength(2);
    expect(first.hasNext).toBe(true);
    expect(last.rows).toHaveLength(1);
    expect(last.hasNext).toBe(false);
  });

  it("finance and admins cannot search customers", async () => {
    const finance = await createUser(db, { role: "finance" });
    const admin = await createUser(db, { role: "admin" });
    await expect(searchCustomers(db, finance, { query: "", page: 1, pageSize: 25 })).rejects.toThrow(/Only staff and managers/);
    await expect(searchCustomers(db, admin, { query: "", page: 1, pageSize: 25 })).rejects.toThrow(/Only staff and managers/);
  });

});

describe("customer page", () => {
  it("a customer of another branch is not found, and nothing about them is returned", async () => {
    const customer = await createCustomer(db, { branchId: other.id });
    await expect(viewCustomer(db, staff, { customerId: customer.id }, clock.now())).rejects.toThrow(/no such customer/);
    expect((await viewCustomer(db, otherStaff, { customerId: customer.id }, clock.now())).customer.id).toBe(customer.id);
  });

  it("shows the timeline newest first, with staff notes", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    await createSignal(db, customer, { kind: "long_wait", occurredOn: "2026-02-20", note: "Waited 90 minutes" });
    await createSignal(db, customer, { kind: "complaint", occurredOn: "2026-02-25", note: "Card blocked twice" });
    const page = await viewCustomer(db, staff, { customerId: customer.id }, clock.now());
    expect(page.timeline.map((s) => [s.kind, s.note])).toEqual([
      ["complaint", "Card blocked twice"],
      ["long_wait", "Waited 90 minutes"],
    ]);
  });

  it("viewing a page with sensitive context records who viewed which customer, without the content", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    await createSignal(db, customer, { kind: "bereavement", occurredOn: "2026-02-27", note: "Husband passed away" });
    await viewCustomer(db, manager, { customerId: customer.id }, clock.now());
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "customer.sensitive_viewed"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: manager.id, entity: "customer", entityId: String(customer.id) });
    expect(events[0]!.detail).not.toMatch(/Husband|bereavement/i);
  });

  it("viewing a page without sensitive context records nothing", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    await createSignal(db, customer, { kind: "long_wait", occurredOn: "2026-02-27", note: "Queue" });
    await viewCustomer(db, staff, { customerId: customer.id }, clock.now());
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, "customer.sensitive_viewed"))).toHaveLength(0);
  });
});

describe("adding and correcting signals", () => {
  it("staff add a signal to a customer of their branch, and the audit trail does not name a sensitive kind", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    const signal = await addSignal(db, staff, { customerId: customer.id, kind: "illness", occurredOn: "2026-03-01", severity: 3, note: "In hospital" }, clock.now());
    expect(signal).toMatchObject({ source: "staff", createdById: staff.id, branchId: branch.id });
    const audit = (await firstRow(db.select().from(auditEvents).where(eq(auditEvents.action, "signal.added")).limit(1)))!;
    expect(audit.detail).not.toMatch(/illness|hospital/i);
  });

  it("a signal cannot be dated in the future (the organisation's calendar)", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    await expect(addSignal(db, staff, { customerId: customer.id, kind: "complaint", occurredOn: "2026-03-03", severity: 2, note: null }, clock.now())).rejects.toThrow(/future/);
  });

  it("staff cannot add a signal to another branch's customer", async () => {
    const customer = await createCustomer(db, { branchId: other.id });
    await expect(addSignal(db, staff, { customerId: customer.id, kind: "complaint", occurredOn: "2026-03-01", severity: 2, note: null }, clock.now())).rejects.toThrow(/no such customer/);
  });

  it("the author corrects their signal within a day and the previous version is kept", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    const signal = await addSignal(db, staff, { customerId: customer.id, kind: "complaint", occurredOn: "2026-03-01", severity: 1, note: "Typo" }, clock.now());
    const later = new Date(clock.now().getTime() + 3 * HOUR);
    await correctSignal(db, staff, { signalId: signal.id, kind: "service_failure", occurredOn: "2026-03-01", severity: 2, note: "Fixed" }, later);
    const current = (await firstRow(db.select().from(signals).where(eq(signals.id, signal.id)).limit(1)))!;
    expect(current).toMatchObject({ kind: "service_failure", note: "Fixed", correctedAt: later });
    const history = await db.select().from(signalRevisions).where(eq(signalRevisions.signalId, signal.id));
    expect(history).toEqual([expect.objectContaining({ kind: "complaint", note: "Typo", severity: 1, revisedById: staff.id })]);
    const page = await viewCustomer(db, staff, { customerId: customer.id }, later);
    expect(page.timeline[0]!.revisions.map((r) => r.note)).toEqual(["Typo"]);
  });

  it("a signal cannot be corrected by someone else, nor after a day", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    const signal = await addSignal(db, staff, { customerId: customer.id, kind: "complaint", occurredOn: "2026-03-01", severity: 1, note: null }, clock.now());
    const input = { signalId: signal.id, kind: "complaint" as const, occurredOn: "2026-03-01", severity: 2, note: null };
    await expect(correctSignal(db, manager, input, clock.now())).rejects.toThrow(/Only the person who recorded/);
    await expect(correctSignal(db, staff, input, new Date(clock.now().getTime() + 25 * HOUR))).rejects.toThrow(/within a day/);
    expect(await db.select().from(signalRevisions)).toHaveLength(0);
  });
});
