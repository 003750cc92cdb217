// Which customers are one household: those whose delivery addresses are the same once case,
// spaces and punctuation are set aside ("12 Oak St., Flat 2" = "12 oak st flat 2"). The database
// keeps the same key in the generated column customers.address_key (db/schema.ts addressKeySql);
// tests/unit/customers/household.test.ts holds the two versions together. Pure.
import { ADDRESS_SEPARATOR_CODES } from "../../../db/schema";

const SEPARATORS = new Set<string>(ADDRESS_SEPARATOR_CODES.map((code) => String.fromCodePoint(code)));

/**
 * The normalised address: ASCII letters lowercased, every separator (punctuation, apostrophes, line
 * breaks, tabs) a space, runs of spaces one, trimmed; null when nothing is left. Letters outside
 * ASCII keep their case, as SQLite's lower() does.
 */
export function addressKey(address: string | null | undefined): string | null {
  if (address == null) return null;
  let out = "";
  for (const char of address) {
    const lowered = char >= "A" && char <= "Z" ? char.toLowerCase() : char;
    out += SEPARATORS.has(lowered) ? " " : lowered;
  }
  const key = out.replace(/ {2,}/g, " ").replace(/^ +| +$/g, "");
  return key === "" ? null : key;
}

/** Whether two addresses are the same delivery address (both present). */
export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  const key = addressKey(a);
  return key !== null && key === addressKey(b);
}
