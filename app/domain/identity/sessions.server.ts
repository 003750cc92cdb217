// Server-side sessions: a random 256-bit token lives only in the user's cookie; the database keeps
// its keyed hash, so a copy of the database does not hand out live sessions.
import { createHmac, randomBytes } from "node:crypto";
import { and, count, eq, lt, ne, or } from "drizzle-orm";
import { branches, sessions, users, type Branch, type SignInMethod, type User } from "../../../db/schema";
import { writeTransaction, type Db, type DbOrTx } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** Refresh last-seen at most this often, so that reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export function hashSessionToken(token: string, secret: string): string {
  return createHmac("sha256", secret).update(token).digest("hex");
}

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export type SessionUser = Pick<User, "id" | "email" | "name" | "role" | "branchId" | "lastSignInAt" | "mustChangePassword"> & {
  branch: Pick<Branch, "id" | "code" | "name" | "region"> | null;
};

/** Creates a session row for a new random token (call inside the sign-in transaction). */
export async function createSession(
  tx: DbOrTx,
  input: { userId: number; secret: string; now: Date; ipAddress?: string | null; userAgent?: string | null; method?: SignInMethod },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken();
  const expiresAt = new Date(input.now.getTime() + SESSION_ABSOLUTE_MS);
  await tx.insert(sessions).values({
    idHash: hashSessionToken(token, input.secret),
    userId: input.userId,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt,
    ipAddress: input.ipAddress ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    signInMethod: input.method ?? "password",
  });
  return { token, expiresAt };
}

export type SessionLookup = { status: "active"; user: SessionUser; sessionHash: string; signInMethod: SignInMethod } | { status: "expired" } | { status: "none" };

/**
 * Resolves a cookie token to its user. Idle or absolutely expired sessions are reported as
 * expired, and sessions of deactivated users as none; neither signs anyone in.
 */
export async function lookupSession(db: Db, token: string | null | undefined, secret: string, now: Date): Promise<SessionLookup> {
  if (!token || token.length > 100) return { status: "none" };
  const idHash = hashSessionToken(token, secret);
  const row = await firstRow(
    db
      .select({ session: sessions, user: users, branch: branches })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .leftJoin(branches, eq(branches.id, users.branchId))
      .where(eq(sessions.idHash, idHash))
      .limit(1),
  );
  if (!row) return { status: "none" };
  const idle = now.getTime() - row.session.lastSeenAt.getTime() > SESSION_IDLE_MS;
  const absolute = now.getTime() >= row.session.expiresAt.getTime();
  // Expired rows are left for purgeExpiredSessions: the root and page loaders look the session up
  // in parallel, and both must see "expired" (not one "expired" and the other "none").
  if (!row.user.active) return { status: "none" };
  if (idle || absolute) return { status: "expired" };
  if (now.getTime() - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await writeTransaction(db, async (tx) => {
      await tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
    });
  }
  const { user, branch } = row;
  return {
    status: "active",
    sessionHash: idHash,
    signInMethod: row.session.signInMethod,
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      branchId: user.branchId,
      lastSignInAt: user.lastSignInAt,
      mustChangePassword: user.mustChangePassword,
      branch: branch ? { id: branch.id, code: branch.code, name: branch.name, region: branch.region } : null,
    },
  };
}

export async function deleteSession(tx: DbOrTx, sessionHash: string) {
  await tx.delete(sessions).where(eq(sessions.idHash, sessionHash));
}

/** Ends every session of a user at once (deactivation, password change). */
export async function endAllSessionsOf(tx: DbOrTx, userId: number) {
  await tx.delete(sessions).where(eq(sessions.userId, userId));
}

/** Ends every session of a user but the one in use (their own password change). */
export async function endOtherSessionsOf(tx: DbOrTx, userId: number, keepSessionHash: string | null) {
  await tx.delete(sessions).where(keepSessionHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepSessionHash)) : eq(sessions.userId, userId));
}

/** Housekeeping: removes sessions past either expiry. */
export async function purgeExpiredSessions(db: DbOrTx, now: Date): Promise<number> {
  return (await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS))))).changes;
}

export async function countSessionsOf(db: Db, userId: number): Promise<number> {
  return (await firstRow(db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)).limit(1)))?.n ?? 0;
}
