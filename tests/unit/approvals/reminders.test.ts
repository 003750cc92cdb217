// Reminders for proposals waiting more than two working days (Monday to Friday, in the
// organisation's time zone, America/New_York in these tests).
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gestures, notifications, type User } from "../../../db/schema";
import { createDelegation } from "~/domain/approvals/delegations.server";
import { sendApprovalReminders } from "~/domain/approvals/reminders.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { createDecision, createGesture } from "../../support/gesture-factory";

let db: Db;
let branchId: number;
let customerId: number;
let staff: User;
let manager: User;
let finance: User;

// Friday 27 February 2026, 17:00 in New York (22:00 UTC).
const FRIDAY_5PM = new Date("2026-02-27T22:00:00Z");
// Two working days later: Tuesday 3 March, 17:00 in New York.
const TUESDAY_4_59PM = new Date("2026-03-03T21:59:00Z");
const TUESDAY_5_01PM = new Date("2026-03-03T22:01:00Z");

beforeEach(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  branchId = (await createBranch(db, { name: "North" })).id;
  customerId = (await createCustomer(db, { branchId })).id;
  staff = await createUser(db, { role: "staff", branchId });
  manager = await createUser(db, { role: "manager", branchId });
  finance = await createUser(db, { role: "finance" });
});
afterEach(() => closeDatabase(db));

const remindersOf = async (user: User) => (await db.select().from(notifications).where(eq(notifications.userId, user.id))).filter((n) => n.kind === "approval_reminder");

describe("approval reminders", () => {
  it("a proposal submitted on Friday at 17:00 is reminded to the manager after Tuesday 17:00, once, never to the proposer", async () => {
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id, submittedAt: FRIDAY_5PM });
    expect(await sendApprovalReminders(db, TUESDAY_4_59PM)).toEqual({ overdue: 0, sent: 0 });
    expect(await sendApprovalReminders(db, TUESDAY_5_01PM)).toEqual({ overdue: 1, sent: 1 });
    expect(await sendApprovalReminders(db, new Date("2026-03-05T12:00:00Z"))).toEqual({ overdue: 1, sent: 0 });
    const [reminder] = await remindersOf(manager);
    expect(reminder).toMatchObject({ gestureId: gesture.id, dedupeKey: `approval_reminder:${gesture.id}:submitted:${FRIDAY_5PM.getTime()}:${manager.id}` });
    expect(reminder!.message).toBe(`Proposal #${gesture.id} at North: Flowers, $80.00 has waited for a decision since 27 Feb 2026, more than two working days.`);
    expect(await remindersOf(staff)).toEqual([]);
    expect(await remindersOf(finance)).toEqual([]);
  });

  it("a proposal routed to finance reminds every finance user", async () => {
    const financeTwo = await createUser(db, { role: "finance" });
    await createGesture(db, { customerId, branchId, proposerId: manager.id, approvalRoute: "finance", submittedAt: FRIDAY_5PM });
    expect((await sendApprovalReminders(db, TUESDAY_5_01PM)).sent).toBe(2);
    expect(await remindersOf(finance)).toHaveLength(1);
    expect(await remindersOf(financeTwo)).toHaveLength(1);
  });

  it("waiting for finance counts from the manager's approval, and the first approver is not reminded", async () => {
    const financeTwo = await createUser(db, { role: "finance" });
    // Submitted long ago, approved at manager level (by a finance delegate) on Monday 2 March at 10:00 New York.
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id, status: "awaiting_finance", submittedAt: new Date("2026-02-16T15:00:00Z"), approvedAmount: 20000 });
    const approvedAt = new Date("2026-03-02T15:00:00Z");
    await createDecision(db, { gestureId: gesture.id, approverId: financeTwo.id, onBehalfOfId: manager.id, amount: 20000, at: approvedAt });
    expect((await sendApprovalReminders(db, new Date("2026-03-04T14:59:00Z"))).sent).toBe(0);
    expect((await sendApprovalReminders(db, new Date("2026-03-04T15:01:00Z"))).sent).toBe(1);
    expect((await remindersOf(finance))[0]!.message).toBe(`Proposal #${gesture.id} at North: Flowers, $200.00 has waited for finance's second approval since 2 Mar 2026, more than two working days.`);
    expect(await remindersOf(financeTwo)).toEqual([]);
  });

  it("while the manager is away the reminder goes to their delegate instead", async () => {
    const delegate = await createUser(db, { role: "manager" });
    await createDelegation(db, manager, { delegateId: delegate.id, startsOn: "2026-03-03", endsOn: "2026-03-06" }, new Date("2026-03-02T14:00:00Z"));
    await createGesture(db, { customerId, branchId, proposerId: staff.id, submittedAt: FRIDAY_5PM });
    await sendApprovalReminders(db, TUESDAY_5_01PM);
    expect(await remindersOf(delegate)).toHaveLength(1);
    expect(await remindersOf(manager)).toEqual([]);
  });

  it("a proposal returned and resubmitted starts a new wait and is reminded again", async () => {
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id, submittedAt: FRIDAY_5PM });
    await sendApprovalReminders(db, TUESDAY_5_01PM);
    // Resubmitted on Wednesday 4 March at 09:00 New York: due after Friday 09:00.
    const resubmitted = new Date("2026-03-04T14:00:00Z");
    await db.update(gestures).set({ submittedAt: resubmitted }).where(eq(gestures.id, gesture.id));
    expect((await sendApprovalReminders(db, new Date("2026-03-06T13:59:00Z"))).sent).toBe(0);
    expect((await sendApprovalReminders(db, new Date("2026-03-06T14:01:00Z"))).sent).toBe(1);
    expect((await sendApprovalReminders(db, new Date("2026-03-06T19:01:00Z"))).sent).toBe(0);
    expect(await remindersOf(manager)).toHaveLength(2);
  });

  it("decided, withdrawn and draft proposals are never reminded", async () => {
    for (const status of ["approved", "rejected", "withdrawn", "returned", "draft"] as const) {
      await createGesture(db, { customerId, branchId, proposerId: staff.id, status, submittedAt: status === "draft" ? null : FRIDAY_5PM });
    }
    expect(await sendApprovalReminders(db, new Date("2026-03-20T12:00:00Z"))).toEqual({ overdue: 0, sent: 0 });
  });
});
