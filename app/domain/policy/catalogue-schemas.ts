// Form schemas of the gesture catalogue pages, shared by the browser (conform) and the server.
// Amounts go through parseMoney (via moneyField), the one place where typed text becomes money.
import { z } from "zod";
import { OCCASIONS, type Occasion } from "../../../db/schema";
import { moneyField } from "../budget/budget-schemas";
import { POLICY_FIELDS } from "./policy";

export const TYPE_NAME_MAX = 80;
export const TYPE_DESCRIPTION_MAX = 500;
/** The largest amount a type may carry: the ceiling of the per-gesture maximum itself. */
export const TYPE_AMOUNT_MAX = POLICY_FIELDS.perGestureMax.max;
/** Longest generated code (codes name types in exports and never change). */
export const TYPE_CODE_MAX = 40;

const typeFields = {
  name: z
    .string({ error: "Enter the name staff will see, such as Flowers." })
    .trim()
    .min(1, "Enter the name staff will see, such as Flowers.")
    .max(TYPE_NAME_MAX, `A name has at most ${TYPE_NAME_MAX} characters.`)
    .refine((name) => !/\p{Cc}/u.test(name), "Write the name on one line, without control characters."),
  description: z.string().trim().max(TYPE_DESCRIPTION_MAX, `A description has at most ${TYPE_DESCRIPTION_MAX} characters.`).optional(),
  defaultAmount: moneyField({ max: TYPE_AMOUNT_MAX }),
  maxAmount: moneyField({ max: TYPE_AMOUNT_MAX }),
  occasions: z
    .array(z.enum(OCCASIONS, { error: "Choose occasions from the list." }), { error: "Choose at least one occasion this type suits." })
    .min(1, "Choose at least one occasion this type suits.")
    .transform((list) => [...new Set(list)]),
};

/** The default is what the proposal form prefills, so it can never exceed the type's maximum. */
function defaultWithinMaximum(value: { defaultAmount: number; maxAmount: number }, ctx: z.RefinementCtx) {
  if (value.defaultAmount > value.maxAmount) {
    ctx.addIssue({ code: "custom", path: ["defaultAmount"], message: "The default amount cannot be above the maximum amount." });
  }
}

export const CreateGestureTypeSchema = z.strictObject(typeFields).superRefine(defaultWithinMaximum);

export const UpdateGestureTypeSchema = z.strictObject({ intent: z.literal("update"), ...typeFields }).superRefine(defaultWithinMaximum);

/** What the catalogue's domain functions take (amounts in minor units). */
export type GestureTypeInput = { name: string; description?: string; defaultAmount: number; maxAmount: number; occasions: readonly Occasion[] };

export const GestureTypeStatusSchema = z.strictObject({
  intent: z.enum(["deactivate", "reactivate", "delete"], { error: "Choose what to do." }),
});

/**
 * The code a new type gets from its name: lower-case ASCII letters, digits and underscores
 * ("Coffee or meal voucher" → "coffee_or_meal_voucher"). `taken` says whether a code is in use;
 * a number is added until it is free.
 */
export function codeFromName(name: string, taken: (code: string) => boolean): string {
  const base =
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, TYPE_CODE_MAX - 4)
      .replace(/_+$/, "") || "type";
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken(candidate)) return candidate;
  }
}
