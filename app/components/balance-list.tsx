import type { ReactNode } from "react";

/** A term and its figure; the first one is shown large. */
export type BalanceItem = [term: string, value: ReactNode];

/** The row of headline figures on budget and report pages (available, budget, committed, spent…). */
export function BalanceList({ items, label }: { items: BalanceItem[]; label?: string }) {
  return (
    <dl className="balance-list" aria-label={label}>
      {items.map(([term, value], index) => (
        <div key={term} className={index === 0 ? "balance-list__item balance-list__item--main" : "balance-list__item"}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
