// Password sign-in with throttling. Rules (OWASP authentication cheat sheet):
// - one message, and about the same time, for an unknown e-mail and a wrong password;
// - 10 failures for one account within 15 minutes lock it for 15 minutes;
// - one network address is limited too, but an account that has signed in from that address
//   recently is exempt, so that an attacker behind a branch's shared address cannot lock out the branch.
import { and, count, desc, eq, gt, max } from "drizzle-orm";
import { sessions, signInAttempts, users, type Role } from "../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { dummyPasswordHash, verifyPassword } from "./passwords.server";
import { createSession, purgeExpiredSessions, type SessionUser } from "./sessions.server";

export const ACCOUNT_FAILURE_LIMIT = 10;
export const ACCOUNT_WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_LOCK_MS = 15 * 60 * 1000;
export const ADDRESS_FAILURE_LIMIT = 50;
export const ADDRESS_WINDOW_MS = 15 * 60 * 1000;
export const TRUSTED_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;

export const INVALID_CREDENTIALS_MESSAGE = "The email or password is not correct.";

export type SignInInput = {
  /** The hash of a session this browser already had; it ends so that every sign-in starts a new id. */
  previousSessionHash?: string | null;
  email: string;
  password: string;
  ipAddress: string;
  userAgent?: string | null;
  secret: string;
  now: Date;
};

export type SignInResult =
  | { ok: true; token: string; expiresAt: Date; userId: number; role: Role; mustChangePassword: boolean }
  | { ok: false; reason: "invalid" | "locked" | "address-throttled"; message: string; retryAt?: Date };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function signIn(db: Db, input: SignInInput): Promise<SignInResult> {
  const email = normalizeEmail(input.email).slice(0, 254);
  const { now } = input;

  const lockedUntil = accountLockedUntil(db, email, now);
  if (lockedUntil) {
    recordRefusal(db, email, input.ipAddress, now, "auth.sign_in_refused_locked");
    return { ok: false, reason: "locked", retryAt: lockedUntil, message: lockedMessage(lockedUntil, now) };
  }
  const addressRetryAt = addressThrottledUntil(db, email, input.ipAddress, now);
  if (addressRetryAt) {
    recordRefusal(db, email, input.ipAddress, now, "auth.sign_in_refused_address");
    return {
      ok: false,
      reason: "address-throttled",
      retryAt: addressRetryAt,
      message: `Too many failed sign-ins from your network. Try again in ${minutesUntil(addressRetryAt, now)}.`,
    };
  }

  const user = db.select().from(users).where(eq(users.email, email)).get();
  // Always run the hash, even for an unknown account, so timing does not tell which it was.
  const passwordMatches = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));

  if (!user || !user.active || !passwordMatches) {
    const reason = !user ? "unknown_account" : !user.active ? "inactive_account" : "wrong_password";
    const locked = db.transaction(
      (tx) => {
        tx.insert(signInAttempts).values({ email, ipAddress: input.ipAddress, outcome: "failure", at: now }).run();
        recordAudit(tx, {
          actorId: user?.id ?? null,
          action: "auth.sign_in_failed",
          entity: "user",
          entityId: user?.id ?? null,
          detail: { email, reason },
          at: now,
        });
        const failures = recentFailures(tx, email, now);
        if (failures === ACCOUNT_FAILURE_LIMIT) {
          recordAudit(tx, {
            actorId: user?.id ?? null,
            action: "auth.account_locked",
            entity: "user",
            entityId: user?.id ?? null,
            detail: { email, failures, lockedMinutes: ACCOUNT_LOCK_MS / 60000 },
            at: now,
          });
          return true;
        }
        return false;
      },
      { behavior: "immediate" },
    );
    if (locked) {
      const retryAt = new Date(now.getTime() + ACCOUNT_LOCK_MS);
      return { ok: false, reason: "locked", retryAt, message: lockedMessage(retryAt, now) };
    }
    return { ok: false, reason: "invalid", message: INVALID_CREDENTIALS_MESSAGE };
  }

  return db.transaction(
    (tx) => {
      tx.insert(signInAttempts).values({ email, ipAddress: input.ipAddress, outcome: "success", at: now }).run();
      tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id)).run();
      if (input.previousSessionHash) tx.delete(sessions).where(eq(sessions.idHash, input.previousSessionHash)).run();
      purgeExpiredSessions(tx, now);
      const session = createSession(tx, {
        userId: user.id,
        secret: input.secret,
        now,
        ipAddress: input.ipAddress,
        userAgent: input.userAgent,
      });
      recordAudit(tx, { actorId: user.id, action: "auth.sign_in", entity: "user", entityId: user.id, at: now });
      return { ok: true as const, token: session.token, expiresAt: session.expiresAt, userId: user.id, role: user.role, mustChangePassword: user.mustChangePassword };
    },
    { behavior: "immediate" },
  );
}

export function signOut(db: Db, user: SessionUser, sessionHash: string, now: Date) {
  db.transaction(
    (tx) => {
      tx.delete(sessions).where(eq(sessions.idHash, sessionHash)).run();
      recordAudit(tx, { actorId: user.id, action: "auth.sign_out", entity: "user", entityId: user.id, at: now });
    },
    { behavior: "immediate" },
  );
}

/** Failures for this account since its last success, within the window. */
function recentFailures(db: DbOrTx, email: string, now: Date): number {
  const since = Math.max(now.getTime() - ACCOUNT_WINDOW_MS, lastSuccessAt(db, email));
  return (
    db
      .select({ n: count() })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.email, email), eq(signInAttempts.outcome, "failure"), gt(signInAttempts.at, new Date(since))))
      .get()?.n ?? 0
  );
}

function lastSuccessAt(db: DbOrTx, email: string): number {
  const row = db
    .select({ at: max(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.outcome, "success")))
    .get();
  return row?.at ? row.at.getTime() : 0;
}

/** Locked while 10 failures sit in the window; the lock ends 15 minutes after the last of them. */
export function accountLockedUntil(db: Db, email: string, now: Date): Date | null {
  if (recentFailures(db, email, now) < ACCOUNT_FAILURE_LIMIT) return null;
  const last = db
    .select({ at: signInAttempts.at })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.outcome, "failure")))
    .orderBy(desc(signInAttempts.at))
    .limit(1)
    .get();
  return last ? new Date(last.at.getTime() + ACCOUNT_LOCK_MS) : null;
}

function addressThrottledUntil(db: Db, email: string, ipAddress: string, now: Date): Date | null {
  const windowStart = new Date(now.getTime() - ADDRESS_WINDOW_MS);
  const failures = db
    .select({ n: count(), newest: max(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ipAddress, ipAddress), eq(signInAttempts.outcome, "failure"), gt(signInAttempts.at, windowStart)))
    .get();
  if (!failures || failures.n < ADDRESS_FAILURE_LIMIT) return null;
  const trusted = db
    .select({ n: count() })
    .from(signInAttempts)
    .where(
      and(
        eq(signInAttempts.email, email),
        eq(signInAttempts.ipAddress, ipAddress),
        eq(signInAttempts.outcome, "success"),
        gt(signInAttempts.at, new Date(now.getTime() - TRUSTED_ADDRESS_MS)),
      ),
    )
    .get();
  if (trusted && trusted.n > 0) return null;
  return new Date((failures.newest?.getTime() ?? now.getTime()) + ADDRESS_WINDOW_MS);
}

function recordRefusal(db: Db, email: string, ipAddress: string, now: Date, action: string) {
  db.transaction(
    (tx) => {
      tx.insert(signInAttempts).values({ email, ipAddress, outcome: "refused", at: now }).run();
      recordAudit(tx, { actorId: null, action, entity: "user", detail: { email }, at: now });
    },
    { behavior: "immediate" },
  );
}

function minutesUntil(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

function lockedMessage(until: Date, now: Date): string {
  return `This account is locked for 15 minutes after too many failed sign-ins. Try again in ${minutesUntil(until, now)}.`;
}
