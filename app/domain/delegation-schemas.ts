// The delegation page's forms, shared by the browser (conform) and the server.
import { z } from "zod";
import { daysBetween, isValidIsoDate } from "./customer-rules";

/** A delegation covers an absence, not a change of job: at most this many days, first and last included. */
export const MAX_DELEGATION_DAYS = 90;
/** The form's default length: today and the six days after it. */
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
