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

let db: Db;
let branch: Branch;
let staff: User;
let admin: User;
const clock = createClock("2026-06-15T15:00:00Z"); // "today" is 2026-06-15 in New York

beforeEach(async () => {
  db = createTestDatabase();
  createOrganisation(db);
  branch = createBranch(db);
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
  it("the job removes expired sensitive notes, keeps the fact of the signal, and a second run changes nothing", () => {
    const customer = createCustomer(db, { branchId: branch.id });
    const old = createSignal(db, customer, { kind: "illness", occurredOn: "2026-03-01", note: "Cancer treatment" });
    const recent = createSignal(db, customer, { kind: "illness", occurredOn: "2026-06-01", note: "Surgery" });
    const complaint = createSignal(db, customer, { kind: "complaint", occurredOn: "2025-01-01", note: "Rude clerk" });
    expect(redactExpiredNotes(db, clock.now())).toMatchObject({ signals: 1, revisions: 0 });
    const byId = (id: number) => db.select().from(signals).where(eq(signals.id, id)).get()!;
    expect(byId(old.id)).toMatchObject({ kind: "illness", occurredOn: "2026-03-01", note: null });
    expect(byId(old.id).noteRedactedAt).not.toBeNull();
    expect(byId(recent.id).note).toBe("Surgery");
    expect(byId(complaint.id).note).toBe("Rude clerk");
    expect(redactExpiredNotes(db, clock.now())).toMatchObject({ signals: 0, revisions: 0 });
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, "privacy.notes_redacted")).all()).toHaveLength(1);
  });

  it("the retention period is the organisation's setting", () => {
    db.update(organisation).set({ sensitiveRetentionDays: 10 }).run();
    const customer = createCustomer(db, { branchId: branch.id });
    createSignal(db, customer, { kind: "hardship", occurredOn: "2026-06-01", note: "Lost job" });
    expect(redactExpiredNotes(db, clock.now()).signals).toBe(1);
  });

  it("earlier versions of a corrected sensitive signal are redacted too", () => {
    const customer = createCustomer(db, { branchId: branch.id });
    const signal = addSignal(db, staff, { customerId: customer.id, kind: "bereavement", occurredOn: "2026-06-14", severity: 3, note: "First" }, clock.now());
    correctSignal(db, staff, { signalId: signal.id, kind: "bereavement", occurredOn: "2026-06-14", severity: 3, note: "Second" }, clock.now());
    const later = new Date("2026-12-01T15:00:00Z");
    expect(redactExpiredNotes(db, later)).toMatchObject({ signals: 1, revisions: 1 });
    expect(db.select().from(signalRevisions).all().map((r) => r.note)).toEqual([null]);
  });

  it("the customer page hides an expired note before the job runs, and says why", () => {
    const customer = createCustomer(db, { branchId: branch.id });
    createSignal(db, customer, { kind: "bereavement", occurredOn: "2026-01-02", note: "Mother died" });
    const page = viewCustomer(db, staff, { customerId: customer.id }, clock.now());
    expect(page.timeline[0]).toMatchObject({ kind: "bereavement", note: null });
    expect(page.timeline[0]!.noteHiddenReason).toMatch(/after 90 days/);
    expect(JSON.stringify(page)).not.toContain("Mother died");
  });
});

describe("erasure", () => {
  it("an admin erases a customer: name, address, birthday and notes go, the row stays under a pseudonym, and it is audited", () => {
    const customer = createCustomer(db, { branchId: branch.id, name: "Eve Erased", crmRef: "ERA-1", deliveryAddress: "1 Main St", birthday: "04-01" });
    createSignal(db, customer, { kind: "complaint", note: "Angry about fees" });
    const result = eraseCustomer(db, admin, { crmRef: "ERA-1" }, clock.now());
    const row = db.select().from(customers).where(eq(customers.id, customer.id)).get()!;
    expect(row).toMatchObject({ name: `Erased customer #${customer.id}`, deliveryAddress: null, birthday: null, doNotContact: true, crmRef: "ERA-1" });
    expect(row.erasedAt).not.toBeNull();
    expect(result.pseudonym).toBe(row.name);
    expect(db.select().from(signals).where(eq(signals.customerId, customer.id)).all()).toEqual([expect.objectContaining({ kind: "complaint", note: null })]);
    const audit = db.select().from(auditEvents).where(eq(auditEvents.action, "customer.erased")).get()!;
    expect(audit).toMatchObject({ actorId: admin.id, entityId: String(customer.id) });
    expect(audit.detail).not.toMatch(/Eve|Main|fees/);
  });

  it("only an admin can erase, and not twice", () => {
    createCustomer(db, { branchId: branch.id, crmRef: "ERA-2" });
    expect(() => eraseCustomer(db, staff, { crmRef: "ERA-2" }, clock.now())).toThrow(/Only an administrator/);
    eraseCustomer(db, admin, { crmRef: "ERA-2" }, clock.now());
    expect(() => eraseCustomer(db, admin, { crmRef: "ERA-2" }, clock.now())).toThrow(/already erased/);
    expect(() => eraseCustomer(db, admin, { crmRef: "NOPE" }, clock.now())).toThrow(/No customer/);
  });

  it("nothing more is recorded about an erased customer", () => {
    const customer = createCustomer(db, { branchId: branch.id, crmRef: "ERA-3" });
    eraseCustomer(db, admin, { crmRef: "ERA-3" }, clock.now());
    expect(() => addSignal(db, staff, { customerId: customer.id, kind: "complaint", occurredOn: "2026-06-14", severity: 2, note: null }, clock.now())).toThrow(/erased/);
  });
});
