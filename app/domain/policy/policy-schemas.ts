// Form schemas of the policy pages (organisation defaults, branch overrides), shared by the
// browser (conform) and the server, and the words that explain a policy that does not hold
// together. Amounts go through parseMoney; days, counts and percentages are whole numbers.
import { z } from "zod";
import { formatMoney, moneyInputText, parseMoney } from "../core/money";
import { POLICY_FIELDS, POLICY_KEYS, policyProblems, type Policy, type PolicyKey, type PolicyProblem } from "./policy";

export type PolicySourceName = "organisation" | "branch";
export type PolicyValueResult = { ok: true; value: number } | { ok: false; message: string };

const WHOLE_NUMBER_EXAMPLE: Record<"days" | "months" | "count" | "percent", string> = {
  days: "a whole number of days, such as 30",
  months: "a whole number of months, such as 12",
  count: "a whole number, such as 3",
  percent: "a whole percentage, such as 10",
};

/** Typed text to a policy value of the key's unit, or the reason in words. */
export function parsePolicyValue(key: PolicyKey, text: string | undefined): PolicyValueResult {
  const field = POLICY_FIELDS[key];
  const trimmed = (text ?? "").trim();
  if (field.unit === "money") return parseMoney(trimmed, { max: field.max });
  if (field.unit === "switch") {
    const word = trimmed.toLowerCase();
    if (word === "on") return { ok: true, value: 1 };
    if (word === "off") return { ok: true, value: 0 };
    return { ok: false, message: `Choose on or off for ${field.label.toLowerCase()}.` };
  }
  if (trimmed === "") return { ok: false, message: `Enter ${WHOLE_NUMBER_EXAMPLE[field.unit]}.` };
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: `Enter ${WHOLE_NUMBER_EXAMPLE[field.unit]}, with the digits 0 to 9 only.` };
  const value = trimmed.length > 12 ? Number.POSITIVE_INFINITY : Number(trimmed);
  if (value > field.max) return { ok: false, message: `${field.label} can be at most ${formatWholeValue(key, field.max)}.` };
  return { ok: true, value };
}

/** What to prefill an input with (amounts as typed text, "50.00"). */
export function policyValueText(key: PolicyKey, value: number): string {
  const unit = POLICY_FIELDS[key].unit;
  if (unit === "switch") return value === 0 ? "off" : "on";
  return unit === "money" ? moneyInputText(value) : String(value);
}

/** The label of a setting's input, with its unit: "Discretion limit (USD)", "Duplicate window (days)". */
export function policyInputLabel(key: PolicyKey, currency: string): string {
  const field = POLICY_FIELDS[key];
  const unit = { money: currency, days: "days", months: "months", percent: "%", count: "", switch: "" }[field.unit];
  return unit ? `${field.label} (${unit})` : field.label;
}

/** A value as people read it: "$50.00", "30 days", "3", "10%". */
export function formatPolicyValue(key: PolicyKey, value: number, currency: string): string {
  return POLICY_FIELDS[key].unit === "money" ? formatMoney(value, currency) : formatWholeValue(key, value);
}

function formatWholeValue(key: PolicyKey, value: number): string {
  switch (POLICY_FIELDS[key].unit) {
    case "money":
      return String(value);
    case "days":
      return value === 1 ? "1 day" : `${value.toLocaleString("en-US")} days`;
    case "months":
      return value === 1 ? "1 month" : `${value} months`;
    case "percent":
      return `${value}%`;
    case "count":
      return value.toLocaleString("en-US");
    case "switch":
      return value === 0 ? "Off" : "On";
  }
}

/** A policy field as a form field: text in, the value in its unit out. */
function policyValueField(key: PolicyKey) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const result = parsePolicyValue(key, text);
      if (!result.ok) {
        ctx.addIssue({ code: "custom", message: result.message });
        return z.NEVER;
      }
      return result.value;
    });
}

type PolicyValueField = ReturnType<typeof policyValueField>;

/** The organisation's defaults: every setting required, then the rules of the whole policy. */
export const PolicyDefaultsSchema = z
  .strictObject(Object.fromEntries(POLICY_KEYS.map((key) => [key, policyValueField(key)])) as Record<PolicyKey, PolicyValueField>)
  .superRefine((policy, ctx) => {
    for (const problem of policyProblems(policy)) ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
  });

/** The keys each whole-policy rule compares, so a message can name both values. */
const RULE_PARTNER: Partial<Record<PolicyKey, PolicyKey>> = {
  discretionLimit: "secondApprovalThreshold",
  secondApprovalThreshold: "perGestureMax",
  customerCapAmount: "perGestureMax",
};

const SOURCE_WORDS: Record<PolicySourceName, string> = { branch: "branch override", organisation: "organisation default" };

/**
 * A problem of an effective policy in words that say which values conflict and where each comes
 * from: "… Now: discretion limit $200.00 (branch override), second-approval threshold $150.00
 * (organisation default)."
 */
export function explainPolicyProblem(
  problem: PolicyProblem,
  policy: Policy,
  source: Record<PolicyKey, PolicySourceName>,
  currency: string,
): string {
  const values = problemKeys(problem).map((key) => `${POLICY_FIELDS[key].label.toLowerCase()} ${formatPolicyValue(key, policy[key], currency)} (${SOURCE_WORDS[source[key]]})`);
  return `${problem.message} Now: ${values.join(", ")}.`;
}

/** The settings a problem is about: its own key and, for an ordering rule, the value it is compared with. */
export function problemKeys(problem: PolicyProblem): PolicyKey[] {
  const partner = RULE_PARTNER[problem.key];
  return partner ? [problem.key, partner] : [problem.key];
}

/** The field a problem belongs beside on the branch form: one the branch overrides, if any. */
export function problemField(problem: PolicyProblem, source: Record<PolicyKey, PolicySourceName>): PolicyKey {
  const partner = RULE_PARTNER[problem.key];
  if (source[problem.key] !== "branch" && partner && source[partner] === "branch") return partner;
  return problem.key;
}

/** Merges overrides into the defaults, with where each value comes from. */
export function mergePolicy(defaults: Policy, overrides: Partial<Policy>): { policy: Policy; source: Record<PolicyKey, PolicySourceName> } {
  const policy = { ...defaults };
  const source = {} as Record<PolicyKey, PolicySourceName>;
  for (const key of POLICY_KEYS) {
    const value = overrides[key];
    source[key] = value === undefined ? "organisation" : "branch";
    if (value !== undefined) policy[key] = value;
  }
  return { policy, source };
}

export const OVERRIDE_MODES = ["default", "override"] as const;

const overrideEntry = z.strictObject({
  mode: z.enum(OVERRIDE_MODES, { error: "Choose the organisation default or a value for this branch." }),
  value: z.string().optional(),
});

/**
 * A branch's overrides: for each setting, "default" or "override" with a value. The branch's
 * effective policy (the defaults given, merged with these overrides) must hold together; a
 * problem is placed beside the overridden value it conflicts with. Output: only the overrides.
 */
export function branchOverridesSchema(defaults: Policy, currency: string) {
  return z
    .strictObject(Object.fromEntries(POLICY_KEYS.map((key) => [key, overrideEntry])) as Record<PolicyKey, typeof overrideEntry>)
    .transform((form, ctx) => {
      const overrides: Partial<Policy> = {};
      let unreadable = false;
      for (const key of POLICY_KEYS) {
        if (form[key].mode !== "override") continue;
        const result = parsePolicyValue(key, form[key].value);
        if (result.ok) overrides[key] = result.value;
        else {
          unreadable = true;
          ctx.addIssue({ code: "custom", path: [key, "value"], message: result.message });
        }
      }
      if (unreadable) return z.NEVER;
      const { policy, source } = mergePolicy(defaults, overrides);
      const problems = policyProblems(policy);
      for (const problem of problems) {
        ctx.addIssue({ code: "custom", path: [problemField(problem, source), "value"], message: explainPolicyProblem(problem, policy, source, currency) });
      }
      return problems.length > 0 ? z.NEVER : overrides;
    });
}
