// Administration of the gesture policy: the organisation's defaults and each branch's overrides.
// A policy is checked as a whole (policyProblems) as it will apply: a branch's defaults merged
// with its overrides. Changing a default is refused when it would break a branch that overrides
// something. Each change is one immediate transaction, audited with the values before and after.
import { eq } from "drizzle-orm";
import { branches, branchPolicyOverrides, policyDefaults, type Role } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { DomainError } from "../core/errors";
import { getOrganisation } from "../core/organisation.server";
import { can } from "../core/permissions";
import { POLICY_KEYS, policyProblems, type Policy, type PolicyKey } from "./policy";
import { explainPolicyProblem, mergePolicy, problemField, problemKeys } from "./policy-schemas";
import { getBranchOverrides, getEffectivePolicy, getPolicyDefaults, type EffectivePolicy } from "./policy.server";
import { firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export type PolicyActor = { id: number; role: Role };

function requirePolicyManage(actor: PolicyActor) {
  if (!can(actor.role, "policy:manage")) throw new DomainError("FORBIDDEN", "Only administrators change the gesture policy.");
}

/** The organisation's defaults. Refused when they do not hold together, or would break a branch's overrides. */
export async function updatePolicyDefaults(db: Db, actor: PolicyActor, input: Policy, now: Date): Promise<Policy> {
  requirePolicyManage(actor);
  const next = pickPolicy(input);
  const [problem] = policyProblems(next);
  if (problem) throw new DomainError("VALIDATION", problem.message, { field: problem.key });
  return await writeTransaction(db, async (tx) => {
    const before = await getPolicyDefaults(tx);
    const changed = POLICY_KEYS.filter((key) => before[key] !== next[key]);
    if (changed.length === 0) return before;
    await refuseBrokenBranches(tx, next);
    await tx
      .update(policyDefaults)
      .set({ ...next, updatedAt: now })
      .where(eq(policyDefaults.id, 1));
    const detail: Record<string, number> = {};
    for (const key of changed) Object.assign(detail, { [`${key}Before`]: before[key], [`${key}After`]: next[key] });
    await recordAudit(tx, { actorId: actor.id, action: "policy.defaults_updated", entity: "policy_defaults", entityId: 1, detail, at: now });
    return next;
  });
}

/** Every branch with overrides must still have a usable policy under the new defaults. */
async function refuseBrokenBranches(tx: DbOrTx, defaults: Policy) {
  const rows = await tx
    .select({ name: branches.name, overrides: branchPolicyOverrides })
    .from(branchPolicyOverrides)
    .innerJoin(branches, eq(branches.id, branchPolicyOverrides.branchId))
    .orderBy(branches.name);
  const broken: { name: string; message: string; field: PolicyKey }[] = [];
  const { currency } = await getOrganisation(tx);
  for (const row of rows) {
    const overrides: Partial<Policy> = {};
    for (const key of POLICY_KEYS) if (row.overrides[key] !== null) overrides[key] = row.overrides[key];
    const { policy, source } = mergePolicy(defaults, overrides);
    const [problem] = policyProblems(policy);
    if (!problem) continue;
    // The message goes beside the default being changed, not the branch's own value.
    const field = problemKeys(problem).find((key) => source[key] === "organisation") ?? problem.key;
    broken.push({ name: row.name, message: explainPolicyProblem(problem, policy, source, currency), field });
  }
  const first = broken[0];
  if (!first) return;
  const others = broken.length > 1 ? ` ${broken.length - 1} more ${broken.length === 2 ? "branch has" : "branches have"} the same kind of conflict.` : "";
  throw new DomainError(
    "VALIDATION",
    `With this value, ${first.name} would have a policy that does not hold together: ${first.message} Change ${first.name}'s overrides first, or choose another value.${others}`,
    { field: first.field },
  );
}

/**
 * Sets a branch's overrides (only the keys given; every other setting follows the organisation's
 * default). No overrides at all removes the branch's row. Refused when the branch's effective
 * policy would not hold together; the message names the values that conflict.
 */
export async function setBranchOverrides(db: Db, actor: PolicyActor, input: { branchId: number; overrides: Partial<Policy> }, now: Date): Promise<EffectivePolicy> {
  requirePolicyManage(actor);
  const overrides: Partial<Policy> = {};
  for (const key of POLICY_KEYS) if (input.overrides[key] !== undefined) overrides[key] = input.overrides[key];
  return await writeTransaction(db, async (tx) => {
    const branch = await firstRow(tx.select({ id: branches.id, code: branches.code }).from(branches).where(eq(branches.id, input.branchId)).limit(1));
    if (!branch) throw new DomainError("NOT_FOUND", "This branch does not exist.");
    const defaults = await getPolicyDefaults(tx);
    const { policy, source } = mergePolicy(defaults, overrides);
    const [problem] = policyProblems(policy);
    if (problem) {
      throw new DomainError("VALIDATION", explainPolicyProblem(problem, policy, source, (await getOrganisation(tx)).currency), {
        field: problemField(problem, source),
      });
    }
    const before = await getBranchOverrides(tx, branch.id);
    const changed = POLICY_KEYS.filter((key) => (before[key] ?? null) !== (overrides[key] ?? null));
    if (changed.length === 0) return await getEffectivePolicy(tx, branch.id);
    const count = Object.keys(overrides).length;
    if (count === 0) {
      await tx.delete(branchPolicyOverrides).where(eq(branchPolicyOverrides.branchId, branch.id));
    } else {
      const row = Object.fromEntries(POLICY_KEYS.map((key) => [key, overrides[key] ?? null])) as Record<PolicyKey, number | null>;
      await tx
        .insert(branchPolicyOverrides)
        .values({ branchId: branch.id, ...row, updatedAt: now })
        .onConflictDoUpdate({ target: branchPolicyOverrides.branchId, set: { ...row, updatedAt: now } });
    }
    // null means "follows the organisation's default".
    const detail: Record<string, string | number | null> = {
      branchCode: branch.code,
      overridesBefore: Object.keys(before).length,
      overridesAfter: count,
    };
    for (const key of changed) Object.assign(detail, { [`${key}Before`]: before[key] ?? null, [`${key}After`]: overrides[key] ?? null });
    await recordAudit(tx, { actorId: actor.id, action: "policy.branch_overrides_updated", entity: "branch", entityId: branch.id, detail, at: now });
    return await getEffectivePolicy(tx, branch.id);
  });
}

function pickPolicy(input: Policy): Policy {
  const policy = {} as Policy;
  for (const key of POLICY_KEYS) policy[key] = input[key];
  return policy;
}
