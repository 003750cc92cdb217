// Form schemas of fulfilment, cancellation, re-approval and outcome, shared by the browser and the server.
import { z } from "zod";
import { CANCEL_REASON_MAX, FULFILMENT_NOTE_MAX, OUTCOME_NOTE_MAX, OUTCOMES } from "../../../db/schema";
import { parseMoney } from "../core/money";

export { CANCEL_REASON_MAX, FULFILMENT_NOTE_MAX, OUTCOME_NOTE_MAX };
export const VENDOR_MAX = 120;

const version = z.coerce
  .number({ error: "This form is missing the gesture's version. Reload the page and try again." })
  .int()
  .positive({ message: "This form is missing the gesture's version. Reload the page and try again." });

const text = (max: number, label: string) =>
  z
    .string()
    .max(max, { message: `Keep the ${label} to ${max} characters or fewer.` })
    .optional()
    .transform((value) => value?.trim() ?? "");

export const FulfilSchema = z.strictObject({
  intent: z.literal("fulfil"),
  version,
  actualAmount: z.string({ error: "Enter what it actually cost." }).transform((value, ctx) => {
    const parsed = parseMoney(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.value as number;
  }),
  vendor: z
    .string({ error: "Enter who supplied it (the florist, shop or charity)." })
    .trim()
    .min(1, "Enter who supplied it (the florist, shop or charity).")
    .max(VENDOR_MAX, `Keep the vendor to ${VENDOR_MAX} characters or fewer.`),
  fulfilledOn: z.iso.date({ error: "Enter the date it was delivered or handed over." }),
  note: text(FULFILMENT_NOTE_MAX, "delivery note"),
  // The file itself is streamed and checked by the server (receipts.server.ts); in the browser the
  // form data carries it, so the schema lets it through and ignores it.
  receipt: z.unknown().optional(),
});

export const CancelSchema = z.strictObject({
  intent: z.literal("cancel"),
  version,
  reason: z
    .string({ error: "Give the reason for cancelling it." })
    .trim()
    .min(1, "Give the reason for cancelling it.")
    .max(CANCEL_REASON_MAX, `Keep the reason to ${CANCEL_REASON_MAX} characters or fewer.`),
});

/** The responses the form offers: the stored outcomes, and a negative one that asks for no more gestures (issue 21). */
/** Said beside the tick box when "asked not to receive gestures" is chosen without it (form and domain). */
export const CONFIRM_NO_GESTURES_MESSAGE =
  "Tick the box to confirm: the customer will be marked do-not-contact and receive no more gestures.";

export const OUTCOME_CHOICES = [...OUTCOMES, "asked_no_gestures"] as const;
export type OutcomeChoice = (typeof OUTCOME_CHOICES)[number];

export const OutcomeSchema = z
  .strictObject({
    intent: z.literal("outcome"),
    version,
    outcome: z.enum(OUTCOME_CHOICES, { error: "Choose how the customer responded." }),
    note: text(OUTCOME_NOTE_MAX, "note"),
    /** The person recording "asked not to receive gestures" confirms what it does. */
    confirmNoGestures: z.literal("on", { error: "Tick the box to confirm, or leave it empty." }).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.outcome === "asked_no_gestures" && value.confirmNoGestures !== "on") {
      ctx.addIssue({
        code: "custom",
        path: ["confirmNoGestures"],
        message: CONFIRM_NO_GESTURES_MESSAGE,
      });
    }
  });

export const ReapprovalSchema = z
  .strictObject({
    intent: z.enum(["reapprove", "refuse-reapproval"], { error: "Choose approve or refuse." }),
    version,
    comment: text(1000, "comment"),
  })
  .superRefine((value, ctx) => {
    if (value.intent === "refuse-reapproval" && !value.comment) ctx.addIssue({ code: "custom", path: ["comment"], message: "Say why; the person who fulfilled it reads it." });
  });
