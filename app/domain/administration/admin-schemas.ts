// Form schemas of the administration pages, shared by the browser (conform) and the server.
import { z } from "zod";
import { PERIOD_LENGTHS, ROLES, UNSPENT_BALANCE_RULES } from "../../../db/schema";
import { EMAIL_MAX } from "../identity/auth-schemas";

export const NAME_MAX = 120;
export const BRANCH_CODE_MAX = 10;
export const BRANCH_NAME_MAX = 80;
export const REGION_MAX = 80;
export const ORGANISATION_NAME_MAX = 120;

/** Roles that belong to one branch; the others work across branches and have none. */
export const BRANCH_ROLES = ["staff", "manager"] as const;
export function roleNeedsBranch(role: string): boolean {
  return (BRANCH_ROLES as readonly string[]).includes(role);
}

const name = z
  .string({ error: "Enter the person's name." })
  .trim()
  .min(1, "Enter the person's name.")
  .max(NAME_MAX, `A name has at most ${NAME_MAX} characters.`);
const role = z.enum(ROLES, { error: "Choose a role." });
const branchId = z.coerce
  .number({ error: "Choose a branch." })
  .int("Choose a branch.")
  .positive("Choose a branch.")
  .optional();

/** Staff and managers need a branch; finance and admins must not have one. */
function checkBranchForRole(value: { role: string; branchId?: number }, ctx: z.RefinementCtx) {
  if (roleNeedsBranch(value.role) && value.branchId === undefined) {
    ctx.addIssue({ code: "custom", path: ["branchId"], message: "Staff and branch managers belong to a branch: choose one." });
  }
  if (!roleNeedsBranch(value.role) && value.branchId !== undefined) {
    ctx.addIssue({ code: "custom", path: ["branchId"], message: "Finance and administrators work across branches: leave the branch empty." });
  }
}

export const CreateUserSchema = z
  .strictObject({
    name,
    email: z
      .string({ error: "Enter an email address." })
      .trim()
      .max(EMAIL_MAX, `An email address has at most ${EMAIL_MAX} characters.`)
      .pipe(z.email({ error: "Enter an email address like name@example.com." })),
    role,
    branchId,
  })
  .superRefine(checkBranchForRole);

export const UpdateUserSchema = z
  .strictObject({ intent: z.literal("update"), name, role, branchId })
  .superRefine(checkBranchForRole);

export const UserStatusSchema = z.strictObject({
  intent: z.enum(["deactivate", "reactivate", "reset-password", "reset-second-factor"], { error: "Choose what to do." }),
});

const branchName = z
  .string({ error: "Enter the branch's name." })
  .trim()
  .min(1, "Enter the branch's name.")
  .max(BRANCH_NAME_MAX, `A branch name has at most ${BRANCH_NAME_MAX} characters.`);
const region = z
  .string({ error: "Enter the region." })
  .trim()
  .min(1, "Enter the region.")
  .max(REGION_MAX, `A region has at most ${REGION_MAX} characters.`);

export const CreateBranchSchema = z.strictObject({
  code: z
    .string({ error: "Enter a branch code." })
    .trim()
    .toUpperCase()
    .min(2, "A branch code has at least 2 characters.")
    .max(BRANCH_CODE_MAX, `A branch code has at most ${BRANCH_CODE_MAX} characters.`)
    .regex(/^[A-Z0-9-]+$/, "Use capital letters, digits and hyphens only."),
  name: branchName,
  region,
});

export const UpdateBranchSchema = z.strictObject({ name: branchName, region });

/** The branch page's status buttons: the intent alone (no other field is taken). */
export const BranchStatusSchema = z.strictObject({ intent: z.enum(["deactivate", "reactivate"], { error: "Choose what to do." }) });

export const RETENTION_DAYS_MIN = 7;
export const RETENTION_DAYS_MAX = 3650;

/** ISO 4217 codes the app formats; amounts are kept in minor units of the chosen one. */
export const CURRENCIES = ["USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "SGD", "HKD", "ZAR"] as const;

/** Time zones of the IANA database, as the platform knows them (plus UTC). */
export function supportedTimeZones(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone")];
}

export const SSO_CLAIM_MAX = 100;
export const COMPLAINTS_PROCESS_TEXT_MAX = 1000;

export const OrganisationSettingsSchema = z
  .strictObject({
  name: z
    .string({ error: "Enter the organisation's name." })
    .trim()
    .min(1, "Enter the organisation's name.")
    .max(ORGANISATION_NAME_MAX, `A name has at most ${ORGANISATION_NAME_MAX} characters.`),
  currency: z.enum(CURRENCIES, { error: "Choose a currency from the list." }),
  timeZone: z
    .string({ error: "Choose a time zone." })
    .refine((value) => supportedTimeZones().includes(value), "Choose a time zone from the list, such as Europe/Zurich."),
  periodLength: z.enum(PERIOD_LENGTHS, { error: "Choose month or quarter." }),
  unspentBalanceRule: z.enum(UNSPENT_BALANCE_RULES, { error: "Choose whether an unspent balance lapses or carries over." }),
  sensitiveRetentionDays: z
    .string({ error: "Enter a number of days." })
    .trim()
    .regex(/^\d{1,5}$/, "Enter a whole number of days, such as 90.")
    .transform(Number)
    .pipe(
      z
        .number()
        .min(RETENTION_DAYS_MIN, `Keep sensitive notes at least ${RETENTION_DAYS_MIN} days.`)
        .max(RETENTION_DAYS_MAX, `Keep sensitive notes at most ${RETENTION_DAYS_MAX} days.`),
    ),
    complaintsProcessText: z
      .string({ error: "Say where compensation owed to a customer goes: the complaints process." })
      .trim()
      .min(1, "Say where compensation owed to a customer goes: the complaints process.")
      .max(COMPLAINTS_PROCESS_TEXT_MAX, `Keep it to ${COMPLAINTS_PROCESS_TEXT_MAX} characters or fewer.`),
    // Checkboxes: present ("on") when ticked, absent when not.
    secondFactorRequired: z.boolean().default(false),
    ssoAutoCreate: z.boolean().default(false),
    ssoBranchClaim: z
      .string()
      .trim()
      .max(SSO_CLAIM_MAX, `A claim name has at most ${SSO_CLAIM_MAX} characters.`)
      .regex(/^[A-Za-z0-9_.:/-]+$/, "Use the claim's name as the identity provider sends it, such as branch (letters, digits, _ . : / -).")
      .optional(),
  })
  .refine((value) => !value.ssoAutoCreate || !!value.ssoBranchClaim, {
    message: "Name the claim that carries the branch code, or do not create users at first sign-in.",
    path: ["ssoBranchClaim"],
  });
