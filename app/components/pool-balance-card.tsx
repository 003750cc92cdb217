import { Link } from "@remix-run/react";
import { Badge } from "./badge";
import { Money } from "./money";
import { UtilisationBar } from "./utilisation-bar";

export type PoolBalanceSummary = {
  poolId: number;
  label: string;
  range: string;
  periodStatus: "open" | "closed";
  allocated: number;
  adjustments: number;
  committed: number;
  spent: number;
  available: number;
};

/** A branch's budget for the current period, on the branch home page. */
export function PoolBalanceCard({ pool, branchName, ledgerHref }: { pool: PoolBalanceSummary | null; branchName: string; ledgerHref?: string }) {
  return (
    <section className="card" aria-labelledby="pool-title">
      <h2 id="pool-title">Budget{pool ? ` for ${pool.label}` : ""}</h2>
      {pool ? (
        <>
          <p className="muted">
            {pool.range} {pool.periodStatus === "closed" ? <Badge tone="warning">Closed</Badge> : null}
          </p>
          <dl className="balance-list">
            <div className="balance-list__item balance-list__item--main">
              <dt>Available</dt>
              <dd>
                <Money amount={pool.available} />
              </dd>
            </div>
            <div className="balance-list__item">
              <dt>Budget</dt>
              <dd>
                <Money amount={pool.allocated + pool.adjustments} />
              </dd>
            </div>
            <div className="balance-list__item">
              <dt>Committed</dt>
              <dd>
                <Money amount={pool.committed} />
              </dd>
            </div>
            <div className="balance-list__item">
              <dt>Spent</dt>
              <dd>
                <Money amount={pool.spent} />
              </dd>
            </div>
          </dl>
          <UtilisationBar used={pool.committed + pool.spent} budget={pool.allocated + pool.adjustments} />
          {ledgerHref ? (
            <p>
              <Link to={ledgerHref}>See the budget's ledger</Link>
            </p>
          ) : null}
        </>
      ) : (
        <p className="empty-state">No budget is open for {branchName} in this period yet. Finance opens each period's budgets.</p>
      )}
    </section>
  );
}
