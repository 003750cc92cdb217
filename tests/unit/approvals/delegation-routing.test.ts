// Who decides a submitted proposal, with and without delegations: app/domain/approvals/routing.server.ts
// and app/domain/approvals/delegations.server.ts on a fresh migrated database.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, delegations, gestures, notifications, type User } from "../../../db/schema";
import { createDelegation, endDelegation, listDelegations, notifyDelegationStarts, eligibleDelegates } from "~/domain/approvals/delegations.server";
import { decisionRight, managerLevelApprovers, rerouteAllBranches, routeFor } from "~/domain/approvals/routing.server";
import type { Db } from "~/utils/db.server";
import { createClock, HOUR, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { createDecision, createGesture } from "../../support/gesture-factory";
import { refusal } from "../../support/refusal";
import { firstRow } from "~/utils/query.server";

const DAY = 24 * HOUR;
let db: Db;
let clock: TestClock;
let branchId: number;
let customerId: number;
let staff: User;
let manager: User;
let finance: User;

// The clock starts on Monday 2 March 2026 at 09:00 UTC: 04:00 in New York, the organisation's zone.
const TODAY = "2026-03-02";

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  await createOrganisation(db);
  branchId = (await createBranch(db, { name: "North" })).id;
  customerId = (await createCustomer(db, { branchId })).id;
  staff = await createUser(db, { role: "staff", branchId });
  manager = await createUser(db, { role: "manager", branchId, name: "Maria Lopez" });
  finance = await createUser(db, { role: "finance", name: "Frank Osei" });
});
afterEach(() => closeDatabase(db));

async function delegate(from: User, to: User, startsOn = TODAY, endsOn = "2026-03-06") {
  return await createDelegation(db, from, { delegateId: to.id, startsOn, endsOn }, clock.now());
}

async function notificationsOf(user: User) {
  return await db.select().from(notifications).where(eq(notifications.userId, user.id)).orderBy(notifications.id);
}

async function auditOf(action: string) {
  return (await db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(auditEvents.id)).map((e) => ({ ...e, detail: JSON.parse(e.detail) as Record<string, unknown> }));
}

describe("routing without delegations", () => {
  it("a staff proposal goes to every active manager of the branch, and nobody else decides it", async () => {
    const second = await createUser(db, { role: "manager", branchId });
    const otherBranchManager = await createUser(db, { role: "manager" });
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id });
    expect((await managerLevelApprovers(db, gesture, TODAY)).map((a) => a.userId).sort()).toEqual([manager.id, second.id].sort());
    expect(await decisionRight(db, manager, gesture, TODAY)).toEqual({ allowed: true, level: "manager", onBehalfOfId: null });
    expect((await decisionRight(db, otherBranchManager, gesture, TODAY)).allowed).toBe(false);
    expect((await decisionRight(db, finance, gesture, TODAY)).allowed).toBe(false);
    expect(await decisionRight(db, staff, gesture, TODAY)).toEqual({ allowed: false, reason: "Nobody may decide on their own proposal." });
  });

  it("a sole manager's own proposal goes to finance, and the manager cannot decide it even by a direct call", async () => {
    expect(await routeFor(db, { branchId, proposerId: manager.id }, TODAY)).toBe("finance");
    const gesture = await createGesture(db, { customerId, branchId, proposerId: manager.id, approvalRoute: "finance" });
    expect((await decisionRight(db, manager, gesture, TODAY)).allowed).toBe(false);
    expect(await decisionRight(db, finance, gesture, TODAY)).toEqual({ allowed: true, level: "manager", onBehalfOfId: null });
  });

  it("finance's second approval must come from someone other than the first approver", async () => {
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id, status: "awaiting_finance" });
    const financeTwo = await createUser(db, { role: "finance" });
    expect((await decisionRight(db, finance, gesture, TODAY, finance.id)).allowed).toBe(false);
    expect(await decisionRight(db, financeTwo, gesture, TODAY, finance.id)).toEqual({ allowed: true, level: "finance", onBehalfOfId: null });
    expect((await decisionRight(db, manager, gesture, TODAY, finance.id)).allowed).toBe(false);
  });
});

describe("routing with a delegation", () => {
  it("while the delegation lasts the delegate decides for the manager, and the manager keeps authority but is not notified", async () => {
    const otherManager = await createUser(db, { role: "manager", name: "Omar Other" });
    await delegate(manager, otherManager);
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id });
    expect(await managerLevelApprovers(db, gesture, TODAY)).toEqual([
      { userId: manager.id, onBehalfOfId: null, away: true },
      { userId: otherManager.id, onBehalfOfId: manager.id, away: false },
    ]);
    expect(await decisionRight(db, otherManager, gesture, TODAY)).toEqual({ allowed: true, level: "manager", onBehalfOfId: manager.id });
    expect(await decisionRight(db, manager, gesture, TODAY)).toEqual({ allowed: true, level: "manager", onBehalfOfId: null });
    // The day after its last day the delegate has no authority left.
    expect((await decisionRight(db, otherManager, gesture, "2026-03-07")).allowed).toBe(false);
    expect((await decisionRight(db, otherManager, gesture, "2026-03-01")).allowed).toBe(false);
  });

  it("a manager's own proposal with a delegate is decided by the delegate, not by the manager", async () => {
    await delegate(manager, finance);
    expect(await routeFor(db, { branchId, proposerId: manager.id }, TODAY)).toBe("branch");
    const gesture = await createGesture(db, { customerId, branchId, proposerId: manager.id, approvalRoute: "branch" });
    expect(await decisionRight(db, finance, gesture, TODAY)).toEqual({ allowed: true, level: "manager", onBehalfOfId: manager.id });
    expect((await decisionRight(db, manager, gesture, TODAY)).allowed).toBe(false);
  });

  it("a delegate never decides their own proposal, and the manager who delegated to them is then notified as usual", async () => {
    const colleague = await createUser(db, { role: "manager", branchId, name: "Colin Colleague" });
    await delegate(manager, colleague);
    const gesture = await createGesture(db, { customerId, branchId, proposerId: colleague.id });
    expect(await managerLevelApprovers(db, gesture, TODAY)).toEqual([{ userId: manager.id, onBehalfOfId: null, away: false }]);
    expect((await decisionRight(db, colleague, gesture, TODAY)).allowed).toBe(false);
  });

  it("a delegate who has since become staff, or been deactivated, holds no authority", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    await delegate(manager, otherManager);
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id });
    const { users } = await import("../../../db/schema");
    await db.update(users).set({ role: "staff" }).where(eq(users.id, otherManager.id));
    expect((await decisionRight(db, { ...otherManager, role: "staff" }, gesture, TODAY)).allowed).toBe(false);
    await db.update(users).set({ role: "manager", active: false }).where(eq(users.id, otherManager.id));
    expect((await decisionRight(db, otherManager, gesture, TODAY)).allowed).toBe(false);
    // The manager is no longer covered, so they are told about new proposals again.
    expect(await managerLevelApprovers(db, gesture, TODAY)).toEqual([{ userId: manager.id, onBehalfOfId: null, away: false }]);
  });
});

describe("creating a delegation", () => {
  it("is refused with a message beside the field for each invalid input", async () => {
    const admin = await createUser(db, { role: "admin" });
    const inactive = await createUser(db, { role: "manager", active: false });
    const otherManager = await createUser(db, { role: "manager" });
    const at = clock.now();
    const cases: [Parameters<typeof createDelegation>[2], string, RegExp][] = [
      [{ delegateId: manager.id, startsOn: TODAY, endsOn: TODAY }, "delegateId", /cannot delegate to yourself/],
      [{ delegateId: staff.id, startsOn: TODAY, endsOn: TODAY }, "delegateId", /active manager or finance user/],
      [{ delegateId: admin.id, startsOn: TODAY, endsOn: TODAY }, "delegateId", /active manager or finance user/],
      [{ delegateId: inactive.id, startsOn: TODAY, endsOn: TODAY }, "delegateId", /active manager or finance user/],
      [{ delegateId: 999_999, startsOn: TODAY, endsOn: TODAY }, "delegateId", /active manager or finance user/],
      [{ delegateId: otherManager.id, startsOn: "2026-03-01", endsOn: TODAY }, "startsOn", /cannot be in the past: today is 2 Mar 2026/],
      [{ delegateId: otherManager.id, startsOn: "2026-03-05", endsOn: "2026-03-04" }, "endsOn", /cannot be before the first day/],
      [{ delegateId: otherManager.id, startsOn: TODAY, endsOn: "2026-05-31" }, "endsOn", /at most 90 days/],
    ];
    for (const [input, field, message] of cases) {
      const error = await refusal(async () => await createDelegation(db, manager, input, at));
      expect(error.field, JSON.stringify(input)).toBe(field);
      expect(error.message).toMatch(message);
    }
    // 90 days, first and last included, is allowed.
    expect((await createDelegation(db, manager, { delegateId: otherManager.id, startsOn: TODAY, endsOn: "2026-05-30" }, at)).endsOn).toBe("2026-05-30");
    expect(await db.select().from(delegations)).toHaveLength(1);
  });

  it("only managers delegate", async () => {
    expect((await refusal(async () => await createDelegation(db, staff, { delegateId: manager.id, startsOn: TODAY, endsOn: TODAY }, clock.now()))).code).toBe("FORBIDDEN");
    expect((await refusal(async () => await createDelegation(db, finance, { delegateId: manager.id, startsOn: TODAY, endsOn: TODAY }, clock.now()))).code).toBe("FORBIDDEN");
  });

  it("refuses dates that overlap another delegation of the same manager, naming it", async () => {
    const otherManager = await createUser(db, { role: "manager", name: "Omar Other" });
    await delegate(manager, otherManager, "2026-03-09", "2026-03-13");
    const error = await refusal(async () => await delegate(manager, finance, "2026-03-13", "2026-03-20"));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("These dates overlap your delegation to Omar Other from 9 Mar 2026 to 13 Mar 2026. End that one first, or choose other dates.");
    expect((await delegate(manager, finance, "2026-03-14", "2026-03-20")).startsOn).toBe("2026-03-14");
  });

  it("is audited with the manager, the delegate and the dates", async () => {
    const created = await delegate(manager, finance);
    const [event] = await auditOf("delegation.create");
    expect(event).toMatchObject({
      actorId: manager.id,
      entity: "delegation",
      entityId: String(created.id),
      detail: { managerId: manager.id, manager: manager.email, delegateId: finance.id, delegate: finance.email, startsOn: TODAY, endsOn: "2026-03-06" },
    });
  });

  it("starting today, the delegate gets one summary of the proposals now theirs, however many there are", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    for (let i = 0; i < 30; i++) await createGesture(db, { customerId, branchId, proposerId: staff.id });
    // Their own proposal at this branch is not theirs to decide, so it is not counted.
    await createGesture(db, { customerId, branchId, proposerId: otherManager.id });
    await delegate(manager, otherManager);
    const received = await notificationsOf(otherManager);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ kind: "approval_needed", gestureId: null, dedupeKey: expect.stringMatching(/^delegation_start:/) });
    expect(received[0]!.message).toBe("You approve for Maria Lopez (North) from 2 Mar 2026 to 6 Mar 2026. 30 proposals of North are waiting for a decision in your approval queue.");
    // The manager is away: nothing new reaches them.
    expect(await notificationsOf(manager)).toHaveLength(0);
  });

  it("starting later, the delegate is told now and again, once, on the first day", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    await delegate(manager, otherManager, "2026-03-04", "2026-03-06");
    expect((await notificationsOf(otherManager)).map((n) => n.message)).toEqual([
      "Maria Lopez (North) named you to approve for them from 4 Mar 2026 to 6 Mar 2026. You will be told again when it starts.",
    ]);
    expect(await notifyDelegationStarts(db, clock.now())).toBe(0);
    await createGesture(db, { customerId, branchId, proposerId: staff.id });
    clock.advance(2 * DAY);
    expect(await notifyDelegationStarts(db, clock.now())).toBe(1);
    expect(await notifyDelegationStarts(db, clock.now())).toBe(0);
    expect((await notificationsOf(otherManager)).at(-1)!.message).toBe(
      "You approve for Maria Lopez (North) from 4 Mar 2026 to 6 Mar 2026. 1 proposal of North is waiting for a decision in your approval queue.",
    );
  });

  it("a sole manager's own proposal that went to finance comes back to the branch for the new delegate, audited", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    const gesture = await createGesture(db, { customerId, branchId, proposerId: manager.id, approvalRoute: "finance" });
    await delegate(manager, otherManager);
    expect((await firstRow(db.select({ route: gestures.approvalRoute }).from(gestures).where(eq(gestures.id, gesture.id)).limit(1)))!.route).toBe("branch");
    expect((await auditOf("gesture.rerouted")).map((e) => e.detail)).toEqual([{ branchId, fromRoute: "finance", reason: "delegation_created", toRoute: "branch" }]);
    // One notification about the proposal itself, and the summary.
    expect((await notificationsOf(otherManager)).map((n) => n.gestureId)).toEqual([gesture.id, null]);
  });
});

describe("eligible delegates", () => {
  it("lists the other active managers, own branch first, and finance; never staff, admins, the inactive or oneself", async () => {
    const colleague = await createUser(db, { role: "manager", branchId, name: "Colin Colleague" });
    const far = await createUser(db, { role: "manager", name: "Zed Far" });
    await createUser(db, { role: "manager", active: false });
    await createUser(db, { role: "admin" });
    const list = await eligibleDelegates(db, manager);
    expect(list.map((d) => [d.id, d.group])).toEqual([
      [colleague.id, "branch"],
      [finance.id, "finance"],
      [far.id, "other"],
    ]);
  });
});

describe("ending a delegation", () => {
  it("ending early reroutes what only the delegate could decide to finance and tells finance and the delegate", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    const created = await delegate(manager, otherManager);
    const own = await createGesture(db, { customerId, branchId, proposerId: manager.id, approvalRoute: "branch" });
    clock.advance(HOUR);
    await endDelegation(db, manager, { delegationId: created.id }, clock.now());
    expect((await firstRow(db.select({ route: gestures.approvalRoute }).from(gestures).where(eq(gestures.id, own.id)).limit(1)))!.route).toBe("finance");
    expect((await notificationsOf(finance)).map((n) => [n.kind, n.gestureId])).toEqual([["approval_needed", own.id]]);
    expect((await notificationsOf(finance))[0]!.message).toMatch(/^Proposal #\d+ at North: Flowers, \$80\.00 needs your decision: no manager of the branch can decide it now/);
    expect((await notificationsOf(otherManager)).at(-1)!.message).toBe("Maria Lopez is back and ended the delegation early: you no longer approve for them.");
    expect((await auditOf("delegation.end"))[0]!.detail).toMatchObject({ managerId: manager.id, delegateId: otherManager.id, endedOn: TODAY, wasUpcoming: false, reason: "ended_by_manager" });
    expect((await decisionRight(db, otherManager, await createGesture(db, { customerId, branchId, proposerId: staff.id }), TODAY)).allowed).toBe(false);
  });

  it("cannot be ended twice, nor by someone else", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    const created = await delegate(manager, finance);
    expect((await refusal(async () => await endDelegation(db, otherManager, { delegationId: created.id }, clock.now()))).code).toBe("NOT_FOUND");
    await endDelegation(db, manager, { delegationId: created.id }, clock.now());
    expect((await refusal(async () => await endDelegation(db, manager, { delegationId: created.id }, clock.now()))).code).toBe("INVALID_STATE");
    expect(await auditOf("delegation.end")).toHaveLength(1);
  });

  it("an upcoming delegation is cancelled, and the delegate told", async () => {
    const created = await delegate(manager, finance, "2026-03-10", "2026-03-12");
    await endDelegation(db, manager, { delegationId: created.id }, clock.now());
    expect((await notificationsOf(finance)).at(-1)!.message).toBe("Maria Lopez cancelled the delegation from 10 Mar 2026 to 12 Mar 2026: you will not approve for them.");
    expect((await auditOf("delegation.end"))[0]!.detail.wasUpcoming).toBe(true);
  });

  it("a delegation that lapses overnight moves the proposals only its delegate could decide to finance at the next jobs run", async () => {
    const gesture = await createGesture(db, { customerId, branchId, proposerId: manager.id, approvalRoute: "finance" });
    await delegate(manager, finance, TODAY, TODAY);
    expect((await firstRow(db.select({ route: gestures.approvalRoute }).from(gestures).where(eq(gestures.id, gesture.id)).limit(1)))!.route).toBe("branch");
    expect(await rerouteAllBranches(db, clock.now())).toBe(0);
    clock.advance(DAY);
    expect(await rerouteAllBranches(db, clock.now())).toBe(1);
    expect((await firstRow(db.select({ route: gestures.approvalRoute }).from(gestures).where(eq(gestures.id, gesture.id)).limit(1)))!.route).toBe("finance");
    const rerouted = (await auditOf("gesture.rerouted")).at(-1)!;
    expect(rerouted).toMatchObject({ actorId: null, entityId: String(gesture.id), detail: { fromRoute: "branch", toRoute: "finance", reason: "delegation_dates" } });
    expect(await rerouteAllBranches(db, clock.now())).toBe(0);
  });
});

describe("the delegation list", () => {
  it("separates current, upcoming and past (ended early included) and pages the past", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    // History: 30 one-day delegations in the past, written directly.
    for (let i = 0; i < 30; i++) {
      const day = `2026-01-${String(i + 1).padStart(2, "0")}`;
      await db.insert(delegations).values({ managerId: manager.id, delegateId: otherManager.id, startsOn: day, endsOn: day, createdAt: new Date("2025-12-01") });
    }
    const ended = await delegate(manager, finance, TODAY, TODAY);
    await endDelegation(db, manager, { delegationId: ended.id }, clock.now());
    const current = await delegate(manager, otherManager, TODAY, "2026-03-03");
    const upcoming = await delegate(manager, finance, "2026-03-10", "2026-03-11");
    const first = await listDelegations(db, manager, { page: 1 }, clock.now());
    expect(first.current.map((d) => d.id)).toEqual([current.id]);
    expect(first.upcoming.map((d) => d.id)).toEqual([upcoming.id]);
    expect(first.past.total).toBe(31);
    expect(first.past.rows).toHaveLength(25);
    expect(first.past.rows[0]).toMatchObject({ id: ended.id, status: "ended" });
    expect(first.past.hasNext).toBe(true);
    const second = await listDelegations(db, manager, { page: 2 }, clock.now());
    expect(second.past.rows).toHaveLength(6);
    expect(second.past.hasNext).toBe(false);
    // The delegate sees whom they approve for.
    expect((await listDelegations(db, otherManager, { page: 1 }, clock.now())).coveringFor).toMatchObject([{ id: current.id, managerName: "Maria Lopez", branchName: "North", status: "current" }]);
  });
});

describe("decisions on behalf", () => {
  it("a decision row records the manager a delegate acted for", async () => {
    const otherManager = await createUser(db, { role: "manager" });
    await delegate(manager, otherManager);
    const gesture = await createGesture(db, { customerId, branchId, proposerId: staff.id });
    const right = await decisionRight(db, otherManager, gesture, TODAY);
    if (!right.allowed) throw new Error(right.reason);
    const decision = await createDecision(db, { gestureId: gesture.id, approverId: otherManager.id, onBehalfOfId: right.onBehalfOfId, amount: 8000, at: clock.now() });
    expect(decision.onBehalfOfId).toBe(manager.id);
    expect(
      await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, manager.id))),
    ).toHaveLength(0);
  });
});
