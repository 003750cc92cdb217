// Money: integer minor units (cents) everywhere. This module is the ONLY place where text typed by a
// person becomes an amount (`parseMoney`), and where an amount becomes text for display
// (`formatMoney`). Pure, so that the browser validates with exactly the rules the server applies.

/** An integer number of minor units of the organisation's currency. */
export type Money = number & { readonly __minorUnits: unique symbol };

/** Default ceiling for one typed amount: 10,000,000.00 in major units. Far above any gesture or branch budget. */
export const MAX_MONEY = 1_000_000_000 as Money;
/** Longest text accepted as an amount, so a pasted essay is refused before any work is done. */
const MAX_INPUT_LENGTH = 32;

export type MoneyParseOptions = {
  /** Accept a leading minus (adjustments). Off by default. */
  allowNegative?: boolean;
  /** Accept zero. On by default. */
  allowZero?: boolean;
  /** Largest magnitude accepted, in minor units (default MAX_MONEY). */
  max?: number;
};

export type MoneyParseResult = { ok: true; value: Money } | { ok: false; message: string };

/** Narrows a number to Money when it is a safe integer; throws otherwise (a programming error). */
export function toMoney(minor: number): Money {
  if (!Number.isSafeInteger(minor)) throw new TypeError(`Not an amount in minor units: ${minor}`);
  return minor as Money;
}

const PLAIN = /^\d+(?:\.\d*)?$/;
/** The limit in messages, without a currency symbol: the schemas that call the parser are shared and currency-blind. */
const PLAIN_AMOUNT = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const GROUPED = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/**
 * Turns what people type ("12", "12.5", "12.50", "1,234.56", "-40", and "+40" where signed) into minor units, or says
 * in words why not. Commas are thousands separators only; the point is the decimal separator.
 */
export function parseMoney(input: string, options: MoneyParseOptions = {}): MoneyParseResult {
  const { allowNegative = false, allowZero = true, max = MAX_MONEY } = options;
  const fail = (message: string): MoneyParseResult => ({ ok: false, message });
  const text = input.trim();
  if (text === "") return fail("Enter an amount.");
  if (text.length > MAX_INPUT_LENGTH) return fail("That is too long for an amount.");
  // Checked before anything else so the message names the real problem.
  if (/\p{Nd}/u.test(text.replace(/[0-9]/g, ""))) {
    return fail("Use the digits 0 to 9 only.");
  }
  if (/^[-+]?[\d.,]*\d[eE][-+]?\d+$/.test(text)) return fail("Write the amount out in full, without an exponent (like 1200 rather than 1.2e3).");

  let body = text;
  let negative = false;
  if (body.startsWith("-")) {
    negative = true;
    body = body.slice(1).trimStart();
  } else if (allowNegative && body.startsWith("+")) {
    // Where a signed amount is expected (adjustments), "+40" reads naturally as a credit.
    body = body.slice(1).trimStart();
  }
  if (!PLAIN.test(body) && !GROUPED.test(body)) {
    if (/^\d[\d,]*(?:\.\d*)?$/.test(body)) return fail("Put commas only between groups of three digits, like 1,234.56.");
    if (/^\.\d+$/.test(body)) return fail("Write a 0 before the decimal point, like 0.50.");
    return fail("Enter an amount in digits, like 12, 12.50 or 1,234.56.");
  }
  const [wholeText = "", fraction = ""] = body.replaceAll(",", "").split(".");
  if (fraction.length > 2) return fail("Use at most two decimals (cents).");
  if (negative && !allowNegative) return fail("The amount cannot be negative.");

  const whole = wholeText.replace(/^0+(?=\d)/, "");
  // More digits than any amount below the maximum could have: refuse before converting.
  const tooLarge = `The amount cannot be more than ${PLAIN_AMOUNT.format(max / 100)}.`;
  if (whole.length > 13) return fail(tooLarge);
  const magnitude = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (magnitude > max) return fail(tooLarge);
  if (magnitude === 0 && !allowZero) return fail(allowNegative ? "Enter an amount other than zero." : "Enter an amount greater than zero.");
  const value = negative && magnitude !== 0 ? -magnitude : magnitude;
  return { ok: true, value: value as Money };
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatterFor(currency: string, signDisplay: "auto" | "exceptZero"): Intl.NumberFormat {
  const key = `${currency}:${signDisplay}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", { style: "currency", currency, signDisplay });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "$1,234.56" (or "-$40.00"); with `signed`, "+$40.00" for credits. Amounts are in minor units. */
export function formatMoney(minor: number, currency: string, options: { signed?: boolean } = {}): string {
  return formatterFor(currency, options.signed ? "exceptZero" : "auto").format(minor / 100);
}

/** The plain text a person would type for an amount ("1234.5" → "1234.50"), to prefill an input. */
export function moneyInputText(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
