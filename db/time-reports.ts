// `npx tsx db/time-reports.ts [FILE]`: how long finance's four whole-bank analytics take as domain
// functions on a database (data/scale.sqlite by default): spend dashboard (/reports), return on
// empathy (/reports/outcomes), fairness (/finance/fairness) and flags (/finance/flags), each for
// the current period or quarter and every branch. Prints the median of 5 calls (after one call
// that warms the page cache) and a digest of each result, so that two builds can be compared for
// the same figures. MIGRATE=0 opens the file without applying migrations.
import { createHash } from "node:crypto";
import { currentPeriod } from "../app/domain/budget/budget-periods.server";
import { getOrganisation } from "../app/domain/core/organisation.server";
import { fairnessReport } from "../app/domain/reporting/fairness.server";
import { computeFlags } from "../app/domain/reporting/patterns.server";
import { readQuarter, readRange } from "../app/domain/reporting/report-filter.server";
import { outcomeReport, spendDashboard } from "../app/domain/reporting/spend-reports.server";
import { closeDatabase, openDatabase } from "../app/utils/database.server";

const file = process.argv[2] ?? "data/scale.sqlite";
const db = openDatabase(file, { migrate: process.env.MIGRATE !== "0" });
const at = new Date();
const { timeZone, currency } = await getOrganisation(db);
const scope = { branchId: null, region: null };
const period = await currentPeriod(db, at);
const { range } = readRange(new URLSearchParams(), timeZone, at);
const { quarter } = readQuarter(new URLSearchParams(), timeZone, at);

const views: [string, () => unknown][] = [
  ["/reports (spendDashboard)", async () => await spendDashboard(db, scope, period)],
  ["/reports/outcomes (outcomeReport)", async () => await outcomeReport(db, scope, period)],
  ["/finance/fairness (fairnessReport)", async () => await fairnessReport(db, { scope, range })],
  ["/finance/flags (computeFlags)", async () => await computeFlags(db, quarter, currency)],
];
const only = process.env.ONLY;
for (const [label, run] of views) {
  if (only && !label.includes(only)) continue;
  const result = run();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const digest = createHash("sha256").update(JSON.stringify(result)).digest("hex").slice(0, 12);
  console.log(`${label.padEnd(38)} median ${times[2]!.toFixed(1).padStart(8)} ms  (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)})  result ${digest}`);
}
await closeDatabase(db);
