// Times the report queries (app/domain/reporting/spend-reports.server.ts) on a database, five runs each, in ms:
// `DATABASE_URL=data/scale.sqlite npx tsx tests/bench/reports.ts` after `npm run seed:scale`.
// The whole organisation, one region (25 branches at scale) and one branch, for the current and
// the previous period.
import { db } from "~/utils/db.server";
import { readBudgetPeriod, readScope } from "~/domain/reporting/report-filter.server";
import { listPeriods } from "~/domain/budget/budget-periods.server";
import { spendDashboard, outcomeReport } from "~/domain/reporting/spend-reports.server";
const now = new Date();
function time(name: string, f: () => unknown) {
  const ts: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); f(); ts.push(performance.now() - t); }
  console.log(name, ts.map((t) => t.toFixed(1)).join(" "));
}
const finance = { role: "finance" as const, branchId: null };
const all = readScope(db, finance, new URLSearchParams()).scope;
const region = readScope(db, finance, new URLSearchParams({ region: readScope(db, finance, new URLSearchParams()).regions[0]! })).scope;
const branch = readScope(db, { role: "manager", branchId: 1 }, new URLSearchParams()).scope;
const current = readBudgetPeriod(db, new URLSearchParams(), now).period;
const previous = readBudgetPeriod(db, new URLSearchParams({ from: listPeriods(db)[1]!.startsOn }), now).period;
time("scope", () => readScope(db, finance, new URLSearchParams()));
time("dashboard all (current)", () => spendDashboard(db, all, current));
time("dashboard all (previous)", () => spendDashboard(db, all, previous));
time("dashboard region", () => spendDashboard(db, region, current));
time("dashboard branch", () => spendDashboard(db, branch, current));
time("outcomes all (previous)", () => outcomeReport(db, all, previous));
time("outcomes region", () => outcomeReport(db, region, current));
time("outcomes branch", () => outcomeReport(db, branch, current));
