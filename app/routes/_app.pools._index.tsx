import { BalanceList } from "~/components/balance-list";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Money } from "~/components/money";
import { Pagination } from "~/components/pagination";
import { TableWrap } from "~/components/table-wrap";
import { UtilisationBar } from "~/components/utilisation-bar";
import { currentPeriod, findPeriod, listPeriodPools, listPeriods, listRegions, nextPeriod } from "~/domain/budget/budget-periods.server";
import { periodRange } from "~/domain/budget/periods";
import { localDate } from "~/domain/core/dates";
import { getOrganisation } from "~/domain/core/organisation.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { pageFromUrl } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "Budgets · Empathy Fund" }];

const PAGE_SIZE = 50;

// Finance: every branch's pool for one period, with balances; open the next period, close one.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "budgets:manage");
  const url = new URL(request.url);
  const at = now();
  const periods = await listPeriods(db);
  const requested = Number(url.searchParams.get("period"));
  const period = (Number.isSafeInteger(requested) && requested > 0 ? await findPeriod(db, requested) : null) ?? (await currentPeriod(db, at)) ?? periods[0] ?? null;
  const regions = await listRegions(db);
  const regionParam = url.searchParams.get("region") ?? "";
  const region = regions.includes(regionParam) ? regionParam : "";
  const page = pageFromUrl(url);
  const next = await nextPeriod(db, at);
  const today = localDate(at, (await getOrganisation(db)).timeZone);
  // Periods that have ended but are still open: finance should close them.
  const toClose = periods.filter((p) => p.status === "open" && p.endsOn <= today).map((p) => ({ id: p.id, label: p.label }));
  return json({
    periods: periods.map((p) => ({ id: p.id, label: p.label, status: p.status })),
    period: period ? { ...period, range: periodRange(period), ended: period.endsOn <= today } : null,
    pools: period ? await listPeriodPools(db, period.id, { region: region || undefined, page, pageSize: PAGE_SIZE }) : null,
    regions,
    region,
    page,
    next: { label: next.label, canOpen: next.canOpen, reason: next.reason },
    toClose,
  });
}

export default function PoolsPage() {
  const { periods, period, pools, regions, region, page, next, toClose } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Budgets</h1>
          <p>Each branch's pool for a period: what was allocated, what is committed to approved gestures, what was spent, and what is left.</p>
        </div>
        {next.canOpen ? (
          <Link className="button" to="/pools/open">
            Open {next.label}
          </Link>
        ) : null}
      </div>
      {!next.canOpen && next.reason ? <p className="muted">{next.reason}</p> : null}
      {toClose.length > 0 ? (
        <div className="toast toast--info">
          <span>
            {toClose.map((p) => p.label).join(", ")} {toClose.length === 1 ? "has" : "have"} ended and {toClose.length === 1 ? "is" : "are"} still open.{" "}
            {toClose.map((p) => (
              <Link key={p.id} to={`/pools/close/${p.id}`} className="inline-action">
                Close {p.label}
              </Link>
            ))}
          </span>
        </div>
      ) : null}

      {!period || !pools ? (
        <p className="empty-state card">No budget period has been opened yet. Open the first one to give every branch its budget.</p>
      ) : (
        <>
          <Form method="get" className="filters" role="search" aria-label="Choose period and region">
            <div className="field">
              <label htmlFor="pools-period">Period</label>
              <select id="pools-period" name="period" defaultValue={String(period.id)}>
                {periods.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                    {p.status === "closed" ? " (closed)" : ""}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="pools-region">Region</label>
              <select id="pools-region" name="region" defaultValue={region}>
                <option value="">All regions</option>
                {regions.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button button--secondary">
              Show
            </button>
          </Form>

          <section className="card" aria-labelledby="period-title">
            <div className="card__header">
              <div>
                <h2 id="period-title">
                  {period.label} {period.status === "closed" ? <Badge tone="warning">Closed</Badge> : <Badge tone="success">Open</Badge>}
                </h2>
                <p className="muted">
                  {period.range}
                  {region ? ` · ${region}` : " · all regions"} · {pools.totals.pools} {pools.totals.pools === 1 ? "branch" : "branches"}
                </p>
              </div>
              {period.status === "open" && period.ended ? (
                <Link className="button button--secondary" to={`/pools/close/${period.id}`}>
                  Close {period.label}
                </Link>
              ) : null}
            </div>
            <BalanceList
              items={[
                ["Available", <Money amount={pools.totals.available} />],
                ["Allocated", <Money amount={pools.totals.allocated} />],
                ["Adjustments", <Money amount={pools.totals.adjustments} signed />],
                ["Committed", <Money amount={pools.totals.committed} />],
                ["Spent", <Money amount={pools.totals.spent} />],
              ]}
            />
            <UtilisationBar used={pools.totals.committed + pools.totals.spent} budget={pools.totals.allocated + pools.totals.adjustments} />
          </section>

          <section className="card" aria-label="Pools by branch">
            {pools.rows.length === 0 ? (
              <p className="empty-state">No pools in this region for {period.label}. Choose All regions to see every branch.</p>
            ) : (
              <TableWrap label="Pools table">
                <table>
                  <caption className="visually-hidden">
                    Pools of {period.label}
                    {region ? ` in ${region}` : ""}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Branch</th>
                      <th scope="col">Region</th>
                      <th scope="col" className="num">
                        Allocated
                      </th>
                      <th scope="col" className="num">
                        Adjustments
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
                    {pools.rows.map((row) => (
                      <tr key={row.poolId}>
                        <td>
                          <Link to={`/pools/${row.poolId}`}>{row.name}</Link> <span className="mono muted">{row.code}</span>
                        </td>
                        <td>{row.region}</td>
                        <td className="num">
                          <Money amount={row.allocated} />
                        </td>
                        <td className="num">
                          <Money amount={row.adjustments} signed />
                        </td>
                        <td className="num">
                          <Money amount={row.committed} />
                        </td>
                        <td className="num">
                          <Money amount={row.spent} />
                        </td>
                        <td className="num">
                          <Money amount={row.available} />
                        </td>
                        <td>
                          <UtilisationBar used={row.committed + row.spent} budget={row.allocated + row.adjustments} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <Pagination page={page} pageSize={PAGE_SIZE} total={pools.totals.pools} hasNext={page * PAGE_SIZE < pools.totals.pools} />
          </section>
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
