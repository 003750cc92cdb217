import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, customers, organisation, signalRevisions, signals, type Branch, type User } from "../../../db/schema";
import { addSignal, correctSignal, viewCustomer } from "~/domain/customers/customers.server";
import { eraseCustomer, redactExpiredNotes } from "~/domain/customers/privacy.server";
import { visibleNote } from "~/domain/customers/privacy";
import type { Db } from "~/utils/db.server";
import { createClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createSignal, createUser } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

let db: Db;
let branch: Branch;
let staff: User;
let admin: User;
const clock = createClock("2026-06-15T15:00:00Z"); // "today" is 2026-06-15 in New York

beforeEach(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  branch = await createBranch(db);
  staff = await createUser(db, { role: "staff", branchId: branch.id });
  admin = await createUser(db, { role: "admin" });
});
afterEach(() => closeDatabase(db));

describe("who sees a sensitive note", () => {
  const customer = { branchId: 1, erasedAt: null };
  const signal = { kind: "bereavement" as const, occurredOn: "2026-06-01", note: "Spouse died", noteRedactedAt: null };
  it("staff and managers of the customer's branch see it", () => {
    expect(visibleNote({ role: "staff", branchId: 1 }, customer, signal, "2026-06-15", 90)).toBe("Spouse died");
    expect(visibleNote({ role: "manager", branchId: 1 }, customer, signal, "2026-06-15", 90)).toBe("Spouse died");
  });
  it("staff of another branch, finance and admins never see it", () => {
    expect(visibleNote({ role: "staff", branchId: 2 }, customer, signal, "2026-06-15", 90)).toBeNull();
    expect(visibleNote({ role: "finance", branchId: null }, customer, signal, "2026-06-15", 90)).toBeNull();
    expect(visibleNote({ role: "admin", branchId: null }, customer, signal, "2026-06-15", 90)).toBeNull();
  });
  it("past the retention period it is not shown even before the job has run", () => {
    expect(visibleNote({ role: "staff", branchId: 1 }, customer, signal, "2026-08-29", 90)).toBe("Spouse died");
    expect(visibleNote({ role: "staff", branchId: 1 }, customer, signal, "2026-08-30", 90)).toBeNull();
  });
  it("a non-sensitive note does not expire", () => {
    expect(visibleNote({ role: "staff", branchId: 1 }, customer, { ...signal, kind: "long_wait" }, "2030-01-01", 90)).toBe("Spouse died");
  });
});

describe("redaction of sensitive notes", () => {
  it("the job removes expired sensitive notes, keeps the fact of the signal, and a second run changes nothing", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    const old = await createSignal(db, customer, { kind: "illness", occurredOn: "2026-03-01", note: "Cancer treatment" });
    const recent = await createSignal(db, customer, { kind: "illness", occurredOn: "2026-06-01", note: "Surgery" });
    const complaint = await createSignal(db, customer, { kind: "complaint", occurredOn: "2025-01-01", note: "Rude clerk" });
    expect(await redactExpiredNotes(db, clock.now())).toMatchObject({ signals: 1, revisions: 0 });
    const byId = async (id: number) => (await firstRow(db.select().from(signals).where(eq(signals.id, id)).limit(1)))!;
    expect(await byId(old.id)).toMatchObject({ kind: "illness", occurredOn: "2026-03-01", note: null });
    expect((await byId(old.id)).noteRedactedAt).not.toBeNull();
    expect((await byId(recent.id)).note).toBe("Surgery");
    expect((await byId(complaint.id)).note).toBe("Rude clerk");
    expect(await redactExpiredNotes(db, clock.now())).toMatchObject({ signals: 0, revisions: 0 });
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, "privacy.notes_redacted"))).toHaveLength(1);
  });

  it("the retention period is the organisation's setting", async () => {
    await db.update(organisation).set({ sensitiveRetentionDays: 10 });
    const customer = await createCustomer(db, { branchId: branch.id });
    await createSignal(db, customer, { kind: "hardship", occurredOn: "2026-06-01", note: "Lost job" });
    expect((await redactExpiredNotes(db, clock.now())).signals).toBe(1);
  });

  it("earlier versions of a corrected sensitive signal are redacted too", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    const signal = await addSignal(db, staff, { customerId: customer.id, kind: "bereavement", occurredOn: "2026-06-14", severity: 3, note: "First" }, clock.now());
    await correctSignal(db, staff, { signalId: signal.id, kind: "bereavement", occurredOn: "2026-06-14", severity: 3, note: "Second" }, clock.now());
    const later = new Date("2026-12-01T15:00:00Z");
    expect(await redactExpiredNotes(db, later)).toMatchObject({ signals: 1, revisions: 1 });
    expect((await db.select().from(signalRevisions)).map((r) => r.note)).toEqual([null]);
  });

  it("the customer page hides an expired note before the job runs, and says why", async () => {
    const customer = await createCustomer(db, { branchId: branch.id });
    await createSignal(db, customer, { kind: "bereavement", occurredOn: "2026-01-02", note: "Mother died" });
    const page = await viewCustomer(db, staff, { customerId: customer.id }, clock.now());
    expect(page.timeline[0]).toMatchObject({ kind: "bereavement", note: null });
    expect(page.timeline[0]!.noteHiddenReason).toMatch(/after 90 days/);
    expect(JSON.stringify(page)).not.toContain("Mother died");
  });
});

describe("erasure", () => {
  it("an admin erases a customer: name, address, birthday and notes go, the row stays under a pseudonym, and it is audited", async () => {
    const customer = await createCustomer(db, { branchId: branch.id, name: "Eve Erased", crmRef: "ERA-1", deliveryAddress: "1 Main St", birthday: "04-01" });
    await createSignal(db, customer, { kind: "complaint", note: "Angry about fees" });
    const result = await eraseCustomer(db, admin, { crmRef: "ERA-1" }, clock.now());
    const row = (await firstRow(db.select().from(customers).where(eq(customers.id, customer.id)).limit(1)))!;
    expect(row).toMatchObject({ name: `Erased customer #${customer.id}`, deliveryAddress: null, birthday: null, doNotContact: true, crmRef: "ERA-1" });
    expect(row.erasedAt).not.toBeNull();
    expect(result.pseudonym).toBe(row.name);
    expect(await db.select().from(signals).where(eq(signals.customerId, customer.id))).toEqual([expect.objectContaining({ kind: "complaint", note: null })]);
    const audit = (await firstRow(db.select().from(auditEvents).where(eq(auditEvents.action, "customer.erased")).limit(1)))!;
    expect(audit).toMatchObject({ actorId: admin.id, entityId: String(customer.id) });
    expect(audit.detail).not.toMatch(/Eve|Main|fees/);
  });

  it("only an admin can erase, and not twice", async () => {
    await createCustomer(db, { branchId: branch.id, crmRef: "ERA-2" });
    await expect(eraseCustomer(db, staff, { crmRef: "ERA-2" }, clock.now())).rejects.toThrow(/Only an administrator/);
    await eraseCustomer(db, admin, { crmRef: "ERA-2" }, clock.now());
    await expect(eraseCustomer(db, admin, { crmRef: "ERA-2" }, clock.now())).rejects.toThrow(/already erased/);
    await expect(eraseCustomer(db, admin, { crmRef: "NOPE" }, clock.now())).rejects.toThrow(/No customer/);
  });

  it("nothing more is recorded about an erased customer", async () => {
    const customer = await createCustomer(db, { branchId: branch.id, crmRef: "ERA-3" });
    await eraseCustomer(db, admin, { crmRef: "ERA-3" }, clock.now());
    await expect(addSignal(db, staff, { customerId: customer.id, kind: "complaint", occurredOn: "2026-06-14", severity: 2, note: null }, clock.now())).rejects.toThrow(/erased/);
  });
});
