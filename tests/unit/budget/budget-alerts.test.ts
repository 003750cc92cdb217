// Budget alerts (issue 21): a pool tells its branch's managers when its use (committed + spent)
// reaches each policy threshold, and finance at the last one — each threshold once per pool,
// whatever happens to the pool's use afterwards.
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, budgetAlerts, emailOutbox, notifications } from "../../../db/schema";
import { percentUsed, reachedThresholds, type BudgetAlertThreshold } from "~/domain/budget/budget-alerts";
import { raiseBudgetAlerts } from "~/domain/budget/budget-alerts.server";
import { adjust, captureHold, getPoolBalance, placeHold, releaseHold } from "~/domain/budget/ledger.server";
import { budgetAlertThresholds, policyProblems } from "~/domain/policy/policy";
import { getEffectivePolicy } from "~/domain/policy/policy.server";
import type { Db } from "~/utils/db.server";
import { key, setupBudget } from "../../support/budget";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createUser } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

const NOV = new Date("2026-11-10T15:00:00Z");
const DEFAULT_THRESHOLDS: BudgetAlertThreshold[] = [
  { percent: 50, toFinance: false },
  { percent: 75, toFinance: false },
  { percent: 90, toFinance: true },
];

describe("which thresholds a pool's use has reached", () => {
  it("counts a threshold from exactly its share of the budget, never a cent before", () => {
    // 75 % of 10,000 is 7,500: 7,499 has not reached it.
    expect(reachedThresholds({ budget: 10_000, used: 7_499 }, DEFAULT_THRESHOLDS).map((t) => t.percent)).toEqual([50]);
    expect(reachedThresholds({ budget: 10_000, used: 7_500 }, DEFAULT_THRESHOLDS).map((t) => t.percent)).toEqual([50, 75]);
    // A budget of 3 cents: 2 cents used is 66.7 %, not 75 %.
    expect(reachedThresholds({ budget: 3, used: 2 }, DEFAULT_THRESHOLDS).map((t) => t.percent)).toEqual([50]);
  });

  it("raises nothing for a pool without a budget, and skips a threshold set to 0", () => {
    expect(reachedThresholds({ budget: 0, used: 0 }, DEFAULT_THRESHOLDS)).toEqual([]);
    expect(reachedThresholds({ budget: 1_000, used: 1_000 }, [{ percent: 0, toFinance: false }])).toEqual([]);
  });

  it("agrees with the exact share for any budget and use (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 1, max: 100 }), (budget, used, percent) => {
        const reached = reachedThresholds({ budget, used }, [{ percent, toFinance: false }]).length === 1;
        expect(reached).toBe(BigInt(used) * 100n >= BigInt(percent) * BigInt(budget));
        if (reached) expect(percentUsed({ budget, used })).toBeGreaterThanOrEqual(percent);
      }),
    );
  });
});

describe("the policy's alert thresholds", () => {
  const base = { budgetAlertFirstPercent: 50, budgetAlertSecondPercent: 75, budgetAlertFinancePercent: 90 };

  it("lists the switched-on thresholds, the last one to finance", () => {
    expect(budgetAlertThresholds({ ...base } as never)).toEqual(DEFAULT_THRESHOLDS);
    expect(budgetAlertThresholds({ ...base, budgetAlertSecondPercent: 0 } as never)).toEqual([DEFAULT_THRESHOLDS[0], DEFAULT_THRESHOLDS[2]]);
  });

  it("refuses thresholds that do not rise, naming the one to change", async () => {
    const db = createTestDatabase();
    try {
      const branchPolicy = (await getEffectivePolicy(db, 0)).policy;
      const problems = policyProblems({ ...branchPolicy, budgetAlertFirstPercent: 80, budgetAlertSecondPercent: 75, budgetAlertFinancePercent: 90 });
      expect(problems).toEqual([{ key: "budgetAlertSecondPercent", message: expect.stringContaining("above the first budget alert (80%)") }]);
      expect(policyProblems({ ...branchPolicy, budgetAlertFirstPercent: 80, budgetAlertSecondPercent: 0, budgetAlertFinancePercent: 90 })).toEqual([]);
    } finally {
      await closeDatabase(db);
    }
  });
});

describe("raising alerts on a real pool", () => {
  let db: Db;
  beforeEach(() => {
    db = createTestDatabase();
  });
  afterEach(() => closeDatabase(db));

  async function poolWithPeople(budget: number) {
    const setup = await setupBudget(db, { branches: 2, amounts: [budget, budget], now: NOV });
    const branch = setup.branches[0]!;
    const managers = [await createUser(db, { role: "manager", branchId: branch.id }), await createUser(db, { role: "manager", branchId: branch.id })];
    const otherManager = await createUser(db, { role: "manager", branchId: setup.branches[1]!.id });
    const staff = await createUser(db, { role: "staff", branchId: branch.id });
    return { ...setup, pool: setup.pools[0]!, managers, otherManager, staff };
  }

  async function notificationsOf(userId: number) {
    return await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.kind, "budget_alert")));
  }

  it("tells the branch's managers at 50 % and 75 %, and finance too at 90 %, in the app and by e-mail, with the pool's page as the link", async () => {
    const { pool, managers, otherManager, staff, financeUser } = await poolWithPeople(10_000);
    await placeHold(db, { id: null }, { poolId: pool.id, amount: 5_000, idempotencyKey: key(), now: NOV });
    expect((await raiseBudgetAlerts(db, pool.id, DEFAULT_THRESHOLDS, NOV)).map((a) => a.percent)).toEqual([50]);
    await placeHold(db, { id: null }, { poolId: pool.id, amount: 4_000, idempotencyKey: key(), now: NOV });
    expect((await raiseBudgetAlerts(db, pool.id, DEFAULT_THRESHOLDS, NOV)).map((a) => a.percent)).toEqual([75, 90]);

    for (const manager of managers) expect((await notificationsOf(manager.id)).map((n) => n.message.match(/past the (\d+)% alert/)![1])).toEqual(["50", "75", "90"]);
    expect((await notificationsOf(financeUser.id)).map((n) => n.message.match(/past the (\d+)% alert/)![1])).toEqual(["90"]);
    expect(await notificationsOf(otherManager.id)).toEqual([]);
    expect(await notificationsOf(staff.id)).toEqual([]);
    const [first] = await notificationsOf(managers[0]!.id);
    expect(first!.message).toBe(`The ${pool.branchName} budget for Q4 2026 is 50% used, past the 50% alert: $50.00 of $100.00 committed or spent.`);
    const email = (await firstRow(db.select().from(emailOutbox).where(eq(emailOutbox.notificationId, first!.id)).limit(1)))!;
    expect(email.subject).toBe("A budget pool is filling up");
    expect(email.body).toContain(`/pools/${pool.id}`);
    const audited = await db.select().from(auditEvents).where(eq(auditEvents.action, "budget.alert"));
    expect(audited.map((e) => JSON.parse(e.detail).thresholdPercent)).toEqual([50, 75, 90]);
  });

  it("never sends a threshold twice for one pool: not after a release and a second crossing, nor on a retry", async () => {
    const { pool, managers } = await poolWithPeople(10_000);
    const hold = await placeHold(db, { id: null }, { poolId: pool.id, amount: 6_000, idempotencyKey: key(), now: NOV });
    await raiseBudgetAlerts(db, pool.id, DEFAULT_THRESHOLDS, NOV);
    await releaseHold(db, { id: null }, { holdId: hold.holdId, idempotencyKey: key(), now: NOV });
    await placeHold(db, { id: null }, { poolId: pool.id, amount: 6_000, idempotencyKey: key(), now: NOV });
    expect(await raiseBudgetAlerts(db, pool.id, DEFAULT_THRESHOLDS, NOV)).toEqual([]);
    expect(await raiseBudgetAlerts(db, pool.id, DEFAULT_THRESHOLDS, NOV)).toEqual([]);
    expect(await notificationsOf(managers[0]!.id)).toHaveLength(1);
    expect(await db.select().from(budgetAlerts)).toHaveLength(1);
  });

  it("tells the managers when finance cuts the budget past a threshold", async () => {
    const { pool, managers, finance } = await poolWithPeople(10_000);
    await placeHold(db, { id: null }, { poolId: pool.id, amount: 4_000, idempotencyKey: key(), now: NOV });
    await raiseBudgetAlerts(db, pool.id, DEFAULT_THRESHOLDS, NOV);
    expect(await notificationsOf(managers[0]!.id)).toHaveLength(0);
    // 4,000 of 5,000 is 80 %.
    await adjust(db, finance, { poolId: pool.id, amount: -5_000, reason: "Mid-quarter cut", idempotencyKey: key(), now: NOV, alertThresholds: DEFAULT_THRESHOLDS });
    expect((await notificationsOf(managers[0]!.id)).map((n) => n.message.match(/past the (\d+)% alert/)![1])).toEqual(["50", "75"]);
  });

  it("sends exactly the thresholds the running use ever reached, each once, for any sequence of holds, captures, releases and cuts (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant("hold" as const), amount: fc.integer({ min: 1, max: 3_000 }) }),
            fc.record({ op: fc.constant("capture" as const), index: fc.nat(), extra: fc.integer({ min: -500, max: 500 }) }),
            fc.record({ op: fc.constant("release" as const), index: fc.nat() }),
            fc.record({ op: fc.constant("adjust" as const), amount: fc.integer({ min: -3_000, max: 3_000 }) }),
          ),
          { minLength: 1, maxLength: 25 },
        ),
        async (operations) => {
          await closeDatabase(db);
          db = createTestDatabase();
          const { pool, managers, financeUser, finance } = await poolWithPeople(10_000);
          const open: { holdId: number; amount: number }[] = [];
          const everReached = new Set<number>();
          const note = async () => {
            const b = await getPoolBalance(db, pool.id);
            for (const t of reachedThresholds({ budget: b.allocated + b.adjustments, used: b.committed + b.spent }, DEFAULT_THRESHOLDS)) everReached.add(t.percent);
          };
          for (const step of operations) {
            const available = (await getPoolBalance(db, pool.id)).available;
            if (step.op === "hold" && step.amount <= available) {
              const hold = await placeHold(db, { id: null }, { poolId: pool.id, amount: step.amount, idempotencyKey: key(), now: NOV });
              open.push({ holdId: hold.holdId, amount: step.amount });
            } else if (step.op === "capture" && open.length > 0) {
              const [hold] = open.splice(step.index % open.length, 1);
              const actual = Math.max(1, Math.min(hold!.amount + step.extra, hold!.amount + available));
              await captureHold(db, { id: null }, { holdId: hold!.holdId, actualAmount: actual, idempotencyKey: key(), now: NOV });
            } else if (step.op === "release" && open.length > 0) {
              const [hold] = open.splice(step.index % open.length, 1);
              await releaseHold(db, { id: null }, { holdId: hold!.holdId, idempotencyKey: key(), now: NOV });
            } else if (step.op === "adjust" && step.amount !== 0 && available + step.amount >= 0) {
              await adjust(db, finance, { poolId: pool.id, amount: step.amount, reason: "Property", idempotencyKey: key(), now: NOV });
            } else continue;
            await note();
            await raiseBudgetAlerts(db, pool.id, DEFAULT_THRESHOLDS, NOV);
          }
          const sent = (await db.select({ percent: budgetAlerts.thresholdPercent }).from(budgetAlerts)).map((r) => r.percent).sort((a, b) => a - b);
          expect(sent).toEqual([...everReached].sort((a, b) => a - b));
          for (const manager of managers) expect(await notificationsOf(manager.id)).toHaveLength(sent.length);
          expect(await notificationsOf(financeUser.id)).toHaveLength(sent.includes(90) ? 1 : 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
