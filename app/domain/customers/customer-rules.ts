// Pure rules about customers and signals, shared by the server and the UI: kind labels, which
// kinds are sensitive, how long a suggestion window lasts. Calendar helpers live in ./dates.
import { SENSITIVE_SIGNAL_KINDS, SIGNAL_KINDS, type Segment, type SignalKind, type SignalSource } from "../../../db/schema";

export { SIGNAL_KINDS, SENSITIVE_SIGNAL_KINDS };
export type { SignalKind, SignalSource };

export const SIGNAL_KIND_LABELS: Record<SignalKind, string> = {
  bereavement: "Bereavement",
  illness: "Illness or hospital stay",
  new_baby: "New baby",
  marriage: "Marriage",
  birthday: "Birthday",
  tenure_anniversary: "Customer anniversary",
  complaint: "Complaint",
  service_failure: "Service failure",
  long_wait: "Long wait",
  hardship: "Financial hardship",
  survey_detractor: "Survey: detractor",
  survey_promoter: "Survey: promoter",
  other: "Other",
  collections: "In collections (arrears)",
  dispute: "Complaint in dispute",
};

export const SIGNAL_SOURCE_LABELS: Record<SignalSource, string> = { crm: "CRM", staff: "Staff", survey: "Survey" };
export const SEGMENT_LABELS: Record<Segment, string> = { retail: "Retail", premier: "Premier", business: "Business", private: "Private banking" };
export const SEVERITY_LABELS: Record<number, string> = { 1: "Low", 2: "Medium", 3: "High" };

export function isSensitiveKind(kind: SignalKind): boolean {
  return (SENSITIVE_SIGNAL_KINDS as readonly string[]).includes(kind);
}

/**
 * Days after a signal during which it may prompt a suggestion, and the kind's weight in the score.
 * Kinds without a window never prompt one (a promoter needs no gesture). Birthdays and customer
 * anniversaries also come from the customer's own dates (see suggestions.server.ts).
 */
export const SUGGESTION_RULES: Partial<Record<SignalKind, { windowDays: number; weight: number }>> = {
  bereavement: { windowDays: 30, weight: 50 },
  illness: { windowDays: 30, weight: 40 },
  hardship: { windowDays: 30, weight: 35 },
  service_failure: { windowDays: 14, weight: 30 },
  complaint: { windowDays: 14, weight: 25 },
  survey_detractor: { windowDays: 14, weight: 25 },
  long_wait: { windowDays: 14, weight: 20 },
  new_baby: { windowDays: 30, weight: 20 },
  marriage: { windowDays: 30, weight: 15 },
  other: { windowDays: 14, weight: 5 },
};
export const BIRTHDAY_WINDOW_DAYS = 14;
export const BIRTHDAY_WEIGHT = 10;
export const ANNIVERSARY_YEARS = [5, 10, 20, 25] as const;
export const ANNIVERSARY_WINDOW_DAYS = 30;
export const ANNIVERSARY_WEIGHT = 12;

/** Lower-case search keys: the whole name and its last word (surname). */
export function nameKeys(name: string): { nameKey: string; surnameKey: string } {
  const nameKey = name.trim().toLowerCase().replace(/\s+/g, " ");
  const words = nameKey.split(" ");
  return { nameKey, surnameKey: words[words.length - 1] ?? nameKey };
}

/** "3 days ago", "today", "in 5 days". */
export function relativeDays(days: number): string {
  if (days === 0) return "today";
  if (days === 1) return "yesterday";
  if (days === -1) return "tomorrow";
  return days > 0 ? `${days} days ago` : `in ${-days} days`;
}
