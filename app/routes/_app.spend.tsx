import { BalanceList } from "~/components/balance-list";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FilterSelect } from "~/components/filter-fields";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money } from "~/components/money";
import { Pagination } from "~/components/pagination";
import { ReportFilters } from "~/components/report-filters";
import { TableWrap } from "~/components/table-wrap";
import { UtilisationBar } from "~/components/utilisation-bar";
import { getBranch } from "~/domain/administration/branches.server";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { GESTURE_STATUS_LABELS } from "~/domain/gestures/gesture-rules";
import { periodRange } from "~/domain/budget/periods";
import { OUTCOME_LABELS } from "~/domain/reporting/spend-reports";
import { readBudgetPeriod } from "~/domain/reporting/report-filter.server";
import { branchSpend, typeOptions } from "~/domain/reporting/spend-reports.server";
import { GESTURE_STATUSES, OCCASIONS, type GestureStatus, type Occasion } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { budgetPeriodField, redirectOldReportUrl } from "~/utils/reports.server";
import { formatDateTime } from "~/utils/format";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { useCan, useRootData } from "~/utils/root-data";

export const meta: MetaFunction = () => [{ title: "Spend · Empathy Fund" }];

// Staff and managers: their branch's pool for a period (committed against spent) and its gestures,
// filtered by status, occasion and type, all kept in the URL.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "branch:view");
  if (user.branchId === null) throw json({ message: "You are not attached to a branch, so there is no branch spend to show." }, { status: 403 });
  await redirectOldReportUrl(request, user);
  const url = new URL(request.url);
  const statusParam = url.searchParams.get("status") ?? "";
  const occasionParam = url.searchParams.get("occasion") ?? "";
  const typeParam = Number(url.searchParams.get("type"));
  const status = (GESTURE_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as GestureStatus) : undefined;
  const occasion = (OCCASIONS as readonly string[]).includes(occasionParam) ? (occasionParam as Occasion) : undefined;
  const types = await typeOptions(db);
  const typeId = types.some((t) => t.id === typeParam) ? typeParam : undefined;
  const page = pageFromUrl(url);
  const branchName = (await getBranch(db, user.branchId)).name;
  const choice = await readBudgetPeriod(db, url.searchParams, now());
  const period = choice.period;
  const spend = period ? await branchSpend(db, user.branchId, period, { status, occasion, typeId, page, pageSize: DEFAULT_PAGE_SIZE }) : null;
  return json({
    branchName,
    periodField: budgetPeriodField(choice),
    period: period ? { label: period.label, status: period.status, range: periodRange(period) } : null,
    spend,
    types,
    filter: { status: status ?? "", occasion: occasion ?? "", type: typeId ? String(typeId) : "" },
    page,
  });
}

export default function SpendPage() {
  const { branchName, periodField, period, spend, types, filter, page } = useLoaderData<typeof loader>();
  const may = useCan();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const filtered = Boolean(filter.status || filter.occasion || filter.type);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Spend</h1>
          <p>{branchName}: what the branch has committed to approved gestures and what it has spent, period by period.</p>
        </div>
        {may("reports:branch") ? (
          <Link to="/reports" className="button button--secondary">
            Branch reports
          </Link>
        ) : null}
      </div>
      {!period || !spend ? (
        <p className="empty-state card">No budget period has been opened yet. Finance opens one and gives the branch its budget; the spend shows here from then on.</p>
      ) : (
        <>
          <ReportFilters idPrefix="spend" label="Choose the period and filter the gestures" period={periodField}>
            <FilterSelect
              id="spend-status"
              name="status"
              label="Status"
              value={filter.status}
              anyLabel="Any status"
              options={GESTURE_STATUSES.map((s) => ({ value: s, label: GESTURE_STATUS_LABELS[s] }))}
            />
            <FilterSelect
              id="spend-occasion"
              name="occasion"
              label="Occasion"
              value={filter.occasion}
              anyLabel="Any occasion"
              options={OCCASIONS.map((o) => ({ value: o, label: SIGNAL_KIND_LABELS[o] }))}
            />
            <FilterSelect id="spend-type" name="type" label="Gesture type" value={filter.type} anyLabel="Any type" options={types.map((t) => ({ value: t.id, label: t.name }))} />
          </ReportFilters>

          <section className="card" aria-labelledby="spend-pool-title">
            <h2 id="spend-pool-title">
              {period.label} · {period.range}
            </h2>
            {spend.balance ? (
              <>
                <BalanceList
                  items={[
                    ["Budget", <Money amount={spend.balance.allocated + spend.balance.adjustments} />],
                    ["Committed (approved, not yet spent)", <Money amount={spend.balance.committed} />],
                    ["Spent", <Money amount={spend.balance.spent} />],
                    ["Available", <Money amount={spend.balance.available} />],
                  ]}
                />
                <UtilisationBar used={spend.balance.committed + spend.balance.spent} budget={spend.balance.allocated + spend.balance.adjustments} />
              </>
            ) : (
              <p className="muted">The branch has no pool in this period, so nothing could be approved from it.</p>
            )}
          </section>

          <section className="card" aria-labelledby="spend-gestures-title">
            <h2 id="spend-gestures-title">Gestures</h2>
            {spend.rows.length === 0 ? (
              <p className="empty-state">{filtered ? "No gesture of this period matches these filters. Choose “Any” to see them all." : "No gesture was proposed in this period yet."}</p>
            ) : (
              <>
                <TableWrap label="Gestures of the period">
                  <table>
                    <caption className="visually-hidden">Gestures of {period.label}, newest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">Gesture</th>
                        <th scope="col">Customer</th>
                        <th scope="col">Occasion</th>
                        <th scope="col">Status</th>
                        <th scope="col" className="num">
                          Approved
                        </th>
                        <th scope="col" className="num">
                          Actual
                        </th>
                        <th scope="col">Outcome</th>
                        <th scope="col">Date</th>
                      </tr>
                    </thead>
                    <tbody>
                      {spend.rows.map((g) => (
                        <tr key={g.id}>
                          <td>
                            <Link to={`/gestures/${g.id}`}>
                              #{g.id} {g.typeName}
                            </Link>
                          </td>
                          <td>
                            <Link to={`/customers/${g.customerId}`}>{g.customerName}</Link>
                          </td>
                          <td>{SIGNAL_KIND_LABELS[g.occasion]}</td>
                          <td>
                            <GestureStatusBadge status={g.status} />
                          </td>
                          <td className="num">{g.approvedAmount === null ? <span className="muted">—</span> : <Money amount={g.approvedAmount} />}</td>
                          <td className="num">{g.actualAmount === null ? <span className="muted">—</span> : <Money amount={g.actualAmount} />}</td>
                          <td>{g.outcome ? OUTCOME_LABELS[g.outcome] : <span className="muted">—</span>}</td>
                          <td>{formatDateTime(new Date(g.at), timeZone)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
                <Pagination page={page} hasNext={spend.hasNext} total={spend.total} pageSize={DEFAULT_PAGE_SIZE} />
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
