import { and, asc, count, eq, like, or, type SQL } from "drizzle-orm";
import { branches, ROLES, users, type Role, type User } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { roleNeedsBranch } from "./admin-schemas";
import { recordAudit } from "../core/audit.server";
import { endDelegationsOfUser, rerouteBranches } from "../approvals/delegations.server";
import { DomainError } from "../core/errors";
import { generateOneTimePassword, newPasswordProblem } from "../identity/password-policy.server";
import { hashPassword, verifyPassword, type ScryptParams } from "../identity/passwords.server";
import { can } from "../core/permissions";
import { DELEGATE_ROLES } from "../approvals/routing.server";
import { endAllSessionsOf, endOtherSessionsOf, type SessionUser } from "../identity/sessions.server";
import { normalizeEmail } from "../identity/sign-in.server";
import { returnedRow, firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export type UserListFilter = { query?: string; role?: Role; page: number; pageSize: number };

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Users by name or e-mail prefix, with their branch; paginated. */
export async function listUsers(db: Db, filter: UserListFilter) {
  const conditions: SQL[] = [];
  const query = filter.query?.trim().toLowerCase();
  if (query) {
    const pattern = `${escapeLike(query)}%`;
    conditions.push(or(like(users.email, pattern), like(users.name, pattern), like(users.name, `% ${pattern}`))!);
  }
  if (filter.role && ROLES.includes(filter.role)) conditions.push(eq(users.role, filter.role));
  const where = conditions.length ? and(...conditions) : undefined;
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: users.active,
      mustChangePassword: users.mustChangePassword,
      lastSignInAt: users.lastSignInAt,
      branchName: branches.name,
    })
    .from(users)
    .leftJoin(branches, eq(branches.id, users.branchId))
    .where(where)
    .orderBy(asc(users.name), asc(users.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  const total = (await firstRow(db.select({ n: count() }).from(users).where(where).limit(1)))?.n ?? 0;
  return { rows, total };
}

// ---------------------------------------------------------------------------------------------
// Administration of users. Each change is one immediate transaction that re-reads the user,
// checks the actor's right and the rules, writes, and records before/after values in the audit.

export type Actor = Pick<SessionUser, "id" | "role">;

export type UserInput = { name: string; role: Role; branchId?: number | null };

function requireUsersManage(actor: Actor) {
  if (!can(actor.role, "users:manage")) throw new DomainError("FORBIDDEN", "Only administrators manage users.");
}

async function readUser(tx: DbOrTx, userId: number): Promise<User> {
  const user = await firstRow(tx.select().from(users).where(eq(users.id, userId)).limit(1));
  if (!user) throw new DomainError("NOT_FOUND", "This user does not exist.");
  return user;
}

/** Staff and managers need an active branch; finance and admins have none. Returns the branch id to store. */
async function checkBranchForRole(tx: DbOrTx, role: Role, branchId: number | null | undefined, currentBranchId: number | null = null): Promise<number | null> {
  if (!roleNeedsBranch(role)) {
    if (branchId != null) throw new DomainError("VALIDATION", "Finance and administrators work across branches: leave the branch empty.", { field: "branchId" });
    return null;
  }
  if (branchId == null) throw new DomainError("VALIDATION", "Staff and branch managers belong to a branch: choose one.", { field: "branchId" });
  const branch = await firstRow(tx.select({ id: branches.id, active: branches.active }).from(branches).where(eq(branches.id, branchId)).limit(1));
  if (!branch) throw new DomainError("VALIDATION", "Choose a branch from the list.", { field: "branchId" });
  // Keeping someone in a branch that was deactivated later is allowed; moving them into one is not.
  if (!branch.active && branch.id !== currentBranchId) {
    throw new DomainError("VALIDATION", "This branch is deactivated: choose an active branch.", { field: "branchId" });
  }
  return branch.id;
}

async function countActiveAdmins(tx: DbOrTx): Promise<number> {
  return (
    (
      await firstRow(
        tx
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.role, "admin"), eq(users.active, true)))
          .limit(1),
      )
    )?.n ?? 0
  );
}

async function branchCode(tx: DbOrTx, branchId: number | null): Promise<string | null> {
  if (branchId == null) return null;
  return (await firstRow(tx.select({ code: branches.code }).from(branches).where(eq(branches.id, branchId)).limit(1)))?.code ?? null;
}

export type CreatedUser = { user: User; oneTimePassword: string };

/**
 * Creates a user with a generated one-time password that must be changed at the first sign-in.
 * The password is returned once, for the admin to hand over; only its hash is stored.
 */
export async function createUserWithOneTimePassword(db: Db, actor: Actor, input: UserInput & { email: string }, now: Date, options: { scrypt?: ScryptParams } = {}): Promise<CreatedUser> {
  requireUsersManage(actor);
  const oneTimePassword = generateOneTimePassword();
  // Hash before the transaction: better-sqlite3 transactions must stay synchronous.
  const passwordHash = await hashPassword(oneTimePassword, options.scrypt);
  const email = normalizeEmail(input.email);
  const user = await writeTransaction(db, async (tx) => {
    const existing = await firstRow(tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1));
    if (existing) throw new DomainError("CONFLICT", "A user with this email address already exists.", { field: "email" });
    const branchId = await checkBranchForRole(tx, input.role, input.branchId);
    const created = await returnedRow(tx.insert(users).values({ email, name: input.name.trim(), role: input.role, branchId, passwordHash, mustChangePassword: true, createdAt: now }).returning());
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.created",
      entity: "user",
      entityId: created.id,
      detail: { email, name: created.name, role: created.role, branch: await branchCode(tx, branchId), mustChangePassword: true },
      at: now,
    });
    return created;
  });
  return { user, oneTimePassword };
}

/** Issues a new one-time password (the user forgot theirs): old sessions end, a change is required. */
export async function resetPasswordWithOneTimePassword(db: Db, actor: Actor, input: { userId: number }, now: Date, options: { scrypt?: ScryptParams } = {}): Promise<CreatedUser> {
  requireUsersManage(actor);
  if (input.userId === actor.id) throw new DomainError("INVALID_STATE", "Change your own password on the Change password page.");
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword, options.scrypt);
  const user = await writeTransaction(db, async (tx) => {
    const before = await readUser(tx, input.userId);
    if (!before.active) throw new DomainError("INVALID_STATE", "Reactivate this user before issuing a new password.");
    const after = await returnedRow(tx.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, before.id)).returning());
    await endAllSessionsOf(tx, before.id);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.password_reset",
      entity: "user",
      entityId: before.id,
      detail: { email: before.email, mustChangePasswordBefore: before.mustChangePassword, mustChangePasswordAfter: true, sessionsEnded: true },
      at: now,
    });
    return after;
  });
  return { user, oneTimePassword };
}

/** Changes a user's name, role or branch. The last active administrator keeps the admin role. */
export async function updateUser(db: Db, actor: Actor, input: UserInput & { userId: number }, now: Date): Promise<User> {
  requireUsersManage(actor);
  return await writeTransaction(db, async (tx) => {
    const before = await readUser(tx, input.userId);
    const branchId = await checkBranchForRole(tx, input.role, input.branchId, before.branchId);
    if (before.role === "admin" && input.role !== "admin" && before.active && (await countActiveAdmins(tx)) <= 1) {
      throw new DomainError("INVALID_STATE", "This is the last active administrator: make someone else an administrator first.", { field: "role" });
    }
    const name = input.name.trim();
    if (name === before.name && input.role === before.role && branchId === before.branchId) return before;
    const after = await returnedRow(tx.update(users).set({ name, role: input.role, branchId }).where(eq(users.id, before.id)).returning());
    const detail: Record<string, string | null> = {};
    if (name !== before.name) Object.assign(detail, { nameBefore: before.name, nameAfter: name });
    if (input.role !== before.role) Object.assign(detail, { roleBefore: before.role, roleAfter: input.role });
    if (branchId !== before.branchId) Object.assign(detail, { branchBefore: await branchCode(tx, before.branchId), branchAfter: await branchCode(tx, branchId) });
    await recordAudit(tx, { actorId: actor.id, action: "user.updated", entity: "user", entityId: before.id, detail, at: now });
    if (before.active && (input.role !== before.role || branchId !== before.branchId)) await rerouteAfterChange(tx, actor, before, after, now);
    return after;
  });
}

/**
 * After an active user's role or branch changed: a manager who left a branch (or stopped being a
 * manager) ends the delegations they gave; someone who can no longer be a delegate ends the ones
 * they hold; then the branches they left and joined reroute their pending proposals.
 */
async function rerouteAfterChange(tx: DbOrTx, actor: Actor, before: User, after: User, now: Date) {
  const wasManager = before.role === "manager";
  const affected = await endDelegationsOfUser(
    tx,
    {
      userId: before.id,
      asManager: wasManager,
      asDelegate: !(DELEGATE_ROLES as readonly Role[]).includes(after.role),
      actorId: actor.id,
      reason: "user_changed",
    },
    now,
  );
  if (wasManager && before.branchId !== null) affected.push(before.branchId);
  if (after.role === "manager" && after.branchId !== null) affected.push(after.branchId);
  await rerouteBranches(tx, affected, actor.id, "user_changed", now);
}

/** Deactivates a user: they cannot sign in, and every session of theirs ends at once. */
export async function deactivateUser(db: Db, actor: Actor, input: { userId: number }, now: Date): Promise<User> {
  requireUsersManage(actor);
  if (input.userId === actor.id) throw new DomainError("INVALID_STATE", "You cannot deactivate yourself. Ask another administrator.");
  return await writeTransaction(db, async (tx) => {
    const before = await readUser(tx, input.userId);
    if (!before.active) throw new DomainError("INVALID_STATE", "This user is already deactivated.");
    if (before.role === "admin" && (await countActiveAdmins(tx)) <= 1) {
      throw new DomainError("INVALID_STATE", "This is the last active administrator: make someone else an administrator first.");
    }
    const after = await returnedRow(tx.update(users).set({ active: false }).where(eq(users.id, before.id)).returning());
    await endAllSessionsOf(tx, before.id);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.deactivated",
      entity: "user",
      entityId: before.id,
      detail: { email: before.email, activeBefore: true, activeAfter: false, sessionsEnded: true },
      at: now,
    });
    // Their approvals pass to another manager of the branch, or to finance; their delegations end.
    const affected = await endDelegationsOfUser(tx, { userId: before.id, asManager: before.role === "manager", asDelegate: true, actorId: actor.id, reason: "user_deactivated" }, now);
    if (before.role === "manager" && before.branchId !== null) affected.push(before.branchId);
    await rerouteBranches(tx, affected, actor.id, "user_deactivated", now);
    return after;
  });
}

/** Lets a deactivated user sign in again (with their old password), unless their branch has closed. */
export async function reactivateUser(db: Db, actor: Actor, input: { userId: number }, now: Date): Promise<User> {
  requireUsersManage(actor);
  return await writeTransaction(db, async (tx) => {
    const before = await readUser(tx, input.userId);
    if (before.active) throw new DomainError("INVALID_STATE", "This user is already active.");
    if (before.branchId != null) {
      const branch = await firstRow(tx.select({ active: branches.active }).from(branches).where(eq(branches.id, before.branchId)).limit(1));
      if (branch && !branch.active) {
        throw new DomainError("INVALID_STATE", "This user's branch is deactivated: move them to an active branch first.");
      }
    }
    const after = await returnedRow(tx.update(users).set({ active: true }).where(eq(users.id, before.id)).returning());
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.reactivated",
      entity: "user",
      entityId: before.id,
      detail: { email: before.email, activeBefore: false, activeAfter: true },
      at: now,
    });
    // A returning manager may take back proposals that went to finance while nobody could decide them.
    if (after.role === "manager" && after.branchId !== null) await rerouteBranches(tx, [after.branchId], actor.id, "user_reactivated", now);
    return after;
  });
}

/** One user for the admin's detail page (never the password hash). */
export async function getUserForAdmin(db: Db, userId: number) {
  const row = await firstRow(
    db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        branchId: users.branchId,
        active: users.active,
        mustChangePassword: users.mustChangePassword,
        lastSignInAt: users.lastSignInAt,
        createdAt: users.createdAt,
        branchName: branches.name,
      })
      .from(users)
      .leftJoin(branches, eq(branches.id, users.branchId))
      .where(eq(users.id, userId))
      .limit(1),
  );
  if (!row) throw new DomainError("NOT_FOUND", "This user does not exist.");
  return row;
}

/**
 * A user changes their own password. The current one must be right, the new one must pass the
 * rules and differ from the current one. Every other session of theirs ends; this one stays.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Pick<SessionUser, "id">,
  input: { currentPassword: string; newPassword: string; keepSessionHash: string | null },
  now: Date,
  options: { scrypt?: ScryptParams } = {},
): Promise<User> {
  const user = await readUser(db, actor.id);
  if (!user.active) throw new DomainError("FORBIDDEN", "This account is deactivated.");
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new DomainError("VALIDATION", "Your current password is not correct.", { field: "currentPassword" });
  }
  const problem = newPasswordProblem(input.newPassword, user);
  if (problem) throw new DomainError("VALIDATION", problem, { field: "newPassword" });
  if (input.newPassword === input.currentPassword) {
    throw new DomainError("VALIDATION", "Choose a password different from the current one.", { field: "newPassword" });
  }
  const passwordHash = await hashPassword(input.newPassword, options.scrypt);
  return await writeTransaction(db, async (tx) => {
    const before = await readUser(tx, actor.id);
    // Someone else changed it meanwhile (an admin's reset): the current password checked above is stale.
    if (before.passwordHash !== user.passwordHash) {
      throw new DomainError("CONFLICT", "Your password was changed meanwhile. Sign in again.", { field: "currentPassword" });
    }
    const after = await returnedRow(tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, before.id)).returning());
    await endOtherSessionsOf(tx, before.id, input.keepSessionHash);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.password_changed",
      entity: "user",
      entityId: before.id,
      detail: { mustChangePasswordBefore: before.mustChangePassword, mustChangePasswordAfter: false, otherSessionsEnded: true },
      at: now,
    });
    return after;
  });
}
