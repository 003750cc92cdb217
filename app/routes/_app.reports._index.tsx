import { BalanceList } from "~/components/balance-list";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { BarChart } from "~/components/bar-chart";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Money, useCurrency } from "~/components/money";
import { ReportFilters } from "~/components/report-filters";
import { TableWrap } from "~/components/table-wrap";
import { UtilisationBar } from "~/components/utilisation-bar";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { periodRange } from "~/domain/budget/periods";
import { spendDashboard } from "~/domain/reporting/spend-reports.server";
import { db } from "~/utils/db.server";
import { requireBudgetReport } from "~/utils/reports.server";

export const meta: MetaFunction = () => [{ title: "Spend reports · Empathy Fund" }];

// Spend against budget: finance for any region or branch, managers for their own branch.
export async function loader({ request }: LoaderFunctionArgs) {
  const { scope, period, filters } = await requireBudgetReport(request);
  const report = await spendDashboard(db, scope, period);
  return json({
    ...filters,
    range: period ? periodRange(period) : "",
    report: report
      ? {
          ...report,
          byOccasion: report.byOccasion.map((r) => ({ ...r, label: r.occasion ? SIGNAL_KIND_LABELS[r.occasion] : "Holds without a gesture" })),
        }
      : null,
  });
}

const SPEND_SERIES = [
  { key: "spent", label: "Spent" },
  { key: "committed", label: "Committed" },
];

export default function ReportsPage() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const currency = useCurrency();
  const money = { kind: "money" as const, currency };
  const { report, period } = data;
  const where = data.label;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Spend reports</h1>
          <p>{data.ownBranchOnly ? `${where}: what` : "What"} was budgeted, committed to approved gestures and spent, by region, branch, occasion, gesture type and month.</p>
        </div>
        <Link to={`/reports/outcomes${location.search}`} className="button button--secondary">
          Return on empathy
        </Link>
      </div>
      {!period || !report ? (
        <p className="empty-state card">No budget period has been opened yet, so there is no spend to report. Finance opens the first period under Budgets.</p>
      ) : (
        <>
          <ReportFilters idPrefix="reports" label="Choose what the report covers" period={data.periodField} scope={data} />
          <section className="card" aria-labelledby="reports-totals-title">
            <h2 id="reports-totals-title">
              {where} · {period.label}
            </h2>
            <p className="muted">
              {data.range} · {report.totals.pools} {report.totals.pools === 1 ? "budget pool" : "budget pools"}
            </p>
            {report.totals.pools === 0 ? (
              <p className="empty-state">No branch in this selection has a budget pool in {period.label}. Choose another period or region.</p>
            ) : (
              <>
                <BalanceList
                  items={[
                    ["Budget", <Money amount={report.totals.budget} />],
                    ["Committed", <Money amount={report.totals.committed} />],
                    ["Spent", <Money amount={report.totals.spent} />],
                    ["Available", <Money amount={report.totals.available} />],
                  ]}
                  label="Totals"
                />
                <UtilisationBar used={report.totals.committed + report.totals.spent} budget={report.totals.budget} />
              </>
            )}
          </section>

          {data.ownBranchOnly || data.branch || data.region ? null : (
            <section className="card" aria-labelledby="reports-region-title">
              <h2 id="reports-region-title">By region</h2>
              <BarChart
                title={`Spent and committed by region, ${period.label}`}
                categoryLabel="Region"
                series={SPEND_SERIES}
                rows={report.byRegion.map((r) => ({ label: r.region, values: [r.spent, r.committed] }))}
                format={money}
              />
              <UtilisationTable label="Utilisation by region" heading="Region" rows={report.byRegion.map((r) => ({ key: r.region, label: r.region, ...r }))} />
            </section>
          )}

          {data.region || data.branch ? (
            <section className="card" aria-labelledby="reports-branch-title">
              <h2 id="reports-branch-title">By branch</h2>
              <BarChart
                title={`Spent and committed by branch, ${period.label}`}
                categoryLabel="Branch"
                series={SPEND_SERIES}
                rows={report.byBranch.map((r) => ({ label: `${r.name} (${r.code})`, values: [r.spent, r.committed] }))}
                format={money}
              />
              <UtilisationTable label="Utilisation by branch" heading="Branch" rows={report.byBranch.map((r) => ({ key: String(r.id), label: `${r.name} (${r.code})`, ...r }))} />
            </section>
          ) : (
            <p className="muted">Choose a region to see its branches one by one.</p>
          )}

          <section className="card" aria-labelledby="reports-occasion-title">
            <h2 id="reports-occasion-title">By occasion</h2>
            <BarChart
              title={`Spent and committed by occasion, ${period.label}`}
              categoryLabel="Occasion"
              series={SPEND_SERIES}
              rows={report.byOccasion.map((r) => ({ label: r.label, values: [r.spent, r.committed] }))}
              format={money}
              emptyMessage="No gesture was approved from these pools in this period."
            />
          </section>

          <section className="card" aria-labelledby="reports-type-title">
            <h2 id="reports-type-title">By gesture type</h2>
            <BarChart
              title={`Spent and committed by gesture type, ${period.label}`}
              categoryLabel="Gesture type"
              series={SPEND_SERIES}
              rows={report.byType.map((r) => ({ label: r.label, values: [r.spent, r.committed] }))}
              format={money}
              emptyMessage="No gesture was approved from these pools in this period."
            />
          </section>

          <section className="card" aria-labelledby="reports-month-title">
            <h2 id="reports-month-title">By month</h2>
            <p className="muted">Spent by the month of the payment; committed by the month the approval set the money aside.</p>
            <BarChart
              title={`Spent and committed by month, ${period.label}`}
              categoryLabel="Month"
              series={SPEND_SERIES}
              rows={report.byMonth.map((r) => ({ label: r.label, values: [r.spent, r.committed] }))}
              format={money}
              orientation="vertical"
            />
          </section>
        </>
      )}
    </>
  );
}

type UtilisationRow = { key: string; label: string; budget: number; committed: number; spent: number; available: number };

/** Budget, committed, spent and utilisation, as a table (the charts show only committed and spent). */
function UtilisationTable({ label, heading, rows }: { label: string; heading: string; rows: UtilisationRow[] }) {
  return (
    <TableWrap label={label}>
      <table>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">{heading}</th>
            <th scope="col" className="num">
              Budget
            </th>
            <th scope="col" className="num">
              Committed
            </th>
            <th scope="col" className="num">
              Spent
            </th>
            <th scope="col" className="num">
              Available
            </th>
            <th scope="col">Utilisation</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              <td className="num">
                <Money amount={r.budget} />
              </td>
              <td className="num">
                <Money amount={r.committed} />
              </td>
              <td className="num">
                <Money amount={r.spent} />
              </td>
              <td className="num">
                <Money amount={r.available} />
              </td>
              <td>
                <UtilisationBar used={r.committed + r.spent} budget={r.budget} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
