// Times the report queries (app/domain/reporting/spend-reports.server.ts) on a database, five runs each, in ms:
// `DATABASE_URL=data/scale.sqlite npx tsx tests/bench/reports.ts` after `npm run seed:scale`.
// The whole organisation, one region (25 branches at scale) and one branch, for the current and
// the previous period.
import { db } from "~/utils/db.server";
import { readBudgetPeriod, readScope } from "~/domain/reporting/report-filter.server";
import { listPeriods } from "~/domain/budget/budget-periods.server";
import { spendDashboard, outcomeReport } from "~/domain/reporting/spend-reports.server";
const now = new Date();
async function time(name: string, f: () => unknown) {
  const ts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await f();
    ts.push(performance.now() - t);
  }
  console.log(name, ts.map((t) => t.toFixed(1)).join(" "));
}
const finance = { role: "finance" as const, branchId: null };
const all = (await readScope(db, finance, new URLSearchParams())).scope;
const region = (await readScope(db, finance, new URLSearchParams({ region: (await readScope(db, finance, new URLSearchParams())).regions[0]! }))).scope;
const branch = (await readScope(db, { role: "manager", branchId: 1 }, new URLSearchParams())).scope;
const current = (await readBudgetPeriod(db, new URLSearchParams(), now)).period;
const previous = (await readBudgetPeriod(db, new URLSearchParams({ from: (await listPeriods(db))[1]!.startsOn }), now)).period;
await time("scope", async () => await readScope(db, finance, new URLSearchParams()));
await time("dashboard all (current)", async () => await spendDashboard(db, all, current));
await time("dashboard all (previous)", async () => await spendDashboard(db, all, previous));
await time("dashboard region", async () => await spendDashboard(db, region, current));
await time("dashboard branch", async () => await spendDashboard(db, branch, current));
await time("outcomes all (previous)", async () => await outcomeReport(db, all, previous));
await time("outcomes region", async () => await outcomeReport(db, region, current));
await time("outcomes branch", async () => await outcomeReport(db, branch, current));
