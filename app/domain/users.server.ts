import { and, asc, count, eq, like, or, type SQL } from "drizzle-orm";
import { branches, ROLES, users, type Role } from "../../db/schema";
import type { Db } from "~/utils/db.server";

export type UserListFilter = { query?: string; role?: Role; page: number; pageSize: number };

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Users by name or e-mail prefix, with their branch; paginated. */
export function listUsers(db: Db, filter: UserListFilter) {
  const conditions: SQL[] = [];
  const query = filter.query?.trim().toLowerCase();
  if (query) {
    const pattern = `${escapeLike(query)}%`;
    conditions.push(or(like(users.email, pattern), like(users.name, pattern), like(users.name, `% ${pattern}`))!);
  }
  if (filter.role && ROLES.includes(filter.role)) conditions.push(eq(users.role, filter.role));
  const where = conditions.length ? and(...conditions) : undefined;
  const rows = db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: users.active,
      lastSignInAt: users.lastSignInAt,
      branchName: branches.name,
    })
    .from(users)
    .leftJoin(branches, eq(branches.id, users.branchId))
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .all();
  const total = db.select({ n: count() }).from(users).where(where).get()?.n ?? 0;
  return { rows, total };
}
