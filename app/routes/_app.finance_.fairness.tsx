import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ReportFilters } from "~/components/report-filters";
import { TableWrap } from "~/components/table-wrap";
import { FAIRNESS_RULES, SEGMENT_LABELS, type ShareRow } from "~/domain/reporting/fairness.server";
import { getOrganisation } from "~/domain/core/organisation.server";
import { quarterShortcuts, readRange } from "~/domain/reporting/report-filter.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { requireReportScope, scopeForPage } from "~/utils/reports.server";
import { runReport } from "~/utils/report-worker.server";

export const meta: MetaFunction = () => [{ title: "Fairness · Empathy Fund" }];

/** People and branches listed under "Concentration"; every flagged one comes first. */
const CONCENTRATION_ROWS = 50;

// Who receives gestures, against the customer base (finance: any branch or region; a manager: their
// own branch). The rules live in app/domain/reporting/fairness.server.ts and are explained on the page.
export async function loader({ request }: LoaderFunctionArgs) {
  const { scope } = await requireReportScope(request);
  const url = new URL(request.url);
  const { timeZone } = await getOrganisation(db);
  const at = now();
  const range = readRange(url.searchParams, timeZone, at);
  // Computed in a report worker thread (decision 52): the event loop stays free meanwhile.
  const report = await runReport({ kind: "fairness", scope: scope.scope, range: range.range }, { signal: request.signal });
  const flaggedConcentrations = report.concentration.filter((c) => c.flaggedCustomers || c.flaggedSegment).length;
  return json({
    scope: scopeForPage(scope),
    range: { fromDate: range.range.fromDate, toDate: range.range.toDate },
    periodField: { kind: "dates" as const, form: range.form, errors: range.errors, shortcuts: quarterShortcuts(at, timeZone) },
    rules: FAIRNESS_RULES,
    segments: report.segments,
    tenure: report.tenure,
    branches: report.branches,
    totals: report.totals,
    concentration: report.concentration
      .slice(0, Math.max(CONCENTRATION_ROWS, flaggedConcentrations))
      .map((c) => ({ ...c, topSegmentLabel: SEGMENT_LABELS[c.topSegment as keyof typeof SEGMENT_LABELS] ?? c.topSegment })),
    concentrationChecked: report.concentration.length,
    flaggedConcentrations,
  });
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export default function Fairness() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const flaggedShares = [...data.segments, ...data.tenure, ...data.branches].filter((r) => r.flagged).length;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Fairness</h1>
          <p>
            Who received gestures from {data.range.fromDate} to {data.range.toDate}, {data.scope.label}: {data.totals.gestures} granted gestures against {data.totals.customers} customers.
          </p>
        </div>
        <div className="page-header__actions">
          <Link to="/finance/exports" className="button button--secondary">
            Exports
          </Link>
        </div>
      </div>
      <section className="card" aria-labelledby="fairness-method">
        <h2 id="fairness-method">How to read this page</h2>
        <p>
          Gestures count when they were granted (approved, fulfilled or closed) and were submitted in the period. The customer base is every customer of the branches shown who has not been erased, as
          of today; tenure is counted to the end of the period. Shares far apart are a question to ask, not a finding: a bereavement programme may rightly reach older customers more often.
        </p>
        <ul>
          {data.rules.map((rule) => (
            <li key={rule}>{rule}</li>
          ))}
        </ul>
        <p>
          {flaggedShares + data.flaggedConcentrations === 0
            ? "Nothing is flagged for this selection."
            : `${flaggedShares + data.flaggedConcentrations} ${flaggedShares + data.flaggedConcentrations === 1 ? "row is" : "rows are"} flagged below.`}
        </p>
      </section>
      <section className="card" aria-label="Filters">
        <ReportFilters idPrefix="fairness" label="Filter the report" period={data.periodField} scope={data.scope} clearHref={location.search ? location.pathname : null} />
      </section>
      {data.totals.gestures === 0 ? <p className="empty-state card">No granted gestures in this period for {data.scope.label}. Choose a longer period or another branch.</p> : null}
      <ShareTable title="By segment" groupLabel="Segment" rows={data.segments} />
      <ShareTable title="By tenure" groupLabel="Customer for" rows={data.tenure} />
      {data.branches.length > 0 ? <ShareTable title="By branch" groupLabel="Branch" rows={data.branches} /> : null}
      <section className="card" aria-labelledby="concentration-title">
        <h2 id="concentration-title">Concentration on a few customers or one segment</h2>
        {data.concentration.length === 0 ? (
          <p className="empty-state">Nobody gave a granted gesture in this period.</p>
        ) : (
          <>
            <p className="muted">
              {data.concentrationChecked} proposers and branches checked; {data.flaggedConcentrations} flagged.
              {data.concentrationChecked > data.concentration.length ? ` The ${data.concentration.length} with the most gestures are listed after the flagged ones.` : ""}
            </p>
            <TableWrap label="Concentration table">
              <table>
                <caption className="visually-hidden">Concentration of gestures by proposer and by branch</caption>
                <thead>
                  <tr>
                    <th scope="col">Who</th>
                    <th scope="col">Branch</th>
                    <th scope="col" className="num">
                      Gestures
                    </th>
                    <th scope="col" className="num">
                      Customers
                    </th>
                    <th scope="col" className="num">
                      Top 3 customers' share
                    </th>
                    <th scope="col">Top segment</th>
                    <th scope="col" className="num">
                      Its share (of the branch's customers)
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.concentration.map((c) => (
                    <tr key={`${c.kind}-${c.id}`}>
                      <th scope="row">{c.kind === "branch" ? `${c.name} (whole branch)` : c.name}</th>
                      <td>{c.branchName}</td>
                      <td className="num">{c.gestures}</td>
                      <td className="num">{c.customers}</td>
                      <td className="num">
                        {percent(c.topShare)}
                        {c.flaggedCustomers ? <span className="fairness-flag"> · flagged</span> : null}
                      </td>
                      <td>{c.topSegmentLabel}</td>
                      <td className="num">
                        {percent(c.topSegmentShare)} ({percent(c.segmentBaseShare)}){c.flaggedSegment ? <span className="fairness-flag"> · flagged</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>
    </>
  );
}

function ShareTable({ title, groupLabel, rows }: { title: string; groupLabel: string; rows: ShareRow[] }) {
  const id = `share-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <TableWrap label={`${title} table`}>
        <table>
          <caption className="visually-hidden">Share of gestures against share of customers, {title.toLowerCase()}</caption>
          <thead>
            <tr>
              <th scope="col">{groupLabel}</th>
              <th scope="col" className="num">
                Gestures
              </th>
              <th scope="col" className="num">
                Share of gestures
              </th>
              <th scope="col" className="num">
                Customers
              </th>
              <th scope="col" className="num">
                Share of customers
              </th>
              <th scope="col">Flag</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                <td className="num">{row.gestures}</td>
                <td className="num">{percent(row.gestureShare)}</td>
                <td className="num">{row.customers}</td>
                <td className="num">{percent(row.customerShare)}</td>
                <td>{row.flagged ? <span className="fairness-flag">More than twice its share</span> : <span className="muted">—</span>}</td>
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
