import { BalanceList } from "~/components/balance-list";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { BarChart } from "~/components/bar-chart";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Money } from "~/components/money";
import { ReportFilters } from "~/components/report-filters";
import { TableWrap } from "~/components/table-wrap";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { costPerPositive, FOLLOW_UP_DAYS, OUTCOME_LABELS, percentOf, SMALL_SAMPLE } from "~/domain/reporting/spend-reports";
import { outcomeReport, type OutcomeRow } from "~/domain/reporting/spend-reports.server";
import { OUTCOMES } from "../../db/schema";
import { db } from "~/utils/db.server";
import { requireBudgetReport } from "~/utils/reports.server";

export const meta: MetaFunction = () => [{ title: "Return on empathy · Empathy Fund" }];

// What gestures achieved: outcomes and cost per positive outcome, and later signals of customers
// who received a gesture against those with the same kind of signal who did not.
export async function loader({ request }: LoaderFunctionArgs) {
  const { scope, period, filters } = await requireBudgetReport(request);
  const report = await outcomeReport(db, scope, period);
  return json({
    ...filters,
    report: report
      ? {
          ...report,
          byOccasion: report.byOccasion.map((r) => ({ ...r, label: SIGNAL_KIND_LABELS[r.occasion] })),
          comparison: report.comparison.map((r) => ({ ...r, label: SIGNAL_KIND_LABELS[r.kind] })),
        }
      : null,
  });
}

export default function OutcomesPage() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const { report, period } = data;
  const where = data.label;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Return on empathy</h1>
          <p>How customers responded to the gestures paid from these budgets, what each positive response cost, and what happened next.</p>
        </div>
        <Link to={`/reports${location.search}`} className="button button--secondary">
          Spend reports
        </Link>
      </div>
      {!period || !report ? (
        <p className="empty-state card">No budget period has been opened yet, so no gesture has been paid for. Finance opens the first period under Budgets.</p>
      ) : (
        <>
          <ReportFilters idPrefix="outcomes" label="Choose what the report covers" period={data.periodField} scope={data} />
          <section className="card" aria-labelledby="outcomes-totals-title">
            <h2 id="outcomes-totals-title">
              {where} · {period.label}
            </h2>
            {report.totals.fulfilled === 0 ? (
              <p className="empty-state">No gesture paid from these budgets in {period.label} has been fulfilled yet. Outcomes appear here once staff record them.</p>
            ) : (
              <>
                <BalanceList
                  items={[
                    ["Cost per positive outcome", costDisplay(report.totals)],
                    ["Gestures fulfilled", report.totals.fulfilled],
                    ["Spent on them", <Money amount={report.totals.spent} />],
                    ["Positive outcomes", report.totals.positive],
                    [
                      "Outcome recorded",
                      <>
                        {report.totals.recorded} ({percentOf(report.totals.recorded, report.totals.fulfilled)}%)
                      </>,
                    ],
                  ]}
                  label="Totals"
                />
                <p className="muted">
                  Cost per positive outcome is what was spent on the fulfilled gestures divided by how many customers thanked staff or gave positive feedback. Gestures without a recorded outcome count
                  in the spend but not as positive, so a low recording rate makes it look worse than it may be.
                </p>
                <BarChart
                  title={`Outcomes of the gestures fulfilled, ${period.label}`}
                  categoryLabel="Outcome"
                  series={[{ key: "count", label: "Gestures" }]}
                  rows={[
                    ...OUTCOMES.map((o) => ({ label: OUTCOME_LABELS[o], values: [report.totals.counts[o]] })),
                    { label: "Not recorded yet", values: [report.totals.fulfilled - report.totals.recorded] },
                  ]}
                  format={{ kind: "count" }}
                />
              </>
            )}
          </section>

          {report.totals.fulfilled > 0 ? (
            <>
              <OutcomeTable id="outcomes-occasion" title="By occasion" heading="Occasion" rows={report.byOccasion} />
              <OutcomeTable id="outcomes-type" title="By gesture type" heading="Gesture type" rows={report.byType} />
              {data.ownBranchOnly ? null : <OutcomeTable id="outcomes-branch" title="By branch" heading="Branch" rows={report.byBranch} />}
            </>
          ) : null}

          <section className="card" aria-labelledby="outcomes-later-title">
            <h2 id="outcomes-later-title">What happened next</h2>
            <p>
              For each kind of signal dated in {period.label}, we compare customers who received a fulfilled gesture for that occasion with customers who had the same kind of signal and received none:
              how many had a complaint, a detractor or a promoter survey answer recorded within {FOLLOW_UP_DAYS} days after it. This shows an association, not a cause: staff choose whom to help, and
              the two groups may differ in other ways. Groups under {SMALL_SAMPLE} cases are marked as small samples; read them with care. Account closures are not compared because the CRM does not
              send them yet.
            </p>
            {report.comparison.length === 0 ? (
              <p className="empty-state">No customer with a signal in this period received a gesture for it yet, so there is nothing to compare.</p>
            ) : (
              <TableWrap label="Later signals with and without a gesture">
                <table>
                  <caption className="visually-hidden">Later signals of customers with and without a gesture, by kind of signal</caption>
                  <thead>
                    <tr>
                      <th scope="col">Signal</th>
                      <th scope="col">Group</th>
                      <th scope="col" className="num">
                        Cases
                      </th>
                      <th scope="col" className="num">
                        Later complaint
                      </th>
                      <th scope="col" className="num">
                        Later detractor
                      </th>
                      <th scope="col" className="num">
                        Later promoter
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.comparison.flatMap((row) =>
                      (
                        [
                          ["received", "Received a gesture", row.received],
                          ["none", "No gesture", row.notReceived],
                        ] as const
                      ).map(([key, group, side], i) => (
                        <tr key={`${row.kind}-${key}`}>
                          {i === 0 ? (
                            <th scope="rowgroup" rowSpan={2}>
                              {row.label}
                            </th>
                          ) : null}
                          <td>
                            {group} {side.cases < SMALL_SAMPLE ? <Badge tone="warning">Small sample</Badge> : null}
                          </td>
                          <td className="num">{side.cases}</td>
                          <td className="num">{rate(side.later.complaint, side.cases)}</td>
                          <td className="num">{rate(side.later.survey_detractor, side.cases)}</td>
                          <td className="num">{rate(side.later.survey_promoter, side.cases)}</td>
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </section>
        </>
      )}
    </>
  );
}

function rate(part: number, cases: number): string {
  return cases === 0 ? "—" : `${part} (${percentOf(part, cases)}%)`;
}

function costDisplay(row: Pick<OutcomeRow, "spent" | "positive">) {
  const cost = costPerPositive(row.spent, row.positive);
  return cost === null ? <span className="muted">No positive outcome yet</span> : <Money amount={cost} />;
}

function OutcomeTable({ id, title, heading, rows }: { id: string; title: string; heading: string; rows: OutcomeRow[] }) {
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <TableWrap label={`Outcomes ${title.toLowerCase()}`}>
        <table>
          <caption className="visually-hidden">Outcomes and cost per positive outcome {title.toLowerCase()}</caption>
          <thead>
            <tr>
              <th scope="col">{heading}</th>
              <th scope="col" className="num">
                Fulfilled
              </th>
              <th scope="col" className="num">
                Spent
              </th>
              {OUTCOMES.map((o) => (
                <th scope="col" className="num" key={o}>
                  {OUTCOME_LABELS[o]}
                </th>
              ))}
              <th scope="col" className="num">
                Cost per positive outcome
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">
                  {r.label} {r.fulfilled < SMALL_SAMPLE ? <Badge tone="neutral">Few gestures</Badge> : null}
                </th>
                <td className="num">{r.fulfilled}</td>
                <td className="num">
                  <Money amount={r.spent} />
                </td>
                {OUTCOMES.map((o) => (
                  <td className="num" key={o}>
                    {r.counts[o]}
                  </td>
                ))}
                <td className="num">{costDisplay(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
