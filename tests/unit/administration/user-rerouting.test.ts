// Pending approvals follow the people: when an administrator deactivates a manager, changes their
// role or moves them, the branch's waiting proposals go to another manager or to finance, in the
// same transaction, audited, with the new approvers told.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, delegations, emailOutbox, gestures, notifications, type User } from "../../../db/schema";
import { createDelegation } from "~/domain/approvals/delegations.server";
import { decisionRight, REROUTE_NOTIFY_CAP } from "~/domain/approvals/routing.server";
import { deactivateUser, reactivateUser, updateUser } from "~/domain/administration/users.server";
import type { Db } from "~/utils/db.server";
import { createClock, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { createGesture } from "../../support/gesture-factory";
import { firstRow } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

const TODAY = "2026-03-02";
let db: Db;
let clock: TestClock;
let admin: User;
let branchId: number;
let customerId: number;
let staff: User;
let manager: User;
let finance: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  await createOrganisation(db);
  admin = await createUser(db, { role: "admin" });
  branchId = (await createBranch(db, { name: "North" })).id;
  customerId = (await createCustomer(db, { branchId })).id;
  staff = await createUser(db, { role: "staff", branchId });
  manager = await createUser(db, { role: "manager", branchId, name: "Maria Lopez" });
  finance = await createUser(db, { role: "finance" });
});
afterEach(() => closeDatabase(db));

const routeOf = async (id: number) => (await firstRow(db.select({ route: gestures.approvalRoute }).from(gestures).where(eq(gestures.id, id)).limit(1)))!.route;
const notificationsOf = async (user: User) => await db.select().from(notifications).where(eq(notifications.userId, user.id)).orderBy(notifications.id);
const reroutes = async () =>
  (await db.select().from(auditEvents).where(eq(auditEvents.action, "gesture.rerouted")).orderBy(auditEvents.id)).map((e) => ({
    actorId: e.actorId,
    entityId: e.entityId,
    detail: JSON.parse(e.detail) as Record<string, unknown>,
  }));

describe("deactivating a manager", () => {
  it("with two managers, the branch's pending proposals stay with the other manager, who can decide them", async () => {
    const second = await createUser(db, { role: "manager", branchId });
    const pending = [await createGesture(db, { customerId, branchId, proposerId: staff.id }), await createGesture(db, { customerId, branchId, proposerId: staff.id })];
    await deactivateUser(db, admin, { userId: manager.id }, clock.now());
    for (const gesture of pending) {
      expect(await routeOf(gesture.id)).toBe("branch");
      expect((await decisionRight(db, second, { ...gesture }, TODAY)).allowed).toBe(true);
    }
    expect(await reroutes()).toEqual([]);
    expect(await notificationsOf(finance)).toEqual([]);
  });

  it("a sole manager's pending proposals route to finance; finance is told of each and it is audited once per proposal", async () => {
    const financeTwo = await createUser(db, { role: "finance" });
    const pending = [
      await createGesture(db, { customerId, branchId, proposerId: staff.id }),
      await createGesture(db, { customerId, branchId, proposerId: staff.id, type: "voucher", requestedAmount: 2500 }),
    ];
    // Not waiting for anyone: left alone.
    const approved = await createGesture(db, { customerId, branchId, proposerId: staff.id, status: "approved", approvedAmount: 8000 });
    await deactivateUser(db, admin, { userId: manager.id }, clock.now());
    expect(await mapInSeries(pending, async (g) => await routeOf(g.id))).toEqual(["finance", "finance"]);
    expect(await routeOf(approved.id)).toBeNull();
    expect(await reroutes()).toEqual(pending.map((g) => ({ actorId: admin.id, entityId: String(g.id), detail: { branchId, fromRoute: "branch", toRoute: "finance", reason: "user_deactivated" } })));
    for (const user of [finance, financeTwo]) {
      const received = await notificationsOf(user);
      expect(received.map((n) => [n.kind, n.gestureId])).toEqual(pending.map((g) => ["approval_needed", g.id]));
      expect(received[1]!.message).toBe(
        `Proposal #${pending[1]!.id} at North: Coffee or meal voucher, $25.00 needs your decision: no manager of the branch can decide it now, so it has moved to finance.`,
      );
    }
    // Each notification has its e-mail in the outbox, linking to the proposal.
    const mails = await db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, finance.email));
    expect(mails).toHaveLength(2);
    expect(mails[0]!.body).toContain(`Open it in Empathy Fund: /gestures/${pending[0]!.id}`);
    expect((await decisionRight(db, finance, { ...pending[0]!, approvalRoute: "finance" }, TODAY)).allowed).toBe(true);
  });

  it("above the cap, each approver gets the first proposals one by one and a summary of the rest", async () => {
    for (let i = 0; i < REROUTE_NOTIFY_CAP + 5; i++) await createGesture(db, { customerId, branchId, proposerId: staff.id });
    await deactivateUser(db, admin, { userId: manager.id }, clock.now());
    const received = await notificationsOf(finance);
    expect(received).toHaveLength(REROUTE_NOTIFY_CAP + 1);
    expect(received.at(-1)!.message).toBe("5 more proposals of North now need your decision. They are in your approval queue.");
    expect(await reroutes()).toHaveLength(REROUTE_NOTIFY_CAP + 5);
  });

  it("the delegations they gave or held end, audited, and the other person is told", async () => {
    const otherManager = await createUser(db, { role: "manager", name: "Omar Other" });
    const given = await createDelegation(db, manager, { delegateId: finance.id, startsOn: TODAY, endsOn: "2026-03-05" }, clock.now());
    const held = await createDelegation(db, otherManager, { delegateId: manager.id, startsOn: "2026-03-09", endsOn: "2026-03-10" }, clock.now());
    await deactivateUser(db, admin, { userId: manager.id }, clock.now());
    expect(await db.select({ id: delegations.id, endedAt: delegations.endedAt }).from(delegations)).toEqual([
      { id: given.id, endedAt: clock.now() },
      { id: held.id, endedAt: clock.now() },
    ]);
    const ends = (await db.select().from(auditEvents).where(eq(auditEvents.action, "delegation.end"))).map((e) => JSON.parse(e.detail) as Record<string, unknown>);
    expect(ends.map((d) => [d.managerId, d.delegateId, d.reason])).toEqual([
      [manager.id, finance.id, "user_deactivated"],
      [otherManager.id, manager.id, "user_deactivated"],
    ]);
    expect((await notificationsOf(otherManager)).at(-1)!.message).toMatch(/^Your delegation to Maria Lopez \(9 Mar 2026 to 10 Mar 2026\) ended because their account changed/);
    expect((await notificationsOf(finance)).at(-1)!.message).toMatch(/^Your delegation for Maria Lopez \(2 Mar 2026 to 5 Mar 2026\) ended/);
  });
});

describe("changing a manager's role or branch", () => {
  it("a sole manager made staff: their branch's proposals go to finance", async () => {
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id });
    await updateUser(db, admin, { userId: manager.id, name: manager.name, role: "staff", branchId }, clock.now());
    expect(await routeOf(gesture.id)).toBe("finance");
    expect((await reroutes())[0]!.detail.reason).toBe("user_changed");
  });

  it("a manager moved to a branch without one takes over the proposals that had gone to finance there", async () => {
    const south = (await createBranch(db, { name: "South" })).id;
    const southStaff = await createUser(db, { role: "staff", branchId: south });
    const southGesture = await createGesture(db, { customerId: (await createCustomer(db, { branchId: south })).id, branchId: south, proposerId: southStaff.id, approvalRoute: "finance" });
    const northGesture = await createGesture(db, { customerId, branchId, proposerId: staff.id });
    await updateUser(db, admin, { userId: manager.id, name: manager.name, role: "manager", branchId: south }, clock.now());
    expect(await routeOf(northGesture.id)).toBe("finance");
    expect(await routeOf(southGesture.id)).toBe("branch");
    expect((await notificationsOf(manager)).map((n) => n.gestureId)).toEqual([southGesture.id]);
    expect((await notificationsOf(manager))[0]!.message).toMatch(/can decide it again, so it has moved back to the branch\.$/);
  });

  it("a name change alone reroutes nothing", async () => {
    await createGesture(db, { customerId, branchId, proposerId: staff.id });
    await updateUser(db, admin, { userId: manager.id, name: "Maria López", role: "manager", branchId }, clock.now());
    expect(await reroutes()).toEqual([]);
  });

  it("reactivating a sole manager brings the proposals back from finance", async () => {
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id });
    await deactivateUser(db, admin, { userId: manager.id }, clock.now());
    expect(await routeOf(gesture.id)).toBe("finance");
    await reactivateUser(db, admin, { userId: manager.id }, clock.now());
    expect(await routeOf(gesture.id)).toBe("branch");
    expect((await reroutes()).map((r) => r.detail.reason)).toEqual(["user_deactivated", "user_reactivated"]);
  });

  it("a delegate who becomes an administrator stops being a delegate; the manager's own proposal then goes to finance", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    await createDelegation(db, manager, { delegateId: otherManager.id, startsOn: TODAY, endsOn: "2026-03-05" }, clock.now());
    const own = await createGesture(db, { customerId, branchId, proposerId: manager.id, approvalRoute: "branch" });
    await updateUser(db, admin, { userId: otherManager.id, name: otherManager.name, role: "admin", branchId: null }, clock.now());
    expect(await routeOf(own.id)).toBe("finance");
    expect((await notificationsOf(manager)).at(-1)!.message).toMatch(/^Your delegation to .* ended because their account changed/);
  });
});
