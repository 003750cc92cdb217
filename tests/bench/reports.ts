// Times the report queries (app/domain/reporting/spend-reports.server.ts) on a database, five runs each, in ms:
// `DATABASE_URL=data/scale.sqlite npx tsx tests/bench/reports.ts` after `npm run seed:scale`.
// The whole organisation, one region (25 branches at scale) and one branch, for the current and
// the previous period.
import { db } from "~/utils/db.server";
import { resolveReportScope, spendDashboard, outcomeReport } from "~/domain/reporting/spend-reports.server";
const now = new Date();
function time(name: string, f: () => unknown) {
  const ts: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); f(); ts.push(performance.now() - t); }
  console.log(name, ts.map((t) => t.toFixed(1)).join(" "));
}
const all = resolveReportScope(db, { role: "finance", branchId: null }, new URLSearchParams(), now);
const region = resolveReportScope(db, { role: "finance", branchId: null }, new URLSearchParams({ region: all.regions[0]! }), now);
const branch = resolveReportScope(db, { role: "manager", branchId: 1 }, new URLSearchParams(), now);
const prev = resolveReportScope(db, { role: "finance", branchId: null }, new URLSearchParams({ period: String(all.periods[1]!.id) }), now);
time("scope", () => resolveReportScope(db, { role: "finance", branchId: null }, new URLSearchParams(), now));
time("dashboard all (current)", () => spendDashboard(db, all));
time("dashboard all (previous)", () => spendDashboard(db, prev));
time("dashboard region", () => spendDashboard(db, region));
time("dashboard branch", () => spendDashboard(db, branch));
time("outcomes all (previous)", () => outcomeReport(db, prev));
time("outcomes region", () => outcomeReport(db, region));
time("outcomes branch", () => outcomeReport(db, branch));
