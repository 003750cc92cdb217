// Form schemas of the budget pages, shared by the browser (conform) and the server. Amount fields
// go through parseMoney, the one place where typed text becomes money.
import { z } from "zod";
import { parseMoney, toMoney, type MoneyParseOptions } from "../core/money";

export const MEMO_MAX = 200;
export const REASON_MAX = 500;
/** Rows accepted in one allocation CSV: far above any bank's branch count. */
export const CSV_MAX_ROWS = 5_000;
export const CSV_MAX_BYTES = 512 * 1024;

/** What an idempotency key looks like (a UUID from the loader, or a workflow's own key). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9:_-]{8,120}$/;

const IdempotencyKey = z
  .string({ error: "This form is missing its request key. Reload the page and try again." })
  .regex(IDEMPOTENCY_KEY_PATTERN, "This form's request key is not valid. Reload the page and try again.");

/**
 * A typed amount, parsed to minor units, or the message of parseMoney. A blank field (which
 * conform reads as missing) is refused, or is zero with `blankIsZero`.
 */
export function moneyField(options: MoneyParseOptions & { blankIsZero?: boolean } = {}) {
  return z.string().optional().transform((text, ctx) => {
    if (text === undefined) {
      if (options.blankIsZero) return toMoney(0);
      ctx.addIssue({ code: "custom", message: "Enter an amount." });
      return z.NEVER;
    }
    const result = parseMoney(text, options);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    }
    return result.value;
  });
}

/** "review" shows the confirmation, "confirm" moves the money, "edit" goes back to the form. */
const Step = z.enum(["review", "confirm", "edit"], { error: "Choose review or confirm." });

export const AllocateSchema = z.strictObject({
  intent: z.literal("allocate"),
  step: Step,
  amount: moneyField({ allowZero: false }),
  memo: z.string().trim().max(MEMO_MAX, `Keep the note under ${MEMO_MAX} characters.`).optional(),
  idempotencyKey: IdempotencyKey,
});

export const AdjustSchema = z.strictObject({
  intent: z.literal("adjust"),
  step: Step,
  amount: moneyField({ allowNegative: true, allowZero: false }),
  reason: z
    .string({ error: "Give the reason for this adjustment." })
    .trim()
    .min(1, "Give the reason for this adjustment.")
    .max(REASON_MAX, `Keep the reason under ${REASON_MAX} characters.`),
  idempotencyKey: IdempotencyKey,
});

export const PoolActionSchema = z.discriminatedUnion("intent", [AllocateSchema, AdjustSchema]);

export const OpenPeriodSchema = z.strictObject({
  intent: z.enum(["review", "open", "edit"]),
  amounts: z
    .array(
      z.strictObject({
        branchId: z.coerce.number().int().positive(),
        // A blank amount means nothing is allocated to that branch for now.
        amount: moneyField({ blankIsZero: true }),
      }),
    )
    .max(CSV_MAX_ROWS, "Too many branches in one form."),
  idempotencyKey: IdempotencyKey,
});

export const ClosePeriodSchema = z.strictObject({
  carryOpenHolds: z.literal("on").optional(),
});
