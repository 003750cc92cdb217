// Budget fixtures: an organisation, a finance user, branches, and an opened period.
import { randomUUID } from "node:crypto";
import { organisation, type PeriodLength, type UnspentBalanceRule } from "../../db/schema";
import { openPeriod } from "~/domain/budget/budget-periods.server";
import { currentPoolFor, type FinanceActor } from "~/domain/budget/ledger.server";
import type { Db } from "~/utils/db.server";
import { createBranch, createUser } from "./factories";
import { mapInSeries } from "~/utils/in-series";

export const key = (label = "k") => `${label}-${randomUUID()}`;

export async function setupBudget(db: Db, options: { branches?: number; amounts?: number[]; now: Date; periodLength?: PeriodLength; unspentBalanceRule?: UnspentBalanceRule }) {
  await db.insert(organisation).values({
    id: 1,
    name: "Test Bank",
    currency: "USD",
    timeZone: "America/New_York",
    periodLength: options.periodLength ?? "quarter",
    unspentBalanceRule: options.unspentBalanceRule ?? "lapse",
    // Password sign-in alone, as in the demo; the second-factor tests turn it on themselves.
    secondFactorRequired: false,
  });
  const financeUser = await createUser(db, { role: "finance" });
  const finance: FinanceActor = { id: financeUser.id, role: "finance" };
  const branchList = await mapInSeries(Array.from({ length: options.branches ?? 2 }), async () => await createBranch(db));
  const amounts = options.amounts ?? branchList.map(() => 100_000);
  const opened = await openPeriod(db, finance, {
    amounts: branchList.map((branch, i) => ({ branchId: branch.id, amount: amounts[i] ?? 0 })),
    idempotencyKey: key("open"),
    now: options.now,
  });
  const pools = await mapInSeries(branchList, async (branch) => (await currentPoolFor(db, branch.id, options.now))!);
  return { finance, financeUser, branches: branchList, periodId: opened.periodId, pools };
}
