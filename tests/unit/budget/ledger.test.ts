import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closePeriod, closeSummary, listPeriodPools, nextPeriod, openPeriod } from "~/domain/budget/budget-periods.server";
import { adjust, allocate, captureHold, currentPoolFor, getPoolBalance, listPoolLedger, placeHold, releaseHold, type FinanceActor } from "~/domain/budget/ledger.server";
import { DomainError } from "~/domain/core/errors";
import { writeTransaction, type Db } from "~/utils/db.server";
import { mapInSeries } from "~/utils/in-series";
import { firstRow } from "~/utils/query.server";
import { auditEvents, budgetPeriods, holds, ledgerEntries } from "../../../db/schema";
import { key, setupBudget } from "../../support/budget";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createUser } from "../../support/factories";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

// Q4 2026 in New York.
const NOV = new Date("2026-11-10T15:00:00Z");
const JAN = new Date("2027-01-04T15:00:00Z");
const staffActor = { id: null };

async function domainError(fn: () => unknown): Promise<DomainError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

async function entriesSum(poolId: number): Promise<number> {
  return (await db.select().from(ledgerEntries).where(eq(ledgerEntries.poolId, poolId))).reduce((sum, e) => sum + e.amount, 0);
}

async function auditActions(): Promise<string[]> {
  return (await db.select({ action: auditEvents.action }).from(auditEvents)).map((e) => e.action);
}

describe("opening a period", () => {
  it("creates a pool with its opening allocation for every active branch, and audits it", async () => {
    const inactive = await createBranch(db, { active: false });
    const { pools, periodId } = await setupBudget(db, { branches: 3, amounts: [50_000, 0, 12_345], now: NOV });
    expect(pools.map((p) => p.label)).toEqual(["Q4 2026", "Q4 2026", "Q4 2026"]);
    expect(await mapInSeries(pools, async (p) => (await getPoolBalance(db, p.id)).allocated)).toEqual([50_000, 0, 12_345]);
    expect(await currentPoolFor(db, inactive.id, NOV)).toBeNull();
    const { rows, totals } = await listPeriodPools(db, periodId, { page: 1, pageSize: 50 });
    expect(rows).toHaveLength(3);
    expect(totals).toMatchObject({ pools: 3, allocated: 62_345, available: 62_345 });
    expect((await auditActions()).filter((a) => a === "budget.allocated")).toHaveLength(2);
    expect(await auditActions()).toContain("budget.period_opened");
  });

  it("the same request twice opens the period once", async () => {
    const { finance, branches } = await setupBudget(db, { branches: 1, now: NOV });
    const request = { amounts: [{ branchId: branches[0]!.id, amount: 1000 }], idempotencyKey: key(), now: NOV };
    const first = await openPeriod(db, finance, request);
    const second = await openPeriod(db, finance, request);
    expect(second).toMatchObject({ periodId: first.periodId, replayed: true });
    expect(await db.select().from(budgetPeriods)).toHaveLength(2);
    const changed = { ...request, amounts: [{ branchId: branches[0]!.id, amount: 2000 }] };
    expect((await domainError(async () => await openPeriod(db, finance, changed))).code).toBe("CONFLICT");
  });

  it("follows the latest period, and never opens more than one period ahead of today", async () => {
    const { finance, branches } = await setupBudget(db, { branches: 1, now: NOV });
    expect(await nextPeriod(db, NOV)).toMatchObject({ startsOn: "2027-01-01", endsOn: "2027-04-01", label: "Q1 2027", canOpen: true });
    await openPeriod(db, finance, { amounts: [], idempotencyKey: key(), now: NOV });
    const tooFar = await nextPeriod(db, NOV);
    expect(tooFar).toMatchObject({ label: "Q2 2027", canOpen: false });
    expect(tooFar.reason).toContain("can be opened from 1 Jan 2027");
    expect((await domainError(async () => await openPeriod(db, finance, { amounts: [], idempotencyKey: key(), now: NOV }))).code).toBe("INVALID_STATE");
    expect((await currentPoolFor(db, branches[0]!.id, JAN))?.label).toBe("Q1 2027");
  });

  it("opens months when the organisation's period length is a month", async () => {
    const { pools } = await setupBudget(db, { branches: 1, now: NOV, periodLength: "month" });
    expect(pools[0]!.label).toBe("November 2026");
    expect(await nextPeriod(db, NOV)).toMatchObject({ startsOn: "2026-12-01", endsOn: "2027-01-01", label: "December 2026" });
  });

  it("cuts periods in the organisation's time zone", async () => {
    const { branches } = await setupBudget(db, { branches: 1, now: NOV });
    // 03:00 UTC on 1 January is still New Year's Eve in New York.
    expect((await currentPoolFor(db, branches[0]!.id, new Date("2027-01-01T03:00:00Z")))?.label).toBe("Q4 2026");
    expect(await currentPoolFor(db, branches[0]!.id, new Date("2027-01-01T06:00:00Z"))).toBeNull();
  });

  it("only finance opens periods", async () => {
    await setupBudget(db, { branches: 1, now: NOV });
    const manager = await createUser(db, { role: "manager" });
    expect((await domainError(async () => await openPeriod(db, { id: manager.id, role: "manager" }, { amounts: [], idempotencyKey: key(), now: NOV }))).code).toBe("FORBIDDEN");
  });
});

describe("allocations and adjustments", () => {
  it("an allocation adds to the available balance", async () => {
    const { finance, pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const result = await allocate(db, finance, { poolId: pools[0]!.id, amount: 2_500, idempotencyKey: key(), now: NOV });
    expect(result).toMatchObject({ available: 12_500, replayed: false });
    expect(await getPoolBalance(db, pools[0]!.id)).toEqual({ allocated: 12_500, adjustments: 0, committed: 0, spent: 0, available: 12_500 });
  });

  it("an adjustment may be negative and needs a reason", async () => {
    const { finance, pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    const noReason = await domainError(async () => await adjust(db, finance, { poolId, amount: -1_000, reason: "   ", idempotencyKey: key(), now: NOV }));
    expect(noReason).toMatchObject({ code: "VALIDATION", field: "reason" });
    await adjust(db, finance, { poolId, amount: -1_000, reason: "Correction: duplicate allocation", idempotencyKey: key(), now: NOV });
    await adjust(db, finance, { poolId, amount: 400, reason: "Regional top-up", idempotencyKey: key(), now: NOV });
    expect(await getPoolBalance(db, poolId)).toMatchObject({ allocated: 10_000, adjustments: -600, available: 9_400 });
    expect((await auditActions()).filter((a) => a === "budget.adjusted")).toHaveLength(2);
  });

  it("an adjustment that would take the pool below zero is refused and changes nothing", async () => {
    const { finance, pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    await placeHold(db, staffActor, { poolId, amount: 6_000, idempotencyKey: key(), now: NOV });
    const before = (await db.select().from(ledgerEntries)).length;
    const error = await domainError(async () => await adjust(db, finance, { poolId, amount: -4_001, reason: "Cut", idempotencyKey: key(), now: NOV }));
    expect(error.code).toBe("INSUFFICIENT_FUNDS");
    expect(error.message).toContain("has $40.00 available");
    expect(await db.select().from(ledgerEntries)).toHaveLength(before);
  });

  it("only finance allocates or adjusts", async () => {
    const { pools } = await setupBudget(db, { branches: 1, now: NOV });
    const manager = await createUser(db, { role: "manager" });
    const actor: FinanceActor = { id: manager.id, role: "manager" };
    expect((await domainError(async () => await allocate(db, actor, { poolId: pools[0]!.id, amount: 1, idempotencyKey: key(), now: NOV }))).code).toBe("FORBIDDEN");
    expect((await domainError(async () => await adjust(db, actor, { poolId: pools[0]!.id, amount: 1, reason: "x", idempotencyKey: key(), now: NOV }))).code).toBe("FORBIDDEN");
  });

  it("amounts must be whole cents, not zero, within the maximum", async () => {
    const { finance, pools } = await setupBudget(db, { branches: 1, now: NOV });
    const poolId = pools[0]!.id;
    for (const amount of [0, 12.5, -1, Number.NaN, 2_000_000_000]) {
      expect((await domainError(async () => await allocate(db, finance, { poolId, amount, idempotencyKey: key(), now: NOV }))).code).toBe("VALIDATION");
    }
  });
});

describe("holds", () => {
  it("a hold that fits is placed; one that does not is refused with a clear message and nothing changes", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    const hold = await placeHold(db, { id: null }, { poolId, gestureId: 41, amount: 7_500, idempotencyKey: key(), now: NOV });
    expect(hold).toMatchObject({ available: 2_500, replayed: false });
    const error = await domainError(async () => await placeHold(db, staffActor, { poolId, amount: 2_501, idempotencyKey: key(), now: NOV }));
    expect(error.code).toBe("INSUFFICIENT_FUNDS");
    expect(error.message).toBe(`${pools[0]!.branchName}'s budget for Q4 2026 has $25.00 available, which cannot cover $25.01. Nothing was set aside.`);
    expect(await db.select().from(holds)).toHaveLength(1);
    expect(await getPoolBalance(db, poolId)).toEqual({ allocated: 10_000, adjustments: 0, committed: 7_500, spent: 0, available: 2_500 });
    await placeHold(db, staffActor, { poolId, amount: 2_500, idempotencyKey: key(), now: NOV });
    expect((await getPoolBalance(db, poolId)).available).toBe(0);
  });

  it("releasing a hold gives its whole amount back", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    const { holdId } = await placeHold(db, staffActor, { poolId, amount: 3_000, idempotencyKey: key(), now: NOV });
    expect(await releaseHold(db, staffActor, { holdId, idempotencyKey: key(), now: NOV })).toMatchObject({ released: 3_000, available: 10_000 });
    expect(await firstRow(db.select().from(holds).where(eq(holds.id, holdId)).limit(1))).toMatchObject({ status: "released" });
    expect(await getPoolBalance(db, poolId)).toMatchObject({ committed: 0, spent: 0, available: 10_000 });
  });

  it("capturing less than the hold spends the actual amount and releases the remainder", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    const { holdId } = await placeHold(db, staffActor, { poolId, amount: 6_500, idempotencyKey: key(), now: NOV });
    const capture = await captureHold(db, staffActor, { holdId, actualAmount: 6_250, idempotencyKey: key(), now: NOV });
    expect(capture).toMatchObject({ captured: 6_250, remainderReleased: 250, available: 3_750 });
    expect(await getPoolBalance(db, poolId)).toEqual({ allocated: 10_000, adjustments: 0, committed: 0, spent: 6_250, available: 3_750 });
    const kinds = (await listPoolLedger(db, poolId, { page: 1, pageSize: 10 })).rows.map((r) => [r.kind, r.amount, r.balanceAfter]);
    expect(kinds).toEqual([
      ["capture", -6_250, 3_750],
      ["release", 6_500, 10_000],
      ["hold", -6_500, 3_500],
      ["allocation", 10_000, 10_000],
    ]);
  });

  it("capturing more than the hold is allowed while the pool covers the difference, and refused beyond it", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    const first = await placeHold(db, staffActor, { poolId, amount: 5_000, idempotencyKey: key(), now: NOV });
    const second = await placeHold(db, staffActor, { poolId, amount: 4_000, idempotencyKey: key(), now: NOV });
    // 1,000 available: a capture of 5,000 + 1,001 does not fit.
    const error = await domainError(async () => await captureHold(db, staffActor, { holdId: first.holdId, actualAmount: 6_001, idempotencyKey: key(), now: NOV }));
    expect(error.code).toBe("INSUFFICIENT_FUNDS");
    expect((await firstRow(db.select().from(holds).where(eq(holds.id, first.holdId)).limit(1)))?.status).toBe("open");
    await captureHold(db, staffActor, { holdId: first.holdId, actualAmount: 6_000, idempotencyKey: key(), now: NOV });
    expect(await getPoolBalance(db, poolId)).toEqual({ allocated: 10_000, adjustments: 0, committed: 4_000, spent: 6_000, available: 0 });
    expect(second.holdId).toBeGreaterThan(first.holdId);
  });

  it("a hold resolves only once: a second release or capture is refused", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const { holdId } = await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 1_000, idempotencyKey: key(), now: NOV });
    await captureHold(db, staffActor, { holdId, actualAmount: 900, idempotencyKey: key(), now: NOV });
    const again = await domainError(async () => await releaseHold(db, staffActor, { holdId, idempotencyKey: key(), now: NOV }));
    expect(again).toMatchObject({ code: "INVALID_STATE", message: "This hold was already captured; a hold resolves only once." });
    expect((await domainError(async () => await captureHold(db, staffActor, { holdId, actualAmount: 900, idempotencyKey: key(), now: NOV }))).code).toBe("INVALID_STATE");
    expect(await getPoolBalance(db, pools[0]!.id)).toMatchObject({ spent: 900, available: 9_100 });
  });

  it("holds join a caller's transaction, so the workflow can change a gesture and its hold together", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    await expect(
      writeTransaction(db, async (tx) => {
        await placeHold(tx, staffActor, { poolId, amount: 1_000, idempotencyKey: key(), now: NOV });
        throw new Error("the gesture's own update failed");
      }),
    ).rejects.toThrow("the gesture's own update failed");
    expect((await getPoolBalance(db, poolId)).committed).toBe(0);
    expect(await db.select().from(holds)).toHaveLength(0);
  });
});

describe("idempotency", () => {
  it("the same key twice moves money once, for every operation", async () => {
    const { finance, pools } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    const allocation = { poolId, amount: 1_000, idempotencyKey: key(), now: NOV };
    expect((await allocate(db, finance, allocation)).replayed).toBe(false);
    expect(await allocate(db, finance, allocation)).toMatchObject({ replayed: true, available: 11_000 });
    const adjustment = { poolId, amount: -500, reason: "Fix", idempotencyKey: key(), now: NOV };
    await adjust(db, finance, adjustment);
    expect((await adjust(db, finance, adjustment)).replayed).toBe(true);
    const holdRequest = { poolId, gestureId: 7, amount: 2_000, idempotencyKey: key(), now: NOV };
    const hold = await placeHold(db, staffActor, holdRequest);
    expect(await placeHold(db, staffActor, holdRequest)).toMatchObject({ holdId: hold.holdId, replayed: true });
    const other = await placeHold(db, staffActor, { poolId, amount: 1_000, idempotencyKey: key(), now: NOV });
    const release = { holdId: other.holdId, idempotencyKey: key(), now: NOV };
    await releaseHold(db, staffActor, release);
    expect((await releaseHold(db, staffActor, release)).replayed).toBe(true);
    const capture = { holdId: hold.holdId, actualAmount: 1_800, idempotencyKey: key(), now: NOV };
    await captureHold(db, staffActor, capture);
    expect(await captureHold(db, staffActor, capture)).toMatchObject({ replayed: true, captured: 1_800, remainderReleased: 200 });
    expect(await getPoolBalance(db, poolId)).toEqual({ allocated: 11_000, adjustments: -500, committed: 0, spent: 1_800, available: 8_700 });
    expect(await db.select().from(ledgerEntries).where(eq(ledgerEntries.poolId, poolId))).toHaveLength(8);
  });

  it("the same key with a different amount, or for something else, is refused and changes nothing", async () => {
    const { finance, pools } = await setupBudget(db, { branches: 2, amounts: [10_000, 10_000], now: NOV });
    const k = key();
    await allocate(db, finance, { poolId: pools[0]!.id, amount: 1_000, idempotencyKey: k, now: NOV });
    const differentAmount = await domainError(async () => await allocate(db, finance, { poolId: pools[0]!.id, amount: 1_001, idempotencyKey: k, now: NOV }));
    expect(differentAmount.code).toBe("CONFLICT");
    expect(differentAmount.message).toContain("different amount");
    expect((await domainError(async () => await allocate(db, finance, { poolId: pools[1]!.id, amount: 1_000, idempotencyKey: k, now: NOV }))).code).toBe("CONFLICT");
    expect((await domainError(async () => await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 1_000, idempotencyKey: k, now: NOV }))).code).toBe("CONFLICT");
    const hold = await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 500, idempotencyKey: key(), now: NOV });
    const captureKey = key();
    await captureHold(db, staffActor, { holdId: hold.holdId, actualAmount: 500, idempotencyKey: captureKey, now: NOV });
    expect((await domainError(async () => await captureHold(db, staffActor, { holdId: hold.holdId, actualAmount: 450, idempotencyKey: captureKey, now: NOV }))).code).toBe("CONFLICT");
    expect(await getPoolBalance(db, pools[0]!.id)).toMatchObject({ allocated: 11_000, spent: 500, available: 10_500 });
    expect((await getPoolBalance(db, pools[1]!.id)).allocated).toBe(10_000);
  });

  it("a request without a proper key is refused", async () => {
    const { finance, pools } = await setupBudget(db, { branches: 1, now: NOV });
    expect((await domainError(async () => await allocate(db, finance, { poolId: pools[0]!.id, amount: 1, idempotencyKey: "", now: NOV }))).code).toBe("VALIDATION");
    expect((await domainError(async () => await allocate(db, finance, { poolId: pools[0]!.id, amount: 1, idempotencyKey: "bad key with spaces", now: NOV }))).code).toBe("VALIDATION");
  });
});

describe("closing a period", () => {
  it("is refused before the period has ended", async () => {
    const { finance, periodId } = await setupBudget(db, { branches: 1, now: NOV });
    const error = await domainError(async () => await closePeriod(db, finance, { periodId, carryOpenHolds: false, now: NOV }));
    expect(error).toMatchObject({ code: "INVALID_STATE", message: "Q4 2026 runs until 31 Dec 2026; it can be closed once it has ended." });
  });

  it("with the lapse rule, the unspent balance lapses by an explicit adjustment", async () => {
    const { finance, pools, periodId } = await setupBudget(db, { branches: 2, amounts: [10_000, 0], now: NOV });
    const { holdId } = await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 4_000, idempotencyKey: key(), now: NOV });
    await captureHold(db, staffActor, { holdId, actualAmount: 3_000, idempotencyKey: key(), now: NOV });
    expect(await closePeriod(db, finance, { periodId, carryOpenHolds: false, now: JAN })).toEqual({ label: "Q4 2026", carriedHolds: 0, lapsed: 7_000, carriedOver: 0 });
    expect(await getPoolBalance(db, pools[0]!.id)).toEqual({ allocated: 10_000, adjustments: -7_000, committed: 0, spent: 3_000, available: 0 });
    const lapse = await firstRow(
      db
        .select()
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.poolId, pools[0]!.id), eq(ledgerEntries.kind, "adjustment")))
        .limit(1),
    );
    expect(lapse?.memo).toBe("Unspent balance lapsed at the close of Q4 2026");
    expect(await auditActions()).toEqual(expect.arrayContaining(["budget.unspent_lapsed", "budget.period_closed"]));
    expect((await domainError(async () => await closePeriod(db, finance, { periodId, carryOpenHolds: false, now: JAN }))).message).toBe("Q4 2026 is already closed.");
  });

  it("is refused while holds are open, unless finance carries them into the next period", async () => {
    const { finance, pools, periodId, branches } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    const poolId = pools[0]!.id;
    await placeHold(db, staffActor, { poolId, gestureId: 12, amount: 2_500, idempotencyKey: key(), now: NOV });
    const refused = await domainError(async () => await closePeriod(db, finance, { periodId, carryOpenHolds: false, now: JAN }));
    expect(refused.message).toBe("1 hold is still open in Q4 2026 ($25.00). Resolve them first, or carry them into the next period.");
    const noNext = await domainError(async () => await closePeriod(db, finance, { periodId, carryOpenHolds: true, now: JAN }));
    expect(noNext.message).toBe("Open the next period (Q1 2027) first: the open holds of Q4 2026 move into it.");

    await openPeriod(db, finance, { amounts: [{ branchId: branches[0]!.id, amount: 5_000 }], idempotencyKey: key(), now: JAN });
    const result = await closePeriod(db, finance, { periodId, carryOpenHolds: true, now: JAN });
    expect(result).toEqual({ label: "Q4 2026", carriedHolds: 1, lapsed: 10_000, carriedOver: 0 });

    const next = (await currentPoolFor(db, branches[0]!.id, JAN))!;
    const [oldHold, newHold] = await db.select().from(holds).orderBy(holds.id);
    expect(oldHold).toMatchObject({ status: "carried", carriedToHoldId: newHold!.id });
    expect(newHold).toMatchObject({ poolId: next.id, status: "open", amount: 2_500, gestureId: 12 });
    expect(await getPoolBalance(db, poolId)).toMatchObject({ committed: 0, available: 0 });
    expect(await getPoolBalance(db, next.id)).toEqual({ allocated: 5_000, adjustments: 0, committed: 2_500, spent: 0, available: 2_500 });
    // The carried hold is captured in its new pool like any other.
    await captureHold(db, staffActor, { holdId: newHold!.id, actualAmount: 2_500, idempotencyKey: key(), now: JAN });
    expect(await getPoolBalance(db, next.id)).toMatchObject({ spent: 2_500, available: 2_500 });
    const audit = await db.select().from(auditEvents);
    expect(audit.find((e) => e.action === "budget.hold_released" && e.entityId === String(oldHold!.id))?.detail).toContain('"reason":"carried"');
    expect(audit.find((e) => e.action === "budget.hold_placed" && e.entityId === String(newHold!.id))?.detail).toContain(`"carriedFromHoldId":${oldHold!.id}`);
  });

  it("with the carry-over rule, the unspent balance moves to the next period's pool", async () => {
    const { finance, pools, periodId, branches } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV, unspentBalanceRule: "carry_over" });
    await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 1_000, idempotencyKey: key(), now: NOV });
    await openPeriod(db, finance, { amounts: [{ branchId: branches[0]!.id, amount: 0 }], idempotencyKey: key(), now: JAN });
    const summary = await closeSummary(db, periodId, JAN);
    expect(summary).toMatchObject({ openHolds: { count: 1, total: 1_000 }, unspent: 9_000, rule: "carry_over", blocked: null });
    expect(await closePeriod(db, finance, { periodId, carryOpenHolds: true, now: JAN })).toEqual({ label: "Q4 2026", carriedHolds: 1, lapsed: 0, carriedOver: 10_000 });
    const next = (await currentPoolFor(db, branches[0]!.id, JAN))!;
    expect(await getPoolBalance(db, next.id)).toEqual({ allocated: 0, adjustments: 10_000, committed: 1_000, spent: 0, available: 9_000 });
    expect(await entriesSum(next.id)).toBe(9_000);
    expect(await entriesSum(pools[0]!.id)).toBe(0);
  });

  it("carried holds that do not fit the next period's pool are refused, and nothing closes", async () => {
    const { finance, pools, periodId, branches } = await setupBudget(db, { branches: 1, amounts: [10_000], now: NOV });
    await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 6_000, idempotencyKey: key(), now: NOV });
    await openPeriod(db, finance, { amounts: [{ branchId: branches[0]!.id, amount: 5_000 }], idempotencyKey: key(), now: JAN });
    const before = (await db.select().from(ledgerEntries)).length;
    const error = await domainError(async () => await closePeriod(db, finance, { periodId, carryOpenHolds: true, now: JAN }));
    expect(error.code).toBe("INSUFFICIENT_FUNDS");
    expect(error.message).toContain("has $50.00 available and cannot take its 1 carried hold ($60.00)");
    expect(await db.select().from(ledgerEntries)).toHaveLength(before);
    expect((await firstRow(db.select().from(budgetPeriods).where(eq(budgetPeriods.id, periodId)).limit(1)))?.status).toBe("open");
  });
});
