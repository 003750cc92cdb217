import { BalanceList } from "./balance-list";
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
          <BalanceList
            items={[
              ["Available", <Money amount={pool.available} />],
              ["Budget", <Money amount={pool.allocated + pool.adjustments} />],
              ["Committed", <Money amount={pool.committed} />],
              ["Spent", <Money amount={pool.spent} />],
            ]}
          />
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
