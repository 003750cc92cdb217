// The checks before a gesture is proposed (issue 22), at their boundaries: connected persons,
// hardship / collections / disputes, the household cap and "redress is not goodwill".
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gestures, organisation, policyDefaults } from "../../../db/schema";
import { decideGesture } from "~/domain/gestures/decisions.server";
import { householdCapCheck, withinHardshipLookback } from "~/domain/gestures/gesture-rules";
import { rerouteBranch } from "~/domain/approvals/routing.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createCustomer, createSignal, createUser } from "../../support/factories";
import { actorOf, propose, setupGestures } from "../../support/gesture-setup";
import { refusal } from "../../support/refusal";
import { localDaysAgo, localToday } from "../../support/calendar";
import { firstRow } from "~/utils/query.server";

// A Monday in Q1 2026, New York (10:00 local).
const NOW = new Date("2026-03-02T15:00:00Z");

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

const statusOf = async (id: number) => (await firstRow(db.select().from(gestures).where(eq(gestures.id, id)).limit(1)))!;
const setPolicy = async (values: Partial<typeof policyDefaults.$inferInsert>) => await db.update(policyDefaults).set(values).where(eq(policyDefaults.id, 1));

describe("pure rules at their boundaries", () => {
  it("the household's 12 months against the per-customer cap: refused exactly when the combined total passes a cap", () => {
    fc.assert(
      fc.property(
        fc.record({ amount: fc.nat(50_000), count: fc.nat(5) }),
        fc.record({ amount: fc.nat(50_000), count: fc.nat(5) }),
        fc.nat(50_000),
        fc.record({ customerCapAmount: fc.nat(100_000), customerCapCount: fc.integer({ min: 1, max: 10 }) }),
        (mine, others, amount, policy) => {
          const check = householdCapCheck(mine, others, amount, policy);
          expect(check.amount).toBe(mine.amount + others.amount);
          expect(check.count).toBe(mine.count + others.count);
          expect(check.amountOver).toBe(mine.amount + others.amount + amount > policy.customerCapAmount);
          expect(check.countOver).toBe(mine.count + others.count + 1 > policy.customerCapCount);
          // Exactly at the cap is allowed; one cent more is not.
          const room = policy.customerCapAmount - check.amount;
          if (room >= 0) {
            expect(householdCapCheck(mine, others, room, policy).amountOver).toBe(false);
            expect(householdCapCheck(mine, others, room + 1, policy).amountOver).toBe(true);
          }
        },
      ),
    );
  });

  it("a hardship signal exactly 90 local days old counts; 91 days old does not; 0 turns the check off", () => {
    const today = localToday(NOW);
    expect(withinHardshipLookback(localDaysAgo(90, NOW), today, 90)).toBe(true);
    expect(withinHardshipLookback(localDaysAgo(91, NOW), today, 90)).toBe(false);
    expect(withinHardshipLookback(today, today, 90)).toBe(true);
    expect(withinHardshipLookback(today, today, 0)).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 365 }), (daysAgo, lookback) => {
        expect(withinHardshipLookback(localDaysAgo(daysAgo, NOW), today, lookback)).toBe(daysAgo <= lookback);
      }),
    );
  });
});

describe("connected persons", () => {
  it("the customer's own branch cannot propose a gesture for staff of that branch: refused, nothing written", async () => {
    const s = await setupGestures(db, { now: NOW });
    const colin = await createCustomer(db, { branchId: s.north.id, name: "Colin Marsh", connectedBranchId: s.north.id });
    const error = await refusal(async () => await propose(db, s.staff, { customerId: colin.id, amount: 1_000 }, NOW));
    expect(error.code).toBe("POLICY_VIOLATION");
    expect(error.message).toContain("connected persons");
    expect(error.message).toContain(s.north.name);
    expect(await db.select().from(gestures)).toHaveLength(0);
  });

  it("a customer connected to another branch's staff: never at discretion, routed to finance, and only finance decides", async () => {
    const s = await setupGestures(db, { now: NOW });
    const maya = await createCustomer(db, { branchId: s.north.id, name: "Maya Lindqvist", connectedBranchId: s.south.id });
    const result = await propose(db, s.staff, { customerId: maya.id, amount: 1_000 }, NOW);
    expect(result.status).toBe("submitted");
    expect((await statusOf(result.gestureId)).approvalRoute).toBe("finance");
    expect(result.warning).toContain("finance decides");
    // The branch's manager may not decide it, and rerouting the branch leaves it with finance.
    expect((await refusal(async () => await decideGesture(db, actorOf(s.manager), { gestureId: result.gestureId, version: result.version, decision: "approve", comment: "" }, NOW))).code).toBe(
      "FORBIDDEN",
    );
    expect(await rerouteBranch(db, s.north.id, localToday(NOW), NOW)).toEqual([]);
    expect((await statusOf(result.gestureId)).approvalRoute).toBe("finance");
    const decided = await decideGesture(db, actorOf(s.finance2), { gestureId: result.gestureId, version: result.version, decision: "approve", comment: "" }, NOW);
    expect(decided.status).toBe("approved");
  });

  it("with the check off, the same customer is approved at staff discretion", async () => {
    const s = await setupGestures(db, { now: NOW });
    await setPolicy({ connectedPersonCheck: 0 });
    const colin = await createCustomer(db, { branchId: s.north.id, connectedBranchId: s.north.id });
    expect((await propose(db, s.staff, { customerId: colin.id, amount: 1_000 }, NOW)).status).toBe("approved");
  });
});

describe("hardship, collections and disputes", () => {
  it("within 90 days any gesture, however small, needs a written reason and goes to a manager, who must write one too", async () => {
    const s = await setupGestures(db, { now: NOW });
    for (const kind of ["hardship", "collections", "dispute"] as const) {
      const customer = await createCustomer(db, { branchId: s.north.id });
      await createSignal(db, customer, { kind, occurredOn: localDaysAgo(90, NOW) });
      const noReason = await refusal(async () => await propose(db, s.staff, { customerId: customer.id, amount: 100 }, NOW));
      expect(noReason.code).toBe("POLICY_VIOLATION");
      expect(noReason.message).toContain(`on ${localDaysAgo(90, NOW)} (90 days ago, within the 90-day`);
      expect(noReason.field).toBe("justification");
      const submitted = await propose(db, s.staff, { customerId: customer.id, amount: 100, justification: "Long-standing customer; a card only." }, NOW);
      expect(submitted.status).toBe("submitted");
      const bare = await refusal(async () => await decideGesture(db, actorOf(s.manager), { gestureId: submitted.gestureId, version: submitted.version, decision: "approve", comment: "" }, NOW));
      expect(bare.field).toBe("comment");
      expect((await statusOf(submitted.gestureId)).status).toBe("submitted");
      const approved = await decideGesture(
        db,
        actorOf(s.manager),
        { gestureId: submitted.gestureId, version: submitted.version, decision: "approve", comment: "Not linked to the arrears talks." },
        NOW,
      );
      expect(approved.status).toBe("approved");
    }
  });

  it("a signal 91 local days old no longer applies: approved at discretion without a reason", async () => {
    const s = await setupGestures(db, { now: NOW });
    const customer = await createCustomer(db, { branchId: s.north.id });
    await createSignal(db, customer, { kind: "hardship", occurredOn: localDaysAgo(91, NOW) });
    expect((await propose(db, s.staff, { customerId: customer.id, amount: 100 }, NOW)).status).toBe("approved");
  });
});

describe("the household cap", () => {
  it("customers at the same address (written differently) count together: refused one cent over the cap, with the figures", async () => {
    const s = await setupGestures(db, { now: NOW });
    await setPolicy({ customerCapAmount: 20_000, customerCapCount: 10 });
    const iris = await createCustomer(db, { branchId: s.north.id, deliveryAddress: "22 Willow Court\nNorthvale NV2 3CD" });
    const tom = await createCustomer(db, { branchId: s.north.id, deliveryAddress: "22, willow court,  NORTHVALE nv2 3cd" });
    await propose(db, s.staff, { customerId: iris.id, amount: 12_000, justification: "why" }, NOW);
    const over = await refusal(async () => await propose(db, s.staff2, { customerId: tom.id, amount: 8_001, justification: "why" }, NOW));
    expect(over.message).toContain("household (2 customers at the same delivery address");
    expect(over.message).toContain("has received $120.00");
    expect(over.message).toContain("it would be $200.01");
    expect(over.message).toContain("cap is $200.00");
    expect((await propose(db, s.staff2, { customerId: tom.id, amount: 8_000, justification: "why" }, NOW)).status).toBe("submitted");
  });

  it("with the household switch off, each customer has their own cap", async () => {
    const s = await setupGestures(db, { now: NOW });
    await setPolicy({ customerCapAmount: 20_000, householdCap: 0 });
    const a = await createCustomer(db, { branchId: s.north.id, deliveryAddress: "1 Elm Road" });
    const b = await createCustomer(db, { branchId: s.north.id, deliveryAddress: "1 ELM ROAD." });
    await propose(db, s.staff, { customerId: a.id, amount: 12_000, justification: "why" }, NOW);
    expect((await propose(db, s.staff2, { customerId: b.id, amount: 12_000, justification: "why" }, NOW)).status).toBe("submitted");
  });
});

describe("redress is not goodwill", () => {
  it("compensation owed on a complaint is refused with the organisation's complaints text; unanswered is refused; no is allowed", async () => {
    const s = await setupGestures(db, { now: NOW });
    await db.update(organisation).set({ complaintsProcessText: "Log it in Complaints Desk (form CP-7)." }).where(eq(organisation.id, 1));
    for (const occasion of ["complaint", "service_failure", "dispute"] as const) {
      const customer = await createCustomer(db, { branchId: s.north.id });
      const owed = await refusal(async () => await propose(db, s.staff, { customerId: customer.id, occasion, compensationOwed: "yes" }, NOW));
      expect(owed.message).toContain("Log it in Complaints Desk (form CP-7).");
      expect(owed.field).toBe("compensationOwed");
      const unanswered = await refusal(async () => await propose(db, s.staff, { customerId: customer.id, occasion, compensationOwed: null }, NOW));
      expect(unanswered.message).toContain("say whether this money is compensation the customer is owed");
    }
    expect(await db.select().from(gestures).where(eq(gestures.status, "submitted"))).toHaveLength(0);
  });

  it("on other occasions the question is not asked, and with the check off a yes is not refused", async () => {
    const s = await setupGestures(db, { now: NOW });
    const customer = await createCustomer(db, { branchId: s.north.id });
    expect((await propose(db, s.staff, { customerId: customer.id, occasion: "bereavement", compensationOwed: "yes" }, NOW)).status).toBe("approved");
    expect((await statusOf(1)).compensationOwed).toBeNull();
    await setPolicy({ redressCheck: 0 });
    const other = await createCustomer(db, { branchId: s.north.id });
    const error = await (async () => {
      try {
        await propose(db, s.staff, { customerId: other.id, occasion: "complaint", compensationOwed: "yes" }, NOW);
        return null;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message ?? "").not.toContain("Redress is not goodwill");
  });
});
