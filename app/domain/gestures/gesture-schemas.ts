// Form schemas of the gesture workflow, shared by the browser (conform) and the server.
import { z } from "zod";
import { CARD_MESSAGE_MAX, COMPENSATION_ANSWERS, DELIVERY_METHODS, JUSTIFICATION_MAX, OCCASIONS } from "../../../db/schema";
import { IDEMPOTENCY_KEY_PATTERN } from "../budget/budget-schemas";
import { parseMoney } from "../core/money";

export { CARD_MESSAGE_MAX, JUSTIFICATION_MAX };
export const DECISION_COMMENT_MAX = 1000;
/** Rows one bulk approval may carry: a queue page and then some. */
export const BULK_APPROVE_MAX = 100;

const id = (message: string) => z.coerce.number({ error: message }).int({ message }).positive({ message });

const createKey = z
  .string({ error: "This form is missing its request key. Reload the page and try again." })
  .regex(IDEMPOTENCY_KEY_PATTERN, "This form's request key is not valid. Reload the page and try again.");

const version = z.coerce
  .number({ error: "This form is missing the proposal's version. Reload the page and try again." })
  .int()
  .positive({ message: "This form is missing the proposal's version. Reload the page and try again." });

/** A blank amount means "the type's default"; otherwise the typed amount, which may be zero (a handwritten note). */
const amount = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === "") return null;
    const result = parseMoney(text);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    }
    return result.value as number;
  });

const optionalText = (max: number, label: string) =>
  z
    .string()
    .max(max, { message: `Keep the ${label} to ${max} characters or fewer.` })
    .optional()
    .transform((value) => value?.trim() ?? "");

const proposalFields = {
  occasion: z.enum(OCCASIONS, { error: "Choose the occasion from the list." }),
  signalId: z.coerce.number().int().positive().optional(),
  typeId: id("Choose a gesture from the list."),
  amount,
  cardMessage: optionalText(CARD_MESSAGE_MAX, "card message"),
  justification: optionalText(JUSTIFICATION_MAX, "justification"),
  deliveryMethod: z.enum(DELIVERY_METHODS, { error: "Choose how the gesture reaches the customer." }),
  /** "Is this money compensation the customer is owed?" (complaint, service failure, dispute). */
  compensationOwed: z.enum(COMPENSATION_ANSWERS, { error: "Answer yes or no." }).optional(),
};

/** The new-proposal form: save as draft or submit. */
export const NewProposalSchema = z.strictObject({
  intent: z.enum(["save-draft", "submit"], { error: "Choose Save draft or Submit." }),
  createKey,
  customerId: id("Choose the customer first."),
  ...proposalFields,
});

/** Editing a draft or a returned proposal, then saving or (re)submitting it. */
export const EditProposalSchema = z.strictObject({
  intent: z.enum(["save-draft", "submit"], { error: "Choose Save draft or Submit." }),
  version,
  ...proposalFields,
});

export const WithdrawSchema = z.strictObject({ intent: z.literal("withdraw"), version });

/** Approve, reject (reason required) or return for changes (comment required). */
export const DecisionSchema = z
  .strictObject({
    intent: z.enum(["approve", "reject", "return"], { error: "Choose approve, reject or return." }),
    version,
    comment: optionalText(DECISION_COMMENT_MAX, "comment"),
  })
  .superRefine((value, ctx) => {
    if (value.intent !== "approve" && value.comment === "") {
      ctx.addIssue({
        code: "custom",
        path: ["comment"],
        message: value.intent === "reject" ? "Give the reason for the rejection; the proposer reads it." : "Say what should change; the proposer reads it.",
      });
    }
  });

/**
 * The decision page reached from an approval e-mail: the same three decisions and comment; the
 * proposal and its version come from the link, never from the form.
 */
export const LinkDecisionSchema = z
  .strictObject({
    intent: z.enum(["approve", "reject", "return"], { error: "Choose approve, reject or return." }),
    comment: optionalText(DECISION_COMMENT_MAX, "comment"),
  })
  .superRefine((value, ctx) => {
    if (value.intent !== "approve" && value.comment === "") {
      ctx.addIssue({
        code: "custom",
        path: ["comment"],
        message: value.intent === "reject" ? "Give the reason for the rejection; the proposer reads it." : "Say what should change; the proposer reads it.",
      });
    }
  });

/** Rows of the approval queue chosen for bulk approval, each as "gestureId:version". */
export const BulkApproveSchema = z.strictObject({
  intent: z.literal("bulk-approve"),
  selected: z
    .array(z.string().regex(/^\d{1,12}:\d{1,9}$/, "A selected row was not valid. Reload the page and try again."), {
      error: "Select at least one proposal to approve.",
    })
    .min(1, "Select at least one proposal to approve.")
    .max(BULK_APPROVE_MAX, `Approve at most ${BULK_APPROVE_MAX} proposals at once.`),
});

export function parseSelection(selected: string[]): { gestureId: number; version: number }[] {
  return selected.map((item) => {
    const [gestureId, version] = item.split(":").map(Number) as [number, number];
    return { gestureId, version };
  });
}
