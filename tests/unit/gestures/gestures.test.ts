import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, branchPolicyOverrides, customers, delegations, emailOutbox, gestureDecisions, gestures, holds, notifications } from "../../../db/schema";
import { approvalQueue, listMyProposals, viewGesture } from "~/domain/gestures/gesture-queries.server";
import { bulkApprove, decideGesture } from "~/domain/gestures/decisions.server";
import { editProposal, proposeGesture, submitGesture, withdrawGesture } from "~/domain/gestures/proposals.server";
import { getPoolBalance } from "~/domain/budget/ledger.server";
import { listSuggestions } from "~/domain/gestures/suggestions.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createSignal } from "../../support/factories";
import { actorOf, propose, proposal, setupGestures, typeId } from "../../support/gesture-setup";
import { refusal } from "../../support/refusal";
import { firstRow } from "~/utils/query.server";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

// A Monday in Q1 2026, New York.
const NOW = new Date("2026-03-02T15:00:00Z");
const LATER = new Date("2026-03-02T16:00:00Z");

async function gestureRow(id: number) {
  return (await firstRow(db.select().from(gestures).where(eq(gestures.id, id)).limit(1)))!;
}
async function holdsOf(id: number) {
  return await db.select().from(holds).where(eq(holds.gestureId, id));
}
async function auditFor(id: number) {
  return await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, "gesture"), eq(auditEvents.entityId, String(id))));
}

describe("submitting at staff discretion", () => {
  it("a gesture at or under the discretion limit is approved at once with its hold placed", async () => {
    const s = await setupGestures(db, { now: NOW });
    const result = await propose(db, s.staff, { customerId: s.customer.id, amount: 5_000 }, NOW);
    expect(result.status).toBe("approved");
    const row = await gestureRow(result.gestureId);
    expect(row).toMatchObject({ approvedAtDiscretion: true, approvedAmount: 5_000, poolId: s.pools[0]!.id });
    expect(await holdsOf(row.id)).toMatchObject([{ amount: 5_000, status: "open" }]);
    expect((await getPoolBalance(db, s.pools[0]!.id)).available).toBe(95_000);
    const audit = await auditFor(row.id);
    expect(audit.map((a) => a.action)).toEqual(["gesture.drafted", "gesture.approved_at_discretion"]);
    // The audit detail never carries the card message or the justification.
    for (const event of audit) expect(event.detail).not.toContain("sympathy");
  });

  it("a handwritten note costs nothing: approved at discretion with no hold", async () => {
    const s = await setupGestures(db, { now: NOW });
    const result = await propose(db, s.staff, { customerId: s.customer.id, typeId: await typeId(db, "handwritten_note"), amount: null }, NOW);
    expect(result.status).toBe("approved");
    expect((await gestureRow(result.gestureId)).requestedAmount).toBe(0);
    expect(await holdsOf(result.gestureId)).toEqual([]);
  });

  it("a blank amount takes the type's default", async () => {
    const s = await setupGestures(db, { now: NOW });
    const result = await propose(db, s.staff, { customerId: s.customer.id, typeId: await typeId(db, "condolence_card"), amount: null }, NOW);
    expect((await gestureRow(result.gestureId)).requestedAmount).toBe(800);
  });

  it("the same form sent twice creates one proposal", async () => {
    const s = await setupGestures(db, { now: NOW });
    const input = await proposal(db, { customerId: s.customer.id });
    const first = await proposeGesture(db, actorOf(s.staff), input, NOW);
    const second = await proposeGesture(db, actorOf(s.staff), input, NOW);
    expect(second).toMatchObject({ gestureId: first.gestureId, alreadyDone: true });
    expect(await db.select().from(gestures)).toHaveLength(1);
    expect(await holdsOf(first.gestureId)).toHaveLength(1);
  });

  it("a draft holds nothing and is submitted later", async () => {
    const s = await setupGestures(db, { now: NOW });
    const draft = await propose(db, s.staff, { customerId: s.customer.id, submit: false }, NOW);
    expect(draft.status).toBe("draft");
    expect(await holdsOf(draft.gestureId)).toEqual([]);
    const submitted = await submitGesture(db, actorOf(s.staff), { gestureId: draft.gestureId, version: draft.version }, LATER);
    expect(submitted.status).toBe("approved");
    // A refresh of the submit does nothing twice.
    const again = await submitGesture(db, actorOf(s.staff), { gestureId: draft.gestureId, version: draft.version }, LATER);
    expect(again.alreadyDone).toBe(true);
    expect(await holdsOf(draft.gestureId)).toHaveLength(1);
  });
});

describe("routing to approvers", () => {
  it("above the discretion limit goes to the branch's managers, who are notified with an e-mail in the outbox", async () => {
    const s = await setupGestures(db, { now: NOW });
    const result = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "Long-standing customer" }, NOW);
    expect(result.status).toBe("submitted");
    expect((await gestureRow(result.gestureId)).approvalRoute).toBe("branch");
    expect(await holdsOf(result.gestureId)).toEqual([]);
    const notified = await db.select().from(notifications).where(eq(notifications.gestureId, result.gestureId));
    expect(notified.map((n) => n.userId).sort()).toEqual([s.manager.id, s.manager2!.id].sort());
    expect(notified.every((n) => n.kind === "approval_needed")).toBe(true);
    expect(notified[0]!.message).toContain("$90.00");
    expect(notified[0]!.message).not.toContain("Long-standing");
    const mails = await db.select().from(emailOutbox);
    expect(mails.map((m) => m.toAddress).sort()).toEqual([s.manager.email, s.manager2!.email].sort());
    expect(mails[0]!.body).toContain(`/gestures/${result.gestureId}`);
  });

  it("a manager approves: the hold is placed in the same step and the proposer is told", async () => {
    const s = await setupGestures(db, { now: NOW });
    const { gestureId, version } = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "Why" }, NOW);
    const result = await decideGesture(db, actorOf(s.manager), { gestureId, version, decision: "approve", comment: "" }, LATER);
    expect(result.status).toBe("approved");
    expect(await holdsOf(gestureId)).toMatchObject([{ amount: 9_000, status: "open" }]);
    expect((await getPoolBalance(db, s.pools[0]!.id)).available).toBe(91_000);
    expect(await db.select().from(gestureDecisions)).toMatchObject([{ approverId: s.manager.id, level: "manager", decision: "approve", amount: 9_000 }]);
    const toProposer = await db.select().from(notifications).where(eq(notifications.userId, s.staff.id));
    expect(toProposer).toMatchObject([{ kind: "decision" }]);
    expect(toProposer[0]!.message).toContain("Mona Manager approved");
  });

  it("at or over the second-approval threshold the manager's approval sends it to finance, whose approval places the hold", async () => {
    const s = await setupGestures(db, { now: NOW });
    const first = await propose(db, s.staff, { customerId: s.customer.id, typeId: await typeId(db, "donation"), amount: 15_000, justification: "Family asked for donations" }, NOW);
    const managerStep = await decideGesture(db, actorOf(s.manager), { gestureId: first.gestureId, version: first.version, decision: "approve", comment: "" }, LATER);
    expect(managerStep.status).toBe("awaiting_finance");
    expect(await holdsOf(first.gestureId)).toEqual([]);
    const financeNotes = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.gestureId, first.gestureId), eq(notifications.kind, "approval_needed")));
    expect(financeNotes.map((n) => n.userId)).toEqual(expect.arrayContaining([s.financeUser.id, s.finance2.id]));
    // The manager cannot take the second step.
    expect((await refusal(async () => await decideGesture(db, actorOf(s.manager), { gestureId: first.gestureId, version: managerStep.version, decision: "approve", comment: "" }, LATER))).code).toBe(
      "FORBIDDEN",
    );
    const financeStep = await decideGesture(db, actorOf(s.financeUser), { gestureId: first.gestureId, version: managerStep.version, decision: "approve", comment: "" }, LATER);
    expect(financeStep.status).toBe("approved");
    expect(await holdsOf(first.gestureId)).toMatchObject([{ amount: 15_000 }]);
    expect((await db.select().from(gestureDecisions)).map((d) => d.level)).toEqual(["manager", "finance"]);
  });

  it("just under the threshold, the manager's approval is final", async () => {
    const s = await setupGestures(db, { now: NOW });
    const g = await propose(db, s.staff, { customerId: s.customer.id, typeId: await typeId(db, "donation"), amount: 14_999, justification: "Why" }, NOW);
    expect((await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER)).status).toBe("approved");
  });

  it("a manager cannot approve their own proposal, not even by a direct call; another manager of the branch can", async () => {
    const s = await setupGestures(db, { now: NOW });
    const g = await propose(db, s.manager, { customerId: s.customer.id, amount: 9_000, justification: "Why" }, NOW);
    expect((await gestureRow(g.gestureId)).approvalRoute).toBe("branch");
    const error = await refusal(async () => await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/own proposal/);
    expect((await gestureRow(g.gestureId)).status).toBe("submitted");
    expect((await decideGesture(db, actorOf(s.manager2!), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER)).status).toBe("approved");
  });

  it("a sole manager's own proposal goes to finance", async () => {
    const s = await setupGestures(db, { now: NOW, secondManager: false });
    const g = await propose(db, s.manager, { customerId: s.customer.id, amount: 9_000, justification: "Why" }, NOW);
    expect((await gestureRow(g.gestureId)).approvalRoute).toBe("finance");
    expect((await approvalQueue(db, actorOf(s.financeUser), { page: 1, pageSize: 25 }, LATER)).rows.map((r) => r.id)).toEqual([g.gestureId]);
    expect((await approvalQueue(db, actorOf(s.manager), { page: 1, pageSize: 25 }, LATER)).rows).toEqual([]);
    expect((await decideGesture(db, actorOf(s.financeUser), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER)).status).toBe("approved");
  });

  it("a manager of another branch cannot decide, and does not see it in their queue", async () => {
    const s = await setupGestures(db, { now: NOW });
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "Why" }, NOW);
    expect((await refusal(async () => await decideGesture(db, actorOf(s.southManager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER))).code).toBe(
      "FORBIDDEN",
    );
    expect((await approvalQueue(db, actorOf(s.southManager), { page: 1, pageSize: 25 }, LATER)).rows).toEqual([]);
    expect((await refusal(async () => await viewGesture(db, actorOf(s.southManager), g.gestureId, LATER))).code).toBe("NOT_FOUND");
    expect((await refusal(async () => await decideGesture(db, actorOf(s.staff2), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER))).code).toBe("FORBIDDEN");
  });

  it("while a manager is away, their delegate (another branch's manager) decides on their behalf", async () => {
    const s = await setupGestures(db, { now: NOW, secondManager: false });
    await db.insert(delegations).values({ managerId: s.manager.id, delegateId: s.southManager.id, startsOn: "2026-03-01", endsOn: "2026-03-10", createdAt: NOW });
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "Why" }, NOW);
    const notified = await db.select().from(notifications).where(eq(notifications.gestureId, g.gestureId));
    expect(notified.map((n) => n.userId)).toEqual([s.southManager.id]);
    const queue = await approvalQueue(db, actorOf(s.southManager), { page: 1, pageSize: 25 }, LATER);
    expect(queue.rows.map((r) => r.id)).toEqual([g.gestureId]);
    await decideGesture(db, actorOf(s.southManager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER);
    expect(await firstRow(db.select().from(gestureDecisions).limit(1))).toMatchObject({ approverId: s.southManager.id, onBehalfOfId: s.manager.id });
  });
});

describe("policy checks at submit", () => {
  it("refuses a do-not-contact customer", async () => {
    const s = await setupGestures(db, { now: NOW });
    await db.update(customers).set({ doNotContact: true, doNotContactReason: "Asked" }).where(eq(customers.id, s.customer.id));
    const error = await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id }, NOW));
    expect(error.code).toBe("POLICY_VIOLATION");
    expect(error.message).toMatch(/not to be contacted/);
    expect(await db.select().from(gestures)).toEqual([]);
  });

  it("refuses a type that does not suit the occasion", async () => {
    const s = await setupGestures(db, { now: NOW });
    const error = await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, typeId: await typeId(db, "gift_basket"), amount: 4_000 }, NOW));
    expect(error.message).toMatch(/Gift basket does not suit bereavement/);
    expect(error.field).toBe("typeId");
  });

  it("refuses above the type's maximum and above the per-gesture maximum, naming the figures", async () => {
    const s = await setupGestures(db, { now: NOW });
    expect((await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, amount: 12_001, justification: "x" }, NOW))).message).toMatch(
      /Flowers may cost at most \$120\.00; this asks for \$120\.01/,
    );
    await db.insert(branchPolicyOverrides).values({ branchId: s.north.id, perGestureMax: 10_000, updatedAt: NOW });
    expect((await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, amount: 10_001, justification: "x" }, NOW))).message).toMatch(/A gesture may cost at most \$100\.00/);
    expect((await propose(db, s.staff, { customerId: s.customer.id, amount: 10_000, justification: "x" }, NOW)).status).toBe("submitted");
  });

  it("requires a justification above the discretion limit, and keeps the draft when asked only to save", async () => {
    const s = await setupGestures(db, { now: NOW });
    const error = await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, amount: 5_001 }, NOW));
    expect(error.field).toBe("justification");
    expect(await db.select().from(gestures)).toEqual([]);
    expect((await propose(db, s.staff, { customerId: s.customer.id, amount: 5_001, submit: false }, NOW)).status).toBe("draft");
  });

  it("refuses over the customer's 12-month amount cap, counting pending gestures, with the figures", async () => {
    const s = await setupGestures(db, { now: NOW });
    await db.insert(branchPolicyOverrides).values({ branchId: s.north.id, customerCapAmount: 20_000, updatedAt: NOW });
    await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "x", occasion: "illness" }, NOW); // pending
    await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "x", occasion: "complaint", typeId: await typeId(db, "flowers") }, NOW);
    const error = await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, amount: 2_001, occasion: "new_baby" }, NOW));
    expect(error.message).toBe("This customer has received $180.00 of gestures in the last 12 months; with this one it would be $200.01, and the cap is $200.00.");
    expect((await propose(db, s.staff, { customerId: s.customer.id, amount: 2_000, occasion: "new_baby" }, NOW)).status).toBe("approved");
  });

  it("refuses over the customer's 12-month count cap; gestures older than 12 months do not count", async () => {
    const s = await setupGestures(db, { now: NOW });
    const old = new Date("2025-02-20T15:00:00Z");
    await db
      .insert(gestures)
      .values({
        customerId: s.customer.id,
        branchId: s.north.id,
        proposerId: s.staff.id,
        occasion: "birthday",
        typeId: await typeId(db, "voucher"),
        requestedAmount: 1_000,
        deliveryMethod: "in_branch",
        status: "closed",
        submittedAt: old,
        createdAt: old,
        updatedAt: old,
      });
    for (const occasion of ["illness", "complaint", "new_baby"] as const) await propose(db, s.staff, { customerId: s.customer.id, amount: 1_000, occasion }, NOW);
    const error = await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, amount: 1_000, occasion: "marriage" }, NOW));
    expect(error.message).toMatch(/has had 3 gestures in the last 12 months; the cap is 3/);
  });

  it("refuses a duplicate for the same customer and occasion within the window; withdrawn ones do not count", async () => {
    const s = await setupGestures(db, { now: NOW });
    const first = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "x" }, NOW);
    const error = await refusal(async () => await propose(db, s.staff2, { customerId: s.customer.id, amount: 1_000 }, LATER));
    expect(error.message).toMatch(/already proposed a gesture for this customer's bereavement on 2026-03-02/);
    await withdrawGesture(db, actorOf(s.staff), { gestureId: first.gestureId, version: first.version }, LATER);
    expect((await propose(db, s.staff2, { customerId: s.customer.id, amount: 1_000 }, LATER)).status).toBe("approved");
    // Past the window (10 days in this branch) a new gesture for the occasion is fine.
    await db.insert(branchPolicyOverrides).values({ branchId: s.north.id, duplicateWindowDays: 10, updatedAt: NOW });
    const after = new Date(NOW.getTime() + 11 * 86_400_000);
    expect((await propose(db, s.staff, { customerId: s.customer.id, amount: 1_000, createKey: "late-key-123" }, after)).status).toBe("approved");
  });

  it("refuses over the staff member's monthly cap; last month's proposals do not count", async () => {
    const s = await setupGestures(db, { now: NOW });
    await db.insert(branchPolicyOverrides).values({ branchId: s.north.id, staffMonthlyCap: 10_000, updatedAt: NOW });
    const other = await createCustomer(db, { branchId: s.north.id });
    await propose(db, s.staff, { customerId: other.id, amount: 5_000 }, NOW);
    const error = await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, amount: 5_001, justification: "x" }, NOW));
    expect(error.message).toBe("You have proposed $50.00 of gestures this month; with this one it would be $100.01, and your monthly cap is $100.00.");
    expect((await propose(db, s.staff2, { customerId: s.customer.id, amount: 5_001, justification: "x" }, NOW)).status).toBe("submitted");
  });

  it("refuses when no budget period is open for the branch", async () => {
    const s = await setupGestures(db, { now: NOW });
    const lonely = await createBranch(db, { name: "Harbour" });
    const { createUser } = await import("../../support/factories");
    const staff = await createUser(db, { role: "staff", branchId: lonely.id });
    const customer = await createCustomer(db, { branchId: lonely.id });
    const error = await refusal(async () => await propose(db, staff, { customerId: customer.id, amount: 1_000 }, NOW));
    expect(error.message).toBe("No budget period is open for Harbour; finance opens one.");
    expect(s.pools).toHaveLength(2);
  });

  it("refuses a customer of another branch as not found", async () => {
    const s = await setupGestures(db, { now: NOW });
    expect((await refusal(async () => await propose(db, s.staff, { customerId: s.southCustomer.id }, NOW))).code).toBe("NOT_FOUND");
  });

  it("refuses a signal of another customer", async () => {
    const s = await setupGestures(db, { now: NOW });
    const signal = await createSignal(db, s.southCustomer, { kind: "bereavement" });
    expect((await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, signalId: signal.id }, NOW))).field).toBe("signalId");
  });
});

describe("money at approval", () => {
  it("approval is refused and nothing changes when the pool cannot cover it", async () => {
    const s = await setupGestures(db, { now: NOW, amounts: [8_000, 100_000] });
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "x" }, NOW);
    expect(g.warning).toMatch(/add up to \$90\.00, more than the \$80\.00/);
    const error = await refusal(async () => await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER));
    expect(error.code).toBe("INSUFFICIENT_FUNDS");
    expect(error.message).toBe("The pool has $80.00 available; this gesture needs $90.00. Nothing was approved.");
    expect(await gestureRow(g.gestureId)).toMatchObject({ status: "submitted", version: g.version });
    expect(await db.select().from(gestureDecisions)).toEqual([]);
  });

  it("a discretionary gesture the pool cannot cover goes to a manager instead, with a warning", async () => {
    const s = await setupGestures(db, { now: NOW, amounts: [3_000, 100_000] });
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 4_000 }, NOW);
    expect(g.status).toBe("submitted");
    expect(g.warning).toMatch(/not enough to approve this at your discretion/);
  });

  it("approvals that together exceed the pool: only what fits is approved", async () => {
    const s = await setupGestures(db, { now: NOW, amounts: [20_000, 100_000] });
    const ids = [];
    for (const occasion of ["bereavement", "illness", "complaint"] as const) {
      const customer = await createCustomer(db, { branchId: s.north.id });
      ids.push(await propose(db, s.staff, { customerId: customer.id, amount: 9_000, justification: "x", occasion }, NOW));
    }
    const results = await bulkApprove(
      db,
      actorOf(s.manager),
      ids.map((g) => ({ gestureId: g.gestureId, version: g.version })),
      LATER,
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]!.message).toBe("The pool has $20.00 available; this gesture needs $90.00. Nothing was approved.");
    expect((await getPoolBalance(db, s.pools[0]!.id)).available).toBe(2_000);
    expect((await gestureRow(ids[2]!.gestureId)).status).toBe("submitted");
  });
});

describe("decisions", () => {
  async function submitted() {
    const s = await setupGestures(db, { now: NOW });
    const g = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "x" }, NOW);
    return { s, g };
  }

  it("a second approver is told who decided first and when, and nothing happens twice", async () => {
    const { s, g } = await submitted();
    await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER);
    const error = await refusal(async () => await decideGesture(db, actorOf(s.manager2!), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("This proposal was already approved by Mona Manager at Mar 2, 2026, 11:00 AM; nothing was changed.");
    expect(await holdsOf(g.gestureId)).toHaveLength(1);
    expect(await db.select().from(gestureDecisions)).toHaveLength(1);
  });

  it("the same approver's double click approves once", async () => {
    const { s, g } = await submitted();
    await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER);
    const again = await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "approve", comment: "" }, LATER);
    expect(again.alreadyDone).toBe(true);
    expect(await holdsOf(g.gestureId)).toHaveLength(1);
  });

  it("reject needs a reason; the proposer reads it; a rejected proposal cannot be approved", async () => {
    const { s, g } = await submitted();
    expect((await refusal(async () => await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "reject", comment: "  " }, LATER))).field).toBe("comment");
    const rejected = await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "reject", comment: "Too much for a card" }, LATER);
    expect(rejected.status).toBe("rejected");
    const mine = await listMyProposals(db, actorOf(s.staff), { page: 1, pageSize: 25 });
    expect(mine.rows[0]).toMatchObject({ status: "rejected", lastComment: "Too much for a card", lastDecision: "reject" });
    const error = await refusal(async () => await decideGesture(db, actorOf(s.manager2!), { gestureId: g.gestureId, version: rejected.version, decision: "approve", comment: "" }, LATER));
    expect(error.code).toBe("INVALID_STATE");
    expect((await refusal(async () => await withdrawGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: rejected.version }, LATER))).code).toBe("INVALID_STATE");
  });

  it("return for changes, edit and resubmit: back in the queue with the new amount", async () => {
    const { s, g } = await submitted();
    const returned = await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: g.version, decision: "return", comment: "A card is enough" }, LATER);
    expect(returned.status).toBe("returned");
    expect((await refusal(async () => await editProposal(db, actorOf(s.staff2), { gestureId: g.gestureId, version: returned.version, ...(await editInput()), submit: true }, LATER))).code).toBe(
      "FORBIDDEN",
    );
    const resubmitted = await editProposal(db, actorOf(s.staff), { gestureId: g.gestureId, version: returned.version, ...(await editInput()), submit: true }, LATER);
    expect(resubmitted.status).toBe("approved"); // a card at discretion
    expect(await gestureRow(g.gestureId)).toMatchObject({ requestedAmount: 800, typeId: await typeId(db, "condolence_card") });
    expect((await auditFor(g.gestureId)).map((a) => a.action)).toEqual(["gesture.drafted", "gesture.submitted", "gesture.returned", "gesture.edited", "gesture.approved_at_discretion"]);
  });

  async function editInput() {
    return {
      occasion: "bereavement" as const,
      signalId: null,
      typeId: await typeId(db, "condolence_card"),
      amount: 800,
      cardMessage: "Thinking of you",
      justification: "",
      deliveryMethod: "courier" as const,
    };
  }

  it("withdraw while submitted; an approved proposal cannot be withdrawn or edited", async () => {
    const { s, g } = await submitted();
    expect((await refusal(async () => await withdrawGesture(db, actorOf(s.staff2), { gestureId: g.gestureId, version: g.version }, LATER))).code).toBe("FORBIDDEN");
    const withdrawn = await withdrawGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version }, LATER);
    expect(withdrawn.status).toBe("withdrawn");
    expect((await withdrawGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version }, LATER)).alreadyDone).toBe(true);
    expect((await refusal(async () => await decideGesture(db, actorOf(s.manager), { gestureId: g.gestureId, version: withdrawn.version, decision: "approve", comment: "" }, LATER))).code).toBe(
      "INVALID_STATE",
    );
    const approved = await propose(db, s.staff, { customerId: s.customer.id, amount: 1_000, occasion: "illness" }, LATER);
    expect((await refusal(async () => await withdrawGesture(db, actorOf(s.staff), { gestureId: approved.gestureId, version: approved.version }, LATER))).code).toBe("INVALID_STATE");
    expect((await refusal(async () => await editProposal(db, actorOf(s.staff), { gestureId: approved.gestureId, version: approved.version, ...(await editInput()), submit: false }, LATER))).code).toBe(
      "INVALID_STATE",
    );
  });

  it("a stale edit is refused and changes nothing", async () => {
    const s = await setupGestures(db, { now: NOW });
    const draft = await propose(db, s.staff, { customerId: s.customer.id, submit: false }, NOW);
    await editProposal(db, actorOf(s.staff), { gestureId: draft.gestureId, version: draft.version, ...(await editInput()), submit: false }, LATER);
    const error = await refusal(
      async () => await editProposal(db, actorOf(s.staff), { gestureId: draft.gestureId, version: draft.version, ...(await editInput()), amount: 1_200, submit: false }, LATER),
    );
    expect(error.code).toBe("CONFLICT");
    expect((await gestureRow(draft.gestureId)).requestedAmount).toBe(800);
  });
});

describe("the approval queue and the detail page", () => {
  it("lists oldest first with the policy note and the pool balance after approval; finance sees no signal and no justification", async () => {
    const s = await setupGestures(db, { now: NOW });
    const signal = await createSignal(db, s.customer, { kind: "bereavement", occurredOn: "2026-02-27", severity: 3, note: "Husband died" });
    const first = await propose(db, s.staff, { customerId: s.customer.id, amount: 9_000, justification: "Private reason", signalId: signal.id }, NOW);
    const other = await createCustomer(db, { branchId: s.north.id });
    const second = await propose(db, s.staff, { customerId: other.id, typeId: await typeId(db, "donation"), amount: 16_000, justification: "x" }, LATER);
    const queue = await approvalQueue(db, actorOf(s.manager), { page: 1, pageSize: 25 }, LATER);
    expect(queue.rows.map((r) => r.id)).toEqual([first.gestureId, second.gestureId]);
    expect(queue.rows[0]).toMatchObject({
      customerName: "Eleanor Whitfield",
      occasionLabel: "Bereavement",
      signal: { kind: "Bereavement", on: "2026-02-27", severity: 3 },
      policyNote: "1st gesture for this customer in 12 months (cap 3); $90.00 of the $300.00 cap",
      poolAvailable: 100_000,
      availableAfter: 91_000,
      canDecide: true,
    });
    expect(JSON.stringify(queue.rows)).not.toContain("Husband died");
    expect(queue.rows[1]).toMatchObject({ goesToFinance: true, availableAfter: null });

    await decideGesture(db, actorOf(s.manager), { gestureId: second.gestureId, version: second.version, decision: "approve", comment: "" }, LATER);
    const financeQueue = await approvalQueue(db, actorOf(s.financeUser), { page: 1, pageSize: 25 }, LATER);
    expect(financeQueue.rows.map((r) => r.id)).toEqual([second.gestureId]);
    expect(financeQueue.rows[0]).toMatchObject({ signal: null, availableAfter: 84_000, level: "finance" });
    const financeView = await viewGesture(db, actorOf(s.financeUser), first.gestureId, LATER);
    expect(financeView.gesture.justification).toBeNull();
    expect(financeView.gesture.cardMessage).toBeNull();
    expect(financeView.signal).toBeNull();
    const managerView = await viewGesture(db, actorOf(s.manager), first.gestureId, LATER);
    expect(managerView.gesture.justification).toBe("Private reason");
    expect(managerView.can.decide).toMatchObject({ level: "manager" });
    expect((await viewGesture(db, actorOf(s.staff), first.gestureId, LATER)).can).toMatchObject({ withdraw: true, decide: null });
  });
});

describe("the suggestions queue and gestures", () => {
  it("a signal answered by a gesture leaves the queue; it returns when the proposal is withdrawn", async () => {
    const s = await setupGestures(db, { now: NOW });
    const signal = await createSignal(db, s.customer, { kind: "bereavement", occurredOn: "2026-02-27", severity: 3 });
    const names = async () => (await listSuggestions(db, actorOf(s.staff), LATER)).rows.map((r) => r.name);
    expect(await names()).toContain("Eleanor Whitfield");
    const g = await propose(db, s.staff, { customerId: s.customer.id, signalId: signal.id, amount: 9_000, justification: "x" }, NOW);
    expect(await names()).not.toContain("Eleanor Whitfield");
    await withdrawGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version }, LATER);
    expect(await names()).toContain("Eleanor Whitfield");
  });

  it("a customer at their 12-month cap is not suggested, even for a new signal", async () => {
    const s = await setupGestures(db, { now: NOW });
    await db.insert(branchPolicyOverrides).values({ branchId: s.north.id, customerCapAmount: 10_000, updatedAt: NOW });
    await propose(db, s.staff, { customerId: s.customer.id, amount: 9_999, justification: "x", occasion: "illness" }, NOW);
    await createSignal(db, s.customer, { kind: "bereavement", occurredOn: "2026-02-27", severity: 3 });
    expect((await listSuggestions(db, actorOf(s.staff), LATER)).rows.map((r) => r.name)).toContain("Eleanor Whitfield");
    await propose(db, s.staff, { customerId: s.customer.id, amount: 1, occasion: "complaint", typeId: await typeId(db, "voucher") }, NOW);
    expect((await listSuggestions(db, actorOf(s.staff), LATER)).rows.map((r) => r.name)).not.toContain("Eleanor Whitfield");
  });
});
