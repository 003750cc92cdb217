// Budget alerts: in the transaction of a ledger change, the pool's use is compared with the
// policy's thresholds and each threshold reached for the first time tells the branch's managers
// (and finance, for the finance threshold) in the app and by e-mail. The unique (pool, threshold)
// row in budget_alerts is the "once": a second crossing after a release, a retried request or a
// concurrent approval finds it and sends nothing. The caller passes the thresholds of the pool's
// branch policy (the policy context sits above this one).
import { and, eq, inArray } from "drizzle-orm";
import { branches, budgetAlerts, budgetPeriods, budgetPools, poolTotals, users } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { formatMoney } from "../core/money";
import { getOrganisation } from "../core/organisation.server";
import { notify } from "../notifications/notifications.server";
import { percentUsed, reachedThresholds, type BudgetAlertThreshold } from "./budget-alerts";
import { periodLabel } from "./periods";
import { firstRow, returnedRow } from "~/utils/query.server";

export type RaisedAlert = { alertId: number; percent: number; recipients: number };

/** Raises the alerts the pool has newly reached; returns them (empty when nothing is new). */
export async function raiseBudgetAlerts(tx: DbOrTx, poolId: number, thresholds: readonly BudgetAlertThreshold[], now: Date): Promise<RaisedAlert[]> {
  // pool_totals, kept by the ledger's trigger, already holds this transaction's entry.
  const totals = await firstRow(
    tx
      .select({ allocated: poolTotals.allocated, adjustments: poolTotals.adjustments, committed: poolTotals.committed, spent: poolTotals.spent })
      .from(poolTotals)
      .where(eq(poolTotals.poolId, poolId))
      .limit(1),
  );
  if (!totals) return [];
  const use = { budget: totals.allocated + totals.adjustments, used: totals.committed + totals.spent };
  const reached = reachedThresholds(use, thresholds);
  if (reached.length === 0) return [];
  const raised: RaisedAlert[] = [];
  for (const threshold of reached) {
    const row = await returnedRow(
      tx
        .insert(budgetAlerts)
        .values({ poolId, thresholdPercent: threshold.percent, used: use.used, budget: use.budget, toFinance: threshold.toFinance, createdAt: now })
        .onConflictDoNothing()
        .returning({ id: budgetAlerts.id }),
    );
    if (!row) continue;
    const pool = await poolFacts(tx, poolId);
    const { currency } = await getOrganisation(tx);
    const message =
      `The ${pool.branchName} budget for ${pool.label} is ${percentUsed(use)}% used, past the ${threshold.percent}% alert: ` +
      `${formatMoney(use.used, currency)} of ${formatMoney(use.budget, currency)} committed or spent.`;
    const roles = threshold.toFinance ? (["manager", "finance"] as const) : (["manager"] as const);
    const recipients = (
      await tx
        .select({ id: users.id, role: users.role, branchId: users.branchId })
        .from(users)
        .where(and(eq(users.active, true), inArray(users.role, [...roles])))
    ).filter((user) => user.role === "finance" || user.branchId === pool.branchId);
    let told = 0;
    for (const user of recipients) {
      const sent = await notify(tx, { userId: user.id, kind: "budget_alert", gestureId: null, poolId, message, dedupeKey: `budget-alert:${row.id}:${user.id}`, now });
      if (sent !== null) told++;
    }
    await recordAudit(tx, {
      at: now,
      actorId: null,
      action: "budget.alert",
      entity: "budget_pool",
      entityId: poolId,
      detail: { thresholdPercent: threshold.percent, used: use.used, budget: use.budget, toFinance: threshold.toFinance, recipients: told },
    });
    raised.push({ alertId: row.id, percent: threshold.percent, recipients: told });
  }
  return raised;
}

async function poolFacts(tx: DbOrTx, poolId: number) {
  const row = (await firstRow(
    tx
      .select({ branchId: budgetPools.branchId, branchName: branches.name, startsOn: budgetPeriods.startsOn, endsOn: budgetPeriods.endsOn })
      .from(budgetPools)
      .innerJoin(branches, eq(branches.id, budgetPools.branchId))
      .innerJoin(budgetPeriods, eq(budgetPeriods.id, budgetPools.periodId))
      .where(eq(budgetPools.id, poolId))
      .limit(1),
  ))!;
  return { ...row, label: periodLabel(row) };
}
