import { formatMoney } from "~/domain/core/money";
import { useRootData } from "~/utils/root-data";

/** The organisation's currency (ISO code), from the root loader. */
export function useCurrency(): string {
  return useRootData()?.organisation.currency ?? "USD";
}

/** An amount in minor units, shown in the organisation's currency; `signed` shows "+" for credits. */
export function Money({ amount, signed = false }: { amount: number; signed?: boolean }) {
  const currency = useCurrency();
  return <span className={amount < 0 ? "money money--negative" : "money"}>{formatMoney(amount, currency, { signed })}</span>;
}
