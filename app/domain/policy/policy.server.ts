// Reading the policy: the organisation's defaults, a branch's overrides, and the effective values.
import { asc, eq } from "drizzle-orm";
import { branches, branchPolicyOverrides, policyDefaults } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import { POLICY_KEYS, type Policy, type PolicyKey } from "./policy";
import { firstRow } from "~/utils/query.server";

export type PolicySource = "organisation" | "branch";
export type EffectivePolicy = { policy: Policy; source: Record<PolicyKey, PolicySource>; overrides: Partial<Policy> };

/** The organisation's defaults (the migration inserts the row, so it always exists). */
export async function getPolicyDefaults(db: DbOrTx): Promise<Policy> {
  const row = await firstRow(db.select().from(policyDefaults).where(eq(policyDefaults.id, 1)).limit(1));
  if (!row) throw new Error("policy_defaults has no row: the database was not migrated");
  return pickPolicy(row);
}

/** The values a branch sets itself (only the keys it overrides). */
export async function getBranchOverrides(db: DbOrTx, branchId: number): Promise<Partial<Policy>> {
  const row = await firstRow(db.select().from(branchPolicyOverrides).where(eq(branchPolicyOverrides.branchId, branchId)).limit(1));
  const overrides: Partial<Policy> = {};
  if (!row) return overrides;
  for (const key of POLICY_KEYS) if (row[key] !== null) overrides[key] = row[key];
  return overrides;
}

/** The policy that applies in a branch, and where each value comes from. */
export async function getEffectivePolicy(db: DbOrTx, branchId: number): Promise<EffectivePolicy> {
  const defaults = await getPolicyDefaults(db);
  const overrides = await getBranchOverrides(db, branchId);
  const policy = { ...defaults };
  const source = {} as Record<PolicyKey, PolicySource>;
  for (const key of POLICY_KEYS) {
    const override = overrides[key];
    source[key] = override === undefined ? "organisation" : "branch";
    if (override !== undefined) policy[key] = override;
  }
  return { policy, source, overrides };
}

/** Every branch with how many settings it overrides, by region and name (the policy index). */
export async function listBranchPolicySummaries(db: DbOrTx) {
  const rows = await db
    .select({ id: branches.id, code: branches.code, name: branches.name, region: branches.region, active: branches.active, overrides: branchPolicyOverrides })
    .from(branches)
    .leftJoin(branchPolicyOverrides, eq(branchPolicyOverrides.branchId, branches.id))
    .orderBy(asc(branches.region), asc(branches.name));
  return rows.map(({ overrides, ...branch }) => ({
    ...branch,
    overrideCount: overrides ? POLICY_KEYS.filter((key) => overrides[key] !== null).length : 0,
  }));
}

function pickPolicy(row: Record<PolicyKey, number>): Policy {
  const policy = {} as Policy;
  for (const key of POLICY_KEYS) policy[key] = row[key];
  return policy;
}
