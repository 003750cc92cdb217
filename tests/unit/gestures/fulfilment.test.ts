import { createHash, randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gestures, holds, ledgerEntries, notifications } from "../../../db/schema";
import { fulfilmentVerdict, varianceAllowance } from "~/domain/gestures/fulfilment-rules";
import { cancelGesture, decideReapproval, expireDueApprovals, fulfilGesture, reapprovalQueue, recordOutcome, sendOutcomeReminders, type FulfilInput } from "~/domain/gestures/fulfilment.server";
import { viewGesture } from "~/domain/gestures/gesture-queries.server";
import { getPoolBalance } from "~/domain/budget/ledger.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { actorOf, propose, setupGestures } from "../../support/gesture-setup";
import { refusal } from "../../support/refusal";
import { firstRow } from "~/utils/query.server";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

const NOW = new Date("2026-03-02T15:00:00Z");
const LATER = new Date("2026-03-03T15:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const RECEIPT_PDF = Buffer.from("%PDF-1.4\n\n");
const receipt = () => ({
  storedName: randomBytes(16).toString("hex"),
  mediaType: "application/pdf" as const,
  size: RECEIPT_PDF.byteLength,
  sha256: createHash("sha256").update(RECEIPT_PDF).digest("hex"),
  content: RECEIPT_PDF,
  originalName: "receipt.pdf",
});

const row = async (id: number) => (await firstRow(db.select().from(gestures).where(eq(gestures.id, id)).limit(1)))!;
const entries = async (id: number) => await db.select().from(ledgerEntries).where(eq(ledgerEntries.gestureId, id));

async function approvedGesture(amount = 4_000) {
  const s = await setupGestures(db, { now: NOW });
  const g = await propose(db, s.staff, { customerId: s.customer.id, amount }, NOW);
  expect(g.status).toBe("approved");
  return { s, g, poolId: (await row(g.gestureId)).poolId! };
}

async function fulfil(s: Awaited<ReturnType<typeof setupGestures>>, g: { gestureId: number; version: number }, input: Partial<FulfilInput>, now = LATER) {
  return await fulfilGesture(
    db,
    actorOf(s.staff),
    { gestureId: g.gestureId, version: g.version, actualAmount: 4_000, vendor: "Bloom & Co", fulfilledOn: "2026-03-03", note: "", receipt: receipt(), ...input },
    now,
  );
}

describe("the variance rule (pure)", () => {
  it("at or under the approved amount captures the actual and releases exactly the rest", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100 }), fc.nat(), (a, b, t, available) => {
        const [approved, actual] = a >= b ? [a, b] : [b, a];
        const v = fulfilmentVerdict({ approved, actual, tolerancePercent: t, available });
        expect(v).toEqual({ kind: "capture", captured: actual, released: approved - actual, extra: 0 });
        expect(v.kind === "capture" && v.captured + v.released).toBe(approved);
      }),
    );
  });
  it("above it, captures only within the tolerance and the available balance; otherwise asks again with the difference", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        (approved, extra, t, available) => {
          const v = fulfilmentVerdict({ approved, actual: approved + extra, tolerancePercent: t, available });
          const allowance = varianceAllowance(approved, t);
          if (extra <= allowance && extra <= available) expect(v).toEqual({ kind: "capture", captured: approved + extra, released: 0, extra });
          else expect(v).toMatchObject({ kind: "needs_reapproval", difference: extra });
        },
      ),
    );
  });
  it("the allowance is the tolerance rounded down to the cent", () => {
    expect(varianceAllowance(4_000, 10)).toBe(400);
    expect(varianceAllowance(999, 10)).toBe(99);
    expect(varianceAllowance(0, 50)).toBe(0);
  });
});

describe("fulfilment", () => {
  it("capturing less than the hold releases the remainder, in one transaction, and the pool shows it", async () => {
    const { s, g, poolId } = await approvedGesture(4_000);
    const before = (await getPoolBalance(db, poolId)).available;
    const r = await fulfil(s, g, { actualAmount: 3_250 });
    expect(r).toMatchObject({ status: "fulfilled", captured: 3_250, released: 750 });
    expect((await getPoolBalance(db, poolId)).available).toBe(before + 750);
    expect((await entries(g.gestureId)).map((e) => [e.kind, e.amount])).toEqual([
      ["hold", -4_000],
      ["release", 4_000],
      ["capture", -3_250],
    ]);
    expect(await row(g.gestureId)).toMatchObject({ actualAmount: 3_250, vendor: "Bloom & Co", fulfilledOn: "2026-03-03" });
  });

  it("an actual exactly at the tolerance boundary is captured; one cent over goes back for approval with the difference", async () => {
    const { s, g, poolId } = await approvedGesture(4_000);
    const before = (await getPoolBalance(db, poolId)).available;
    expect(await fulfil(s, g, { actualAmount: 4_400 })).toMatchObject({ status: "fulfilled", captured: 4_400, released: 0 });
    expect((await getPoolBalance(db, poolId)).available).toBe(before - 400);
  });

  it("one cent over the tolerance needs re-approval; the hold stays and the approver's approval captures the new amount", async () => {
    const { s, g, poolId } = await approvedGesture(4_000);
    const before = (await getPoolBalance(db, poolId)).available;
    const r = await fulfil(s, g, { actualAmount: 4_401 });
    expect(r).toMatchObject({ status: "needs_reapproval", difference: 401 });
    expect((await getPoolBalance(db, poolId)).available).toBe(before);
    expect((await db.select().from(notifications).where(eq(notifications.kind, "reapproval_needed"))).length).toBeGreaterThan(0);
    expect((await refusal(async () => await decideReapproval(db, actorOf(s.staff), { gestureId: g.gestureId, version: r.version, decision: "approve", comment: "" }, LATER))).code).toBe("FORBIDDEN");
    const ok = await decideReapproval(db, actorOf(s.manager), { gestureId: g.gestureId, version: r.version, decision: "approve", comment: "" }, LATER);
    expect(ok.status).toBe("fulfilled");
    expect((await getPoolBalance(db, poolId)).available).toBe(before - 401);
    expect((await row(g.gestureId)).approvedAmount).toBe(4_401);
  });

  it("a gesture waiting for re-approval is listed for its branch's managers and finance, not for the proposer or another branch, and leaves the list once decided", async () => {
    const { s, g } = await approvedGesture(4_000);
    const r = await fulfil(s, g, { actualAmount: 5_000 });
    const listed = async (user: Parameters<typeof actorOf>[0]) => (await reapprovalQueue(db, actorOf(user), LATER)).map((q) => q.id);
    expect(await reapprovalQueue(db, actorOf(s.manager), LATER)).toEqual([expect.objectContaining({ id: g.gestureId, approved: 4_000, actual: 5_000, difference: 1_000 })]);
    expect(await listed(s.financeUser)).toEqual([g.gestureId]);
    expect(await listed(s.staff)).toEqual([]);
    expect(await listed(s.southManager)).toEqual([]);
    await decideReapproval(db, actorOf(s.manager), { gestureId: g.gestureId, version: r.version, decision: "approve", comment: "" }, LATER);
    expect(await listed(s.manager)).toEqual([]);
  });

  it("a refused re-approval leaves the gesture approved with its hold, to fulfil within it", async () => {
    const { s, g, poolId } = await approvedGesture(4_000);
    const before = (await getPoolBalance(db, poolId)).available;
    const r = await fulfil(s, g, { actualAmount: 9_000 });
    const back = await decideReapproval(db, actorOf(s.manager), { gestureId: g.gestureId, version: r.version, decision: "refuse", comment: "Too much" }, LATER);
    expect(back.status).toBe("approved");
    expect((await row(g.gestureId)).actualAmount).toBeNull();
    expect((await getPoolBalance(db, poolId)).available).toBe(before);
    expect((await fulfil(s, back, { actualAmount: 4_000 })).status).toBe("fulfilled");
  });

  it("a second capture is impossible: a replay changes nothing, a stale form is refused", async () => {
    const { s, g, poolId } = await approvedGesture(4_000);
    await fulfil(s, g, { actualAmount: 3_000 });
    const after = (await getPoolBalance(db, poolId)).available;
    expect((await fulfil(s, g, { actualAmount: 3_000 })).alreadyDone).toBe(true);
    expect(
      (
        await refusal(
          async () =>
            await fulfilGesture(db, actorOf(s.staff2), { gestureId: g.gestureId, version: g.version, actualAmount: 3_000, vendor: "x", fulfilledOn: "2026-03-03", note: "", receipt: null }, LATER),
        )
      ).code,
    ).toBe("CONFLICT");
    const current = await row(g.gestureId);
    expect((await refusal(async () => await fulfil(s, { gestureId: g.gestureId, version: current.version }, { actualAmount: 1_000 }))).code).toBe("INVALID_STATE");
    expect((await entries(g.gestureId)).filter((e) => e.kind === "capture")).toHaveLength(1);
    expect((await getPoolBalance(db, poolId)).available).toBe(after);
  });

  it("a receipt is required above the policy amount; a future date and another branch are refused", async () => {
    const { s, g } = await approvedGesture(4_000);
    expect((await refusal(async () => await fulfil(s, g, { receipt: null, actualAmount: 2_501 }))).field).toBe("receipt");
    expect((await refusal(async () => await fulfil(s, g, { fulfilledOn: "2026-03-09" }))).field).toBe("fulfilledOn");
    expect(
      (
        await refusal(
          async () =>
            await fulfilGesture(db, actorOf(s.southStaff), { gestureId: g.gestureId, version: g.version, actualAmount: 100, vendor: "x", fulfilledOn: "2026-03-03", note: "", receipt: null }, LATER),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect((await fulfil(s, g, { receipt: null, actualAmount: 2_500 })).status).toBe("fulfilled");
  });
});

describe("cancellation and expiry", () => {
  it("cancelling releases the hold exactly once, with the reason", async () => {
    const { s, g, poolId } = await approvedGesture(4_000);
    const before = (await getPoolBalance(db, poolId)).available;
    expect((await refusal(async () => await cancelGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, reason: " " }, LATER))).field).toBe("reason");
    const c = await cancelGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, reason: "Customer moved away" }, LATER);
    expect(c.status).toBe("cancelled");
    expect((await cancelGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, reason: "again" }, LATER)).alreadyDone).toBe(true);
    expect((await getPoolBalance(db, poolId)).available).toBe(before + 4_000);
    expect((await entries(g.gestureId)).filter((e) => e.kind === "release")).toHaveLength(1);
    expect((await refusal(async () => await fulfil(s, c, {}))).code).toBe("INVALID_STATE");
  });

  it("the expiry job releases each lapsed approval once and notifies the proposer; a second run changes nothing", async () => {
    const { s, g, poolId } = await approvedGesture(4_000);
    const before = (await getPoolBalance(db, poolId)).available;
    expect((await expireDueApprovals(db, new Date(NOW.getTime() + 29 * DAY))).expired).toBe(0);
    const when = new Date(NOW.getTime() + 30 * DAY);
    expect((await expireDueApprovals(db, when)).expired).toBe(1);
    const snapshot = { ledger: (await entries(g.gestureId)).length, gesture: await row(g.gestureId), notes: (await db.select().from(notifications)).length };
    expect((await expireDueApprovals(db, new Date(when.getTime() + DAY))).expired).toBe(0);
    expect({ ledger: (await entries(g.gestureId)).length, gesture: await row(g.gestureId), notes: (await db.select().from(notifications)).length }).toEqual(snapshot);
    expect(snapshot.gesture.status).toBe("expired");
    expect((await getPoolBalance(db, poolId)).available).toBe(before + 4_000);
    expect(
      await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.kind, "expired"), eq(notifications.userId, s.staff.id))),
    ).toHaveLength(1);
    expect((await firstRow(db.select().from(holds).where(eq(holds.gestureId, g.gestureId)).limit(1)))!.status).toBe("released");
  });

  it("reading a lapsed approval expires it, and then it cannot be fulfilled or cancelled", async () => {
    const { s, g } = await approvedGesture(4_000);
    const when = new Date(NOW.getTime() + 31 * DAY);
    expect((await viewGesture(db, actorOf(s.manager), g.gestureId, when)).gesture.status).toBe("expired");
    expect((await refusal(async () => await cancelGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version + 1, reason: "late" }, when))).code).toBe("INVALID_STATE");
    expect((await entries(g.gestureId)).filter((e) => e.kind === "release")).toHaveLength(1);
  });
});

describe("outcome", () => {
  it("someone other than the proposer records it: the gesture closes and the proposer is told", async () => {
    const { s, g } = await approvedGesture(2_000);
    const f = await fulfil(s, g, { actualAmount: 2_000, receipt: null });
    expect((await refusal(async () => await recordOutcome(db, actorOf(s.southStaff), { gestureId: g.gestureId, version: f.version, outcome: "thanked", note: "" }, LATER))).code).toBe("FORBIDDEN");
    const c = await recordOutcome(db, actorOf(s.staff2), { gestureId: g.gestureId, version: f.version, outcome: "positive_feedback", note: "Came in to say thanks" }, LATER);
    expect(c.status).toBe("closed");
    expect(await row(g.gestureId)).toMatchObject({ outcome: "positive_feedback", outcomeRecordedById: s.staff2.id });
    expect(
      await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.kind, "outcome_recorded"), eq(notifications.userId, s.staff.id))),
    ).toHaveLength(1);
    expect((await viewGesture(db, actorOf(s.finance2), g.gestureId, LATER)).gesture.outcomeNote).toBeNull();
  });

  it("a missing outcome is reminded once after the follow-up delay", async () => {
    const { s, g } = await approvedGesture(2_000);
    await fulfil(s, g, { actualAmount: 2_000, receipt: null });
    expect((await sendOutcomeReminders(db, new Date(LATER.getTime() + 13 * DAY))).sent).toBe(0);
    expect((await sendOutcomeReminders(db, new Date(LATER.getTime() + 14 * DAY))).sent).toBe(1);
    expect((await sendOutcomeReminders(db, new Date(LATER.getTime() + 15 * DAY))).sent).toBe(0);
  });
});
