// Form and row schemas for customer context: one strict zod schema per form, shared by the browser
// and the server, and the row shapes that CSV imports and the signal API validate against.
import { z } from "zod";
import { SEGMENTS, SIGNAL_KINDS, SIGNAL_NOTE_MAX } from "../../../db/schema";
import { isValidIsoDate, isValidMonthDay } from "../core/dates";

export { SIGNAL_NOTE_MAX };
export const CRM_REF_MAX = 64;
export const NAME_MAX = 200;
export const ADDRESS_MAX = 500;
export const DNC_REASON_MAX = 200;
export const DISMISS_REASON_MAX = 200;
export const SEARCH_MAX = 100;

const isoDate = (label: string) =>
  z
    .string({ error: `Enter the ${label} as YYYY-MM-DD.` })
    .trim()
    .refine(isValidIsoDate, { message: `Enter the ${label} as a real date written YYYY-MM-DD (for example 2026-03-14).` });

export const severitySchema = z.coerce
  .number({ error: "Choose a severity: 1 (low), 2 (medium) or 3 (high)." })
  .int({ message: "Choose a severity: 1 (low), 2 (medium) or 3 (high)." })
  .min(1, { message: "Choose a severity: 1 (low), 2 (medium) or 3 (high)." })
  .max(3, { message: "Choose a severity: 1 (low), 2 (medium) or 3 (high)." });

const note = z
  .string()
  .trim()
  .max(SIGNAL_NOTE_MAX, { message: `Keep the note to ${SIGNAL_NOTE_MAX} characters or fewer.` })
  .optional()
  .transform((value) => (value ? value : null));

const kind = z.enum(SIGNAL_KINDS, { error: "Choose what happened from the list." });

/** Staff add a signal on the customer page. */
export const AddSignalSchema = z.strictObject({
  intent: z.literal("add-signal"),
  kind,
  occurredOn: isoDate("date"),
  severity: severitySchema,
  note,
});

/** Staff correct their own signal within a day. */
export const CorrectSignalSchema = z.strictObject({
  intent: z.literal("correct-signal"),
  signalId: z.coerce.number().int().positive(),
  kind,
  occurredOn: isoDate("date"),
  severity: severitySchema,
  note,
});

export const DismissSuggestionSchema = z.strictObject({
  intent: z.literal("dismiss-suggestion"),
  customerId: z.coerce.number().int().positive(),
  reason: z
    .string({ error: "Say why you dismiss this suggestion." })
    .trim()
    .min(3, { message: "Say why you dismiss this suggestion (at least 3 characters)." })
    .max(DISMISS_REASON_MAX, { message: `Keep the reason to ${DISMISS_REASON_MAX} characters or fewer.` }),
});

export const EraseCustomerSchema = z.strictObject({
  intent: z.literal("erase"),
  crmRef: z.string().trim().min(1, { message: "Enter the customer's CRM reference." }).max(CRM_REF_MAX),
  confirm: z.literal("ERASE", { error: "Type ERASE in capitals to confirm." }),
});

const crmRef = z
  .string({ error: "The CRM reference is missing." })
  .trim()
  .min(1, { message: "The CRM reference is missing.", abort: true })
  .max(CRM_REF_MAX, { message: `The CRM reference is longer than ${CRM_REF_MAX} characters.` })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, { message: "The CRM reference may hold only letters, digits, dots, dashes, slashes and underscores." });

const yesNo = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((value, ctx) => {
    if (!value || ["no", "n", "false", "0"].includes(value)) return false;
    if (["yes", "y", "true", "1"].includes(value)) return true;
    ctx.addIssue({ code: "custom", message: "Write yes or no." });
    return z.NEVER;
  });

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, { message: `The ${label} is longer than ${max} characters.` })
    .optional()
    .transform((value) => (value ? value : null));

/** One customer row of a CRM file (after the header names are mapped). */
export const CustomerRowSchema = z
  .strictObject({
    crm_ref: crmRef,
    name: z
      .string({ error: "The name is missing." })
      .trim()
      .min(1, { message: "The name is missing." })
      .max(NAME_MAX, { message: `The name is longer than ${NAME_MAX} characters.` }),
    branch_code: z.string({ error: "The branch code is missing." }).trim().toUpperCase().min(1, { message: "The branch code is missing." }).max(16),
    customer_since: isoDate("customer-since date"),
    segment: z
      .string()
      .trim()
      .toLowerCase()
      .optional()
      .transform((value) => value || "retail")
      .pipe(z.enum(SEGMENTS, { error: `The segment must be one of: ${SEGMENTS.join(", ")}.` })),
    birthday: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? value : null))
      .refine((value) => value === null || isValidMonthDay(value), { message: "Write the birthday as MM-DD (for example 03-14), without the year." }),
    delivery_address: optionalText(ADDRESS_MAX, "delivery address"),
    do_not_contact: yesNo,
    do_not_contact_reason: optionalText(DNC_REASON_MAX, "do-not-contact reason"),
    /** The branch code where the customer works, or where the member of staff they are connected to works. */
    connected_staff_branch: z
      .string()
      .trim()
      .toUpperCase()
      .max(16, { message: "connected_staff_branch is a branch code, such as NTH." })
      .optional()
      .transform((value) => (value ? value : null)),
  })
  .superRefine((row, ctx) => {
    if (row.do_not_contact && !row.do_not_contact_reason) {
      ctx.addIssue({ code: "custom", path: ["do_not_contact_reason"], message: "Give the reason when do_not_contact is yes." });
    }
  });
export type CustomerRow = z.output<typeof CustomerRowSchema>;

const SEVERITY_WORDS: Record<string, number> = { low: 1, medium: 2, high: 3 };

/** One signal row of a CRM file or one event pushed to the API. */
export const SignalRowSchema = z.strictObject({
  signal_ref: z
    .string()
    .trim()
    .max(CRM_REF_MAX, { message: `The signal reference is longer than ${CRM_REF_MAX} characters.` })
    .optional()
    .transform((value) => (value ? value : null)),
  crm_ref: crmRef,
  kind: z
    .string({ error: "The kind is missing." })
    .trim()
    .toLowerCase()
    .pipe(z.enum(SIGNAL_KINDS, { error: `The kind must be one of: ${SIGNAL_KINDS.join(", ")}.` })),
  date: isoDate("date"),
  source: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => value || "crm")
    .pipe(z.enum(["crm", "survey"], { error: "The source must be crm or survey." })),
  severity: z
    .union([z.string(), z.number()])
    .optional()
    .transform((value) => {
      if (value === undefined || value === "") return 2;
      if (typeof value === "string" && SEVERITY_WORDS[value.trim().toLowerCase()]) return SEVERITY_WORDS[value.trim().toLowerCase()]!;
      return Number(value);
    })
    .pipe(z.number().int().min(1, { message: "The severity must be 1, 2 or 3 (or low, medium, high)." }).max(3, { message: "The severity must be 1, 2 or 3 (or low, medium, high)." })),
  note: z
    .string()
    .max(SIGNAL_NOTE_MAX * 4)
    .optional()
    .transform((value) => (value ? value.trim() : ""))
    .refine((value) => value.length <= SIGNAL_NOTE_MAX, { message: `The note is longer than ${SIGNAL_NOTE_MAX} characters.` })
    .transform((value) => (value ? value : null)),
});
export type SignalRow = z.output<typeof SignalRowSchema>;

/** An import's preview page: import it or discard it, nothing else. */
export const ImportDecisionSchema = z.strictObject({ intent: z.enum(["commit", "discard"], { error: "Choose to import or to discard." }) });

export const API_KEY_NAME_MAX = 100;
/** The API keys page: create a key (with a name) or revoke one. */
export const ApiKeyFormSchema = z.discriminatedUnion("intent", [
  z.strictObject({
    intent: z.literal("create"),
    name: z
      .string({ error: "Say what the key is for." })
      .trim()
      .min(3, { message: "Say what the key is for (at least 3 characters)." })
      .max(API_KEY_NAME_MAX, { message: `Keep the name to ${API_KEY_NAME_MAX} characters or fewer.` }),
  }),
  z.strictObject({ intent: z.literal("revoke"), keyId: z.coerce.number().int().positive() }),
]);
