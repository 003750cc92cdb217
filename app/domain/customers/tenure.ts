// Tenure bands: how long someone has been a customer, as of a local date (fairness reports them;
// what has worked is split by them). Dates are the organisation's ISO local dates, compared as text.
import { TENURE_BANDS as BAND_KEYS, type TenureBand } from "../../../db/schema";

export type { TenureBand };

const LABELS: Record<TenureBand, string> = { under_1: "Under 1 year", "1_to_3": "1 to 3 years", "3_to_10": "3 to 10 years", "10_plus": "10 years or more" };
export const TENURE_BANDS = BAND_KEYS.map((key) => ({ key, label: LABELS[key] }));

/** The same month and day `years` earlier (29 February stays as text: "2023-02-29" sorts where it should). */
export function yearsBefore(isoDate: string, years: number): string {
  return `${Number(isoDate.slice(0, 4)) - years}${isoDate.slice(4)}`;
}

/**
 * The band of a customer who became one on `customerSince`, as of `onDate`: under 1 year while
 * `customerSince` is after the same date a year earlier, and so on. Fairness's SQL makes the same
 * comparisons.
 */
export function tenureBandOn(customerSince: string, onDate: string): TenureBand {
  if (customerSince > yearsBefore(onDate, 1)) return "under_1";
  if (customerSince > yearsBefore(onDate, 3)) return "1_to_3";
  if (customerSince > yearsBefore(onDate, 10)) return "3_to_10";
  return "10_plus";
}

export function tenureBandLabel(band: TenureBand): string {
  return LABELS[band];
}
