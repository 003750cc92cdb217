import { and, asc, count, eq, sql } from "drizzle-orm";
import { branches, budgetPeriods, budgetPools, ledgerEntries, users, type Branch, type Role } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { DomainError } from "../core/errors";
import { balanceColumns } from "../budget/ledger.server";
import { formatMoney } from "../core/money";
import { getOrganisation } from "../core/organisation.server";
import { can } from "../core/permissions";
import { returnedRow, firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export async function getBranchWithTeam(db: Db, branchId: number) {
  const branch = await firstRow(db.select().from(branches).where(eq(branches.id, branchId)).limit(1));
  if (!branch) throw new DomainError("NOT_FOUND", "This branch does not exist.");
  const team = await db
    .select({ id: users.id, name: users.name, role: users.role, lastSignInAt: users.lastSignInAt })
    .from(users)
    .where(and(eq(users.branchId, branchId), eq(users.active, true)))
    .orderBy(sql`case ${users.role} when 'manager' then 0 else 1 end`, asc(users.name))
    .limit(200);
  return { branch, team };
}

/** Every branch with its active staff and managers, grouped by region in the caller. */
export async function listBranchesWithHeadcount(db: Db) {
  return await db
    .select({
      id: branches.id,
      code: branches.code,
      name: branches.name,
      region: branches.region,
      active: branches.active,
      staff: sql<number>`count(case when ${users.role} = 'staff' then 1 end)`,
      managers: sql<number>`count(case when ${users.role} = 'manager' then 1 end)`,
    })
    .from(branches)
    .leftJoin(users, and(eq(users.branchId, branches.id), eq(users.active, true)))
    .groupBy(branches.id)
    .orderBy(asc(branches.region), asc(branches.name));
}

// ---------------------------------------------------------------------------------------------
// Administration of branches: create, rename, set region, deactivate and reactivate.

export type BranchActor = { id: number; role: Role };

function requireBranchesManage(actor: BranchActor) {
  if (!can(actor.role, "branches:manage")) throw new DomainError("FORBIDDEN", "Only administrators manage branches.");
}

export async function getBranch(db: Db, branchId: number): Promise<Branch> {
  const branch = await firstRow(db.select().from(branches).where(eq(branches.id, branchId)).limit(1));
  if (!branch) throw new DomainError("NOT_FOUND", "This branch does not exist.");
  return branch;
}

/** Active branches for pickers (assigning a user), by name. */
export async function listActiveBranches(db: Db) {
  return await db.select({ id: branches.id, code: branches.code, name: branches.name }).from(branches).where(eq(branches.active, true)).orderBy(asc(branches.name));
}

export async function createBranch(db: Db, actor: BranchActor, input: { code: string; name: string; region: string }, now: Date): Promise<Branch> {
  requireBranchesManage(actor);
  const code = input.code.trim().toUpperCase();
  return await writeTransaction(db, async (tx) => {
    const taken = await firstRow(tx.select({ id: branches.id }).from(branches).where(eq(branches.code, code)).limit(1));
    if (taken) throw new DomainError("CONFLICT", `The code ${code} is already used by another branch.`, { field: "code" });
    const branch = await returnedRow(tx.insert(branches).values({ code, name: input.name.trim(), region: input.region.trim(), createdAt: now }).returning());
    await recordAudit(tx, {
      actorId: actor.id,
      action: "branch.created",
      entity: "branch",
      entityId: branch.id,
      detail: { code, name: branch.name, region: branch.region },
      at: now,
    });
    return branch;
  });
}

/** Renames a branch or moves it to another region (its code never changes: exports refer to it). */
export async function updateBranch(db: Db, actor: BranchActor, input: { branchId: number; name: string; region: string }, now: Date): Promise<Branch> {
  requireBranchesManage(actor);
  return await writeTransaction(db, async (tx) => {
    const before = await firstRow(tx.select().from(branches).where(eq(branches.id, input.branchId)).limit(1));
    if (!before) throw new DomainError("NOT_FOUND", "This branch does not exist.");
    const name = input.name.trim();
    const region = input.region.trim();
    if (name === before.name && region === before.region) return before;
    const after = await returnedRow(tx.update(branches).set({ name, region }).where(eq(branches.id, before.id)).returning());
    const detail: Record<string, string> = { code: before.code };
    if (name !== before.name) Object.assign(detail, { nameBefore: before.name, nameAfter: name });
    if (region !== before.region) Object.assign(detail, { regionBefore: before.region, regionAfter: region });
    await recordAudit(tx, { actorId: actor.id, action: "branch.updated", entity: "branch", entityId: before.id, detail, at: now });
    return after;
  });
}

/**
 * Why a branch cannot be deactivated yet, in words that say what to do first, or null. Money
 * must not be stranded: no open holds and no unspent balance in a pool of an open period, and
 * nobody still working there.
 */
export async function branchDeactivationBlocker(tx: DbOrTx, branch: Pick<Branch, "id" | "name">): Promise<string | null> {
  const { currency } = await getOrganisation(tx);
  const pools = await tx
    .select({ poolId: budgetPools.id, startsOn: budgetPeriods.startsOn, ...balanceColumns })
    .from(budgetPools)
    .innerJoin(budgetPeriods, eq(budgetPeriods.id, budgetPools.periodId))
    .leftJoin(ledgerEntries, eq(ledgerEntries.poolId, budgetPools.id))
    .where(and(eq(budgetPools.branchId, branch.id), eq(budgetPeriods.status, "open")))
    .groupBy(budgetPools.id, budgetPeriods.id);
  const committed = pools.reduce((sum, pool) => sum + pool.committed, 0);
  if (committed > 0) {
    return `${branch.name} has open holds of ${formatMoney(committed, currency)} on its budget. Fulfil, cancel or release those gestures first.`;
  }
  const available = pools.reduce((sum, pool) => sum + pool.available, 0);
  if (available > 0) {
    return `${branch.name} still has ${formatMoney(available, currency)} unspent in an open budget period. Ask finance to adjust the pool to zero or close the period first.`;
  }
  const people =
    (
      await firstRow(
        tx
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.branchId, branch.id), eq(users.active, true)))
          .limit(1),
      )
    )?.n ?? 0;
  if (people > 0) {
    return `${people === 1 ? "1 active user works" : `${people} active users work`} at ${branch.name}. Move them to another branch or deactivate them first.`;
  }
  return null;
}

/** Deactivates a branch (refused while money or people are still attached) or reactivates it. */
export async function setBranchActive(db: Db, actor: BranchActor, input: { branchId: number; active: boolean }, now: Date): Promise<Branch> {
  requireBranchesManage(actor);
  return await writeTransaction(db, async (tx) => {
    const before = await firstRow(tx.select().from(branches).where(eq(branches.id, input.branchId)).limit(1));
    if (!before) throw new DomainError("NOT_FOUND", "This branch does not exist.");
    if (before.active === input.active) return before;
    if (!input.active) {
      const blocker = await branchDeactivationBlocker(tx, before);
      if (blocker) throw new DomainError("INVALID_STATE", blocker);
    }
    const after = await returnedRow(tx.update(branches).set({ active: input.active }).where(eq(branches.id, before.id)).returning());
    await recordAudit(tx, {
      actorId: actor.id,
      action: input.active ? "branch.reactivated" : "branch.deactivated",
      entity: "branch",
      entityId: before.id,
      detail: { code: before.code, activeBefore: before.active, activeAfter: input.active },
      at: now,
    });
    return after;
  });
}
