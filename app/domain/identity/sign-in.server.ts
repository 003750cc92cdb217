// Password sign-in with throttling. Rules (OWASP authentication cheat sheet):
// - one message, and about the same time, for an unknown e-mail and a wrong password;
// - 10 failures for one account within 15 minutes lock it for 15 minutes;
// - one network address is limited too, but an account that has signed in from that address
//   recently is exempt, so that an attacker behind a branch's shared address cannot lock out the branch;
// - with a second factor (the user has one, or the organisation requires one), the right password
//   leads to a pending sign-in, not a session; the code step counts its failures the same way.
import { and, count, desc, eq, gt, lt, max } from "drizzle-orm";
import { pendingSignIns, sessions, signInAttempts, users, type PendingSignInStage, type Role, type SignInMethod, type User } from "../../../db/schema";
import type { Db, DbOrTx, Tx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { getOrganisation } from "../core/organisation.server";
import { dummyPasswordHash, verifyPassword } from "./passwords.server";
import { decryptFactorSecret, encryptFactorSecret, hasSecondFactor, newTotpSecret, normaliseCode, spendCode, storeSecondFactor, totpStepForUser, totpStepOf } from "./second-factor.server";
import { createSession, hashSessionToken, newSessionToken, purgeExpiredSessions, type SessionUser } from "./sessions.server";
import { writeTransaction } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

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
  /** Where to go after a second factor, kept with the pending sign-in. */
  redirectTo?: string | null;
  now: Date;
};

export type SessionStarted = { ok: true; token: string; expiresAt: Date; userId: number; role: Role; mustChangePassword: boolean };
export type Refusal = { ok: false; reason: "invalid" | "locked" | "address-throttled"; message: string; retryAt?: Date };
/** The password was right; no session exists yet. The browser keeps `pendingToken` for the code step. */
export type SecondFactorNeeded = {
  ok: false;
  reason: "second-factor";
  stage: PendingSignInStage;
  pendingToken: string;
  expiresAt: Date;
  message: string;
};
export type SignInResult = SessionStarted | SecondFactorNeeded | Refusal;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function signIn(db: Db, input: SignInInput): Promise<SignInResult> {
  const email = normalizeEmail(input.email).slice(0, 254);
  const { now } = input;

  const lockedUntil = await accountLockedUntil(db, email, now);
  if (lockedUntil) {
    await recordRefusal(db, email, input.ipAddress, now, "auth.sign_in_refused_locked");
    return { ok: false, reason: "locked", retryAt: lockedUntil, message: lockedMessage(lockedUntil, now) };
  }
  const addressRetryAt = await addressThrottledUntil(db, email, input.ipAddress, now);
  if (addressRetryAt) {
    await recordRefusal(db, email, input.ipAddress, now, "auth.sign_in_refused_address");
    return {
      ok: false,
      reason: "address-throttled",
      retryAt: addressRetryAt,
      message: `Too many failed sign-ins from your network. Try again in ${minutesUntil(addressRetryAt, now)}.`,
    };
  }

  const user = await firstRow(db.select().from(users).where(eq(users.email, email)).limit(1));
  // Always run the hash, even for an unknown account (or one that signs in only through single
  // sign-on), so timing does not tell which it was.
  const usable = user?.passwordHash.startsWith("scrypt$") ? user.passwordHash : null;
  const passwordMatches = (await verifyPassword(input.password, usable ?? (await dummyPasswordHash()))) && usable !== null;

  if (!user || !user.active || !passwordMatches) {
    const reason = !user ? "unknown_account" : !user.active ? "inactive_account" : "wrong_password";
    return await recordFailure(db, { email, userId: user?.id ?? null, ipAddress: input.ipAddress, reason, now });
  }

  // A second factor, when the user has one or the organisation requires it: no session yet, only
  // a short-lived pending sign-in that the code step completes.
  const factor = await hasSecondFactor(db, user.id);
  if (factor || (await getOrganisation(db)).secondFactorRequired) {
    return await writeTransaction(db, async (tx) => {
      const stage: PendingSignInStage = factor ? "verify" : "enrol";
      const pending = await createPendingSignIn(tx, { userId: user.id, stage, redirectTo: input.redirectTo ?? null, ...input });
      await recordAudit(tx, { actorId: user.id, action: "auth.password_accepted", entity: "user", entityId: user.id, detail: { next: stage }, at: now });
      return {
        ok: false as const,
        reason: "second-factor" as const,
        stage,
        pendingToken: pending.token,
        expiresAt: pending.expiresAt,
        message: stage === "verify" ? "Enter the code from your authenticator app." : "Set up two-step sign-in to continue.",
      };
    });
  }

  return await writeTransaction(
    db,
    async (tx) =>
      await startSession(tx, {
        user,
        ipAddress: input.ipAddress,
        userAgent: input.userAgent,
        secret: input.secret,
        previousSessionHash: input.previousSessionHash,
        method: "password",
        now,
      }),
  );
}

/** A failed attempt (password or code): counted for the account and the address; the tenth locks the account. */
async function recordFailure(db: Db, input: { email: string; userId: number | null; ipAddress: string; reason: string; now: Date; action?: string }): Promise<Refusal> {
  const { email, now } = input;
  const locked = await writeTransaction(db, async (tx) => {
    await tx.insert(signInAttempts).values({ email, ipAddress: input.ipAddress, outcome: "failure", at: now });
    await recordAudit(tx, {
      actorId: input.userId,
      action: input.action ?? "auth.sign_in_failed",
      entity: "user",
      entityId: input.userId,
      detail: { email, reason: input.reason },
      at: now,
    });
    const failures = await recentFailures(tx, email, now);
    if (failures === ACCOUNT_FAILURE_LIMIT) {
      // The account is locked: a waiting code step must start again from the password.
      if (input.userId !== null) await tx.delete(pendingSignIns).where(eq(pendingSignIns.userId, input.userId));
      await recordAudit(tx, {
        actorId: input.userId,
        action: "auth.account_locked",
        entity: "user",
        entityId: input.userId,
        detail: { email, failures, lockedMinutes: ACCOUNT_LOCK_MS / 60000 },
        at: now,
      });
      return true;
    }
    return false;
  });
  if (locked) {
    const retryAt = new Date(now.getTime() + ACCOUNT_LOCK_MS);
    return { ok: false, reason: "locked", retryAt, message: lockedMessage(retryAt, now) };
  }
  return { ok: false, reason: "invalid", message: INVALID_CREDENTIALS_MESSAGE };
}

/**
 * The one way every sign-in path (password, password and code, single sign-on) ends: a success
 * is counted, the browser's previous session ends, and a new session starts. Same expiry, same
 * sign-out, same deactivation rules whatever the path. Call inside an immediate transaction.
 */
export async function startSession(
  tx: Tx,
  input: {
    user: Pick<User, "id" | "email" | "role" | "mustChangePassword">;
    ipAddress: string;
    userAgent?: string | null;
    secret: string;
    previousSessionHash?: string | null;
    method: SignInMethod;
    detail?: Record<string, string>;
    now: Date;
  },
): Promise<SessionStarted> {
  const { user, now } = input;
  await tx.insert(signInAttempts).values({ email: user.email, ipAddress: input.ipAddress, outcome: "success", at: now });
  await tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
  if (input.previousSessionHash) await tx.delete(sessions).where(eq(sessions.idHash, input.previousSessionHash));
  await purgeExpiredSessions(tx, now);
  await tx.delete(pendingSignIns).where(lt(pendingSignIns.expiresAt, now));
  const session = await createSession(tx, {
    userId: user.id,
    secret: input.secret,
    now,
    ipAddress: input.ipAddress,
    userAgent: input.userAgent,
    method: input.method,
  });
  await recordAudit(tx, {
    actorId: user.id,
    action: "auth.sign_in",
    entity: "user",
    entityId: user.id,
    detail: input.method === "password" && !input.detail ? undefined : { method: input.method, ...input.detail },
    at: now,
  });
  return { ok: true, token: session.token, expiresAt: session.expiresAt, userId: user.id, role: user.role, mustChangePassword: user.mustChangePassword };
}

// ---- the second step of a password sign-in ----

export const PENDING_SIGN_IN_MS = 10 * 60 * 1000;

async function createPendingSignIn(tx: Tx, input: { userId: number; stage: PendingSignInStage; redirectTo: string | null; ipAddress: string; userAgent?: string | null; secret: string; now: Date }) {
  const token = newSessionToken();
  const expiresAt = new Date(input.now.getTime() + PENDING_SIGN_IN_MS);
  await tx.delete(pendingSignIns).where(lt(pendingSignIns.expiresAt, input.now));
  await tx.insert(pendingSignIns).values({
    idHash: hashSessionToken(token, input.secret),
    userId: input.userId,
    stage: input.stage,
    redirectTo: input.redirectTo?.slice(0, 2000) ?? null,
    ipAddress: input.ipAddress,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    createdAt: input.now,
    expiresAt,
  });
  return { token, expiresAt };
}

export type PendingSignInView = {
  idHash: string;
  stage: PendingSignInStage;
  redirectTo: string | null;
  enrolSecretEncrypted: string | null;
  user: Pick<User, "id" | "email" | "name" | "role" | "mustChangePassword">;
};

/** The pending sign-in a browser's token names, if it is still valid and its user still active. */
export async function findPendingSignIn(db: DbOrTx, token: string | null | undefined, secret: string, now: Date): Promise<PendingSignInView | null> {
  if (!token || token.length > 100) return null;
  const row = await firstRow(
    db
      .select({ pending: pendingSignIns, user: users })
      .from(pendingSignIns)
      .innerJoin(users, eq(users.id, pendingSignIns.userId))
      .where(eq(pendingSignIns.idHash, hashSessionToken(token, secret)))
      .limit(1),
  );
  if (!row || row.pending.expiresAt.getTime() <= now.getTime() || !row.user.active) return null;
  const { pending, user } = row;
  return {
    idHash: pending.idHash,
    stage: pending.stage,
    redirectTo: pending.redirectTo,
    enrolSecretEncrypted: pending.enrolSecretEncrypted,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, mustChangePassword: user.mustChangePassword },
  };
}

/** The secret offered to a user who must enrol during sign-in; the same one on every reload. */
export async function enrolmentSecretFor(db: Db, pending: PendingSignInView, secret: string): Promise<string> {
  const existing = pending.enrolSecretEncrypted ? decryptFactorSecret(pending.enrolSecretEncrypted, secret) : null;
  if (existing) return existing;
  const totpSecret = await newTotpSecret();
  await db
    .update(pendingSignIns)
    .set({ enrolSecretEncrypted: encryptFactorSecret(totpSecret, secret) })
    .where(eq(pendingSignIns.idHash, pending.idHash));
  return totpSecret;
}

export type SecondFactorInput = {
  pendingToken: string | null;
  code: string;
  ipAddress: string;
  userAgent?: string | null;
  secret: string;
  previousSessionHash?: string | null;
  now: Date;
};

export type SecondFactorResult =
  | (SessionStarted & { redirectTo: string | null; recoveryCodes: string[] | null })
  | { ok: false; reason: "expired"; message: string }
  | { ok: false; reason: "wrong" | "reused"; message: string }
  | Refusal;

export const PENDING_EXPIRED_MESSAGE = "Your sign-in took too long or was already completed. Sign in again with your password.";
const WRONG_CODE_MESSAGE = "That code is not correct. Type the 6-digit code your app shows now, or a recovery code.";
const REUSED_CODE_MESSAGE = "That code was already used. Wait for your app to show the next code.";

/**
 * The code step after the password. Throttled like the password: a wrong code is a failure of
 * the account (and address), and the tenth within 15 minutes locks the account and ends the
 * pending sign-in. A right code is spent (a TOTP step cannot be used twice; a recovery code works
 * once) in the same transaction that starts the session. For the "enrol" stage the code confirms
 * the new secret, which is stored with ten fresh recovery codes (returned once).
 */
export async function completeSecondFactor(db: Db, input: SecondFactorInput): Promise<SecondFactorResult> {
  const { now } = input;
  const pending = await findPendingSignIn(db, input.pendingToken, input.secret, now);
  if (!pending) return { ok: false, reason: "expired", message: PENDING_EXPIRED_MESSAGE };
  const { user } = pending;

  const lockedUntil = await accountLockedUntil(db, user.email, now);
  if (lockedUntil) {
    await db.delete(pendingSignIns).where(eq(pendingSignIns.idHash, pending.idHash));
    await recordRefusal(db, user.email, input.ipAddress, now, "auth.sign_in_refused_locked");
    return { ok: false, reason: "locked", retryAt: lockedUntil, message: lockedMessage(lockedUntil, now) };
  }
  const addressRetryAt = await addressThrottledUntil(db, user.email, input.ipAddress, now);
  if (addressRetryAt) {
    await recordRefusal(db, user.email, input.ipAddress, now, "auth.sign_in_refused_address");
    return {
      ok: false,
      reason: "address-throttled",
      retryAt: addressRetryAt,
      message: `Too many failed sign-ins from your network. Try again in ${minutesUntil(addressRetryAt, now)}.`,
    };
  }

  const code = normaliseCode(input.code);
  let step: number | null = null;
  let enrolSecret: string | null = null;
  if (pending.stage === "enrol") {
    enrolSecret = pending.enrolSecretEncrypted ? decryptFactorSecret(pending.enrolSecretEncrypted, input.secret) : null;
    if (!enrolSecret) return { ok: false, reason: "expired", message: PENDING_EXPIRED_MESSAGE };
    step = code?.kind === "totp" ? await totpStepOf(code.code, enrolSecret) : null;
  } else if (code) {
    step = await totpStepForUser(db, user.id, code, input.secret);
  }

  const outcome = await writeTransaction(db, async (tx) => {
    // Re-read inside the write lock: a parallel request may have completed this sign-in.
    if (!(await firstRow(tx.select({ idHash: pendingSignIns.idHash }).from(pendingSignIns).where(eq(pendingSignIns.idHash, pending.idHash)).limit(1)))) {
      return { kind: "expired" as const };
    }
    let recoveryCodes: string[] | null = null;
    let method: string;
    if (pending.stage === "enrol") {
      if (step === null || !enrolSecret) return { kind: "failed" as const, reason: "wrong" as const };
      recoveryCodes = await storeSecondFactor(tx, { userId: user.id, totpSecret: enrolSecret, step, secret: input.secret, now });
      await recordAudit(tx, { actorId: user.id, action: "auth.second_factor_enrolled", entity: "user", entityId: user.id, at: now });
      method = "totp";
    } else {
      const check = code ? await spendCode(tx, user.id, code, step, now) : ({ ok: false, reason: "wrong" } as const);
      if (!check.ok) return { kind: "failed" as const, reason: check.reason };
      method = check.method;
    }
    await tx.delete(pendingSignIns).where(eq(pendingSignIns.idHash, pending.idHash));
    const session = await startSession(tx, {
      user,
      ipAddress: input.ipAddress,
      userAgent: input.userAgent,
      secret: input.secret,
      previousSessionHash: input.previousSessionHash,
      method: "password",
      detail: { secondFactor: method },
      now,
    });
    return { kind: "session" as const, session, recoveryCodes };
  });

  if (outcome.kind === "expired") return { ok: false, reason: "expired", message: PENDING_EXPIRED_MESSAGE };
  if (outcome.kind === "session") return { ...outcome.session, redirectTo: pending.redirectTo, recoveryCodes: outcome.recoveryCodes };
  const refusal = await recordFailure(db, {
    email: user.email,
    userId: user.id,
    ipAddress: input.ipAddress,
    reason: outcome.reason === "reused" ? "reused_code" : "wrong_code",
    action: "auth.second_factor_failed",
    now,
  });
  if (refusal.reason === "locked") return refusal;
  return { ok: false, reason: outcome.reason, message: outcome.reason === "reused" ? REUSED_CODE_MESSAGE : WRONG_CODE_MESSAGE };
}

export async function signOut(db: Db, user: SessionUser, sessionHash: string, now: Date) {
  await writeTransaction(db, async (tx) => {
    await tx.delete(sessions).where(eq(sessions.idHash, sessionHash));
    await recordAudit(tx, { actorId: user.id, action: "auth.sign_out", entity: "user", entityId: user.id, at: now });
  });
}

/** Failures for this account since its last success, within the window. */
async function recentFailures(db: DbOrTx, email: string, now: Date): Promise<number> {
  const since = Math.max(now.getTime() - ACCOUNT_WINDOW_MS, await lastSuccessAt(db, email));
  return (
    (
      await firstRow(
        db
          .select({ n: count() })
          .from(signInAttempts)
          .where(and(eq(signInAttempts.email, email), eq(signInAttempts.outcome, "failure"), gt(signInAttempts.at, new Date(since))))
          .limit(1),
      )
    )?.n ?? 0
  );
}

async function lastSuccessAt(db: DbOrTx, email: string): Promise<number> {
  const row = await firstRow(
    db
      .select({ at: max(signInAttempts.at) })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.email, email), eq(signInAttempts.outcome, "success")))
      .limit(1),
  );
  return row?.at ? row.at.getTime() : 0;
}

/** Locked while 10 failures sit in the window; the lock ends 15 minutes after the last of them. */
export async function accountLockedUntil(db: Db, email: string, now: Date): Promise<Date | null> {
  if ((await recentFailures(db, email, now)) < ACCOUNT_FAILURE_LIMIT) return null;
  const last = await firstRow(
    db
      .select({ at: signInAttempts.at })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.email, email), eq(signInAttempts.outcome, "failure")))
      .orderBy(desc(signInAttempts.at))
      .limit(1),
  );
  return last ? new Date(last.at.getTime() + ACCOUNT_LOCK_MS) : null;
}

export async function addressThrottledUntil(db: Db, email: string, ipAddress: string, now: Date): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - ADDRESS_WINDOW_MS);
  const failures = await firstRow(
    db
      .select({ n: count(), newest: max(signInAttempts.at) })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.ipAddress, ipAddress), eq(signInAttempts.outcome, "failure"), gt(signInAttempts.at, windowStart)))
      .limit(1),
  );
  if (!failures || failures.n < ADDRESS_FAILURE_LIMIT) return null;
  const trusted = await firstRow(
    db
      .select({ n: count() })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.email, email), eq(signInAttempts.ipAddress, ipAddress), eq(signInAttempts.outcome, "success"), gt(signInAttempts.at, new Date(now.getTime() - TRUSTED_ADDRESS_MS))))
      .limit(1),
  );
  if (trusted && trusted.n > 0) return null;
  return new Date((failures.newest?.getTime() ?? now.getTime()) + ADDRESS_WINDOW_MS);
}

async function recordRefusal(db: Db, email: string, ipAddress: string, now: Date, action: string) {
  await writeTransaction(db, async (tx) => {
    await tx.insert(signInAttempts).values({ email, ipAddress, outcome: "refused", at: now });
    await recordAudit(tx, { actorId: null, action, entity: "user", detail: { email }, at: now });
  });
}

function minutesUntil(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

function lockedMessage(until: Date, now: Date): string {
  return `This account is locked for 15 minutes after too many failed sign-ins. Try again in ${minutesUntil(until, now)}.`;
}
