// When a budget pool has reached an alert threshold: the share of its budget (allocations plus
// adjustments) that is committed or spent. Pure; the thresholds come from the policy.

export type BudgetAlertThreshold = {
  /** 1–100: the percent of the budget used. */
  percent: number;
  /** The finance team is told as well as the branch's managers. */
  toFinance: boolean;
};

export type PoolUse = { budget: number; used: number };

/**
 * The thresholds the pool's use has reached, in the order given. Exact integer arithmetic
 * (used × 100 ≥ percent × budget), so 74.999 % never counts as 75 %. A pool with no budget raises
 * nothing: there is no share to speak of.
 */
export function reachedThresholds(use: PoolUse, thresholds: readonly BudgetAlertThreshold[]): BudgetAlertThreshold[] {
  if (use.budget <= 0) return [];
  return thresholds.filter((t) => t.percent > 0 && use.used * 100 >= t.percent * use.budget);
}

/** The whole percent of the budget used, rounded down (what the alert says). */
export function percentUsed(use: PoolUse): number {
  return use.budget <= 0 ? 0 : Math.floor((use.used * 100) / use.budget);
}
