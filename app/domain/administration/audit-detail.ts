// An audit event's detail (a small flat JSON object) in words for the audit log: keys in plain
// case, money in the organisation's currency rather than raw cents. Pure, shared with the UI.
import { formatMoney } from "../core/money";

/** Keys whose numbers are amounts in minor units (the last part of a key like "before.perGestureMax"). */
const MONEY_KEY = /(amount|balance|balanceAfter|available|held|captured|remainderReleased|released|lapsed|carriedOver|total|limit|threshold|max|capAmount|monthlyCap|requiredAbove)$/i;
const NOT_MONEY = /(count|days|percent|holds|rows|id|ids|pools|version|attempts)$/i;

export type DetailItem = { key: string; label: string; value: string };

export function isMoneyKey(key: string): boolean {
  const last = key.split(/[.:]/).pop() ?? key;
  return MONEY_KEY.test(last) && !NOT_MONEY.test(last);
}

/** "balanceAfter" → "balance after", "before.perGestureMax" → "before: per gesture max". */
export function labelOfKey(key: string): string {
  return key
    .split(/[.:]/)
    .map((part) => part.replace(/_/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase())
    .join(": ");
}

export function describeAuditDetail(detail: string, currency: string): DetailItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return detail ? [{ key: "detail", label: "detail", value: detail }] : [];
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return [];
  return Object.entries(parsed as Record<string, unknown>).map(([key, raw]) => {
    let value: string;
    if (raw === null || raw === undefined) value = "none";
    else if (typeof raw === "number" && Number.isSafeInteger(raw) && isMoneyKey(key)) value = formatMoney(raw, currency);
    else if (typeof raw === "boolean") value = raw ? "yes" : "no";
    else if (typeof raw === "object") value = JSON.stringify(raw);
    else value = String(raw);
    return { key, label: labelOfKey(key), value };
  });
}
