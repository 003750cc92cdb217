// The delegation page's forms and display rules, shared by the browser (conform) and the server.
import { z } from "zod";
import { daysBetween, isValidIsoDate } from "../core/dates";
import { formatIsoDate } from "../core/dates";

type DelegationDates = { startsOn: string; endsOn: string; endedAt?: Date | string | null };

export type DelegationStatus = "current" | "upcoming" | "ended" | "past";

/** Where a delegation stands on `today` (ISO date, organisation time zone). */
export function delegationStatus(delegation: DelegationDates, today: string): DelegationStatus {
  if (delegation.endedAt) return "ended";
  if (delegation.endsOn < today) return "past";
  return delegation.startsOn > today ? "upcoming" : "current";
}

/** "24 Nov 2026 to 30 Nov 2026", or "24 Nov 2026" for a single day. */
export function delegationRange(delegation: DelegationDates): string {
  return delegation.startsOn === delegation.endsOn
    ? formatIsoDate(delegation.startsOn)
    : `${formatIsoDate(delegation.startsOn)} to ${formatIsoDate(delegation.endsOn)}`;
}

/** A delegation covers an absence, not a change of job: at most this many days, first and last included. */
export const MAX_DELEGATION_DAYS = 90;
/** The form proposes today to a week from today. */
export const DEFAULT_DELEGATION_DAYS = 7;

const isoDate = (label: string) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .refine(isValidIsoDate, { message: `Enter the ${label} as a real date written YYYY-MM-DD (for example 2026-03-14).` });

export const CreateDelegationSchema = z
  .strictObject({
    intent: z.literal("create"),
    delegateId: z.coerce
      .number({ error: "Choose who approves for you." })
      .int({ message: "Choose who approves for you." })
      .positive({ message: "Choose who approves for you." }),
    startsOn: isoDate("first day"),
    endsOn: isoDate("last day"),
  })
  .superRefine((value, ctx) => {
    if (!isValidIsoDate(value.startsOn) || !isValidIsoDate(value.endsOn)) return;
    if (value.endsOn < value.startsOn) {
      ctx.addIssue({ code: "custom", path: ["endsOn"], message: "The last day cannot be before the first day." });
    } else if (daysBetween(value.startsOn, value.endsOn) + 1 > MAX_DELEGATION_DAYS) {
      ctx.addIssue({ code: "custom", path: ["endsOn"], message: `A delegation lasts at most ${MAX_DELEGATION_DAYS} days. Choose an earlier last day.` });
    }
  });

export const EndDelegationSchema = z.strictObject({
  intent: z.literal("end"),
  delegationId: z.coerce.number({ error: "Choose a delegation to end." }).int().positive({ message: "Choose a delegation to end." }),
});
