import { and, asc, count, eq, sql } from "drizzle-orm";
import { branches, users } from "../../db/schema";
import type { Db } from "~/utils/db.server";
import { DomainError } from "./errors";

export function getBranchWithTeam(db: Db, branchId: number) {
  const branch = db.select().from(branches).where(eq(branches.id, branchId)).get();
  if (!branch) throw new DomainError("NOT_FOUND", "This branch does not exist.");
  const team = db
    .select({ id: users.id, name: users.name, role: users.role, lastSignInAt: users.lastSignInAt })
    .from(users)
    .where(and(eq(users.branchId, branchId), eq(users.active, true)))
    .orderBy(sql`case ${users.role} when 'manager' then 0 else 1 end`, asc(users.name))
    .limit(200)
    .all();
  return { branch, team };
}

/** Every branch with its active staff and managers, grouped by region in the caller. */
export function listBranchesWithHeadcount(db: Db) {
  return db
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
    .orderBy(asc(branches.region), asc(branches.name))
    .all();
}

export function countBranches(db: Db): number {
  return db.select({ n: count() }).from(branches).get()?.n ?? 0;
}
