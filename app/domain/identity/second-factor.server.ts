// The second factor for password sign-in: TOTP (RFC 6238, via @epic-web/totp) and one-time
// recovery codes. Secrets are stored encrypted with AES-256-GCM under a key derived from
// SESSION_SECRET (HKDF), so a copy of the database alone does not yield working codes. Recovery
// codes are random (50 bits) and stored as SHA-256, like API keys.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from "node:crypto";
import { generateTOTP, getTOTPAuthUri, verifyTOTP } from "@epic-web/totp";
import { and, count, eq, isNull } from "drizzle-orm";
import QRCode from "qrcode";
import { pendingSignIns, recoveryCodes, userSecondFactors, type Role } from "../../../db/schema";
import type { Db, DbOrTx, Tx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { DomainError } from "../core/errors";
import { can } from "../core/permissions";
import { endAllSessionsOf } from "./sessions.server";
import { writeTransaction } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** One step either side of now, for clocks that drift a little. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

// ---- encryption of stored secrets ----

function keyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "empathy-fund", "totp-secret-v1", 32));
}

export function encryptFactorSecret(plain: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(secret), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(":");
}

/** The plain secret, or null when it was encrypted under another key (SESSION_SECRET changed). */
export function decryptFactorSecret(stored: string, secret: string): string | null {
  const [version, iv, tag, data] = stored.split(":");
  if (version !== "v1" || !iv || !tag || !data) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFrom(secret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

// ---- TOTP ----

/** A fresh random base32 secret (80 bits, the library's default). */
export async function newTotpSecret(): Promise<string> {
  return (await generateTOTP({ period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS })).secret;
}

/**
 * The QR code is put into the page as markup, so it must be nothing but an <svg> of <path> elements
 * with numeric and colour attributes: the e-mail and organisation name inside the URI are encoded
 * as modules, never as text. Anything else is a bug in the library or its use, and is refused.
 */
const PATHS_ONLY_SVG = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="[\d .]+" shape-rendering="crispEdges">(<path (fill|stroke)="#[0-9a-f]{6}" d="[MmHhVvZz\d .-]+"\/>)+<\/svg>\s*$/;
export function assertPathsOnlySvg(svg: string): string {
  if (!PATHS_ONLY_SVG.test(svg)) throw new Error("The QR code is not a paths-only SVG; it will not be put into the page.");
  return svg;
}

/** The otpauth:// URI and its QR code as an SVG string, rendered on the server. */
export async function enrolmentDetails(input: { totpSecret: string; email: string; issuer: string }) {
  const uri = getTOTPAuthUri({
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: "SHA-1",
    secret: input.totpSecret,
    accountName: input.email,
    issuer: input.issuer,
  });
  const svg = assertPathsOnlySvg(await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 }));
  return { uri, svg, secret: input.totpSecret.replace(/(.{4})/g, "$1 ").trim() };
}

/** The time step a valid code belongs to, or null. Uses the real clock, as the authenticator app does. */
export async function totpStepOf(code: string, totpSecret: string): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verifyTOTP({ otp: code, secret: totpSecret, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS, window: TOTP_WINDOW });
  if (!result) return null;
  return Math.floor(Date.now() / 1000 / TOTP_PERIOD_SECONDS) + result.delta;
}

/** What the user typed, tidied: digits of a TOTP code, or a recovery code in lower case without spaces. */
export function normaliseCode(raw: string): { kind: "totp" | "recovery"; code: string } | null {
  const compact = raw.replace(/[\s-]/g, "").toLowerCase();
  if (/^\d{6}$/.test(compact)) return { kind: "totp", code: compact };
  if (compact.length === 10 && [...compact].every((c) => RECOVERY_ALPHABET.includes(c))) return { kind: "recovery", code: compact };
  return null;
}

// ---- recovery codes ----

function hashRecoveryCode(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Replaces a user's recovery codes with ten new ones; returns them (the only time they exist in plain). */
export async function replaceRecoveryCodes(tx: Tx, userId: number, now: Date): Promise<string[]> {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(normaliseCode(code)!.code), createdAt: now })));
  return codes;
}

export async function remainingRecoveryCodes(db: DbOrTx, userId: number): Promise<number> {
  return (
    (
      await firstRow(
        db
          .select({ n: count() })
          .from(recoveryCodes)
          .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
          .limit(1),
      )
    )?.n ?? 0
  );
}

// ---- the factor of a user ----

export async function hasSecondFactor(db: DbOrTx, userId: number): Promise<boolean> {
  return !!(await firstRow(db.select({ userId: userSecondFactors.userId }).from(userSecondFactors).where(eq(userSecondFactors.userId, userId)).limit(1)));
}

export type CodeCheck = { ok: true; method: "totp" | "recovery_code" } | { ok: false; reason: "wrong" | "reused" };

/**
 * Checks a code against a user's factor and, when it is right, spends it inside `tx` (the caller's
 * immediate transaction): the TOTP step is remembered so the same code cannot be used again within
 * its window, and a recovery code is marked used. `totpStep` is computed before the transaction,
 * since verification is asynchronous.
 */
export async function spendCode(tx: Tx, userId: number, code: NonNullable<ReturnType<typeof normaliseCode>>, totpStep: number | null, now: Date): Promise<CodeCheck> {
  if (code.kind === "totp") {
    if (totpStep === null) return { ok: false, reason: "wrong" };
    const factor = await firstRow(tx.select().from(userSecondFactors).where(eq(userSecondFactors.userId, userId)).limit(1));
    if (!factor) return { ok: false, reason: "wrong" };
    if (totpStep <= factor.lastUsedStep) return { ok: false, reason: "reused" };
    await tx.update(userSecondFactors).set({ lastUsedStep: totpStep }).where(eq(userSecondFactors.userId, userId));
    return { ok: true, method: "totp" };
  }
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashRecoveryCode(code.code)), isNull(recoveryCodes.usedAt)));
  return used.changes === 1 ? { ok: true, method: "recovery_code" } : { ok: false, reason: "wrong" };
}

/** The TOTP step of a code for this user's stored factor (null when wrong, not TOTP, or no factor). */
export async function totpStepForUser(db: DbOrTx, userId: number, code: NonNullable<ReturnType<typeof normaliseCode>>, secret: string) {
  if (code.kind !== "totp") return null;
  const factor = await firstRow(db.select().from(userSecondFactors).where(eq(userSecondFactors.userId, userId)).limit(1));
  const totpSecret = factor ? decryptFactorSecret(factor.secretEncrypted, secret) : null;
  return totpSecret ? await totpStepOf(code.code, totpSecret) : null;
}

/** Stores a confirmed factor with fresh recovery codes (inside the caller's transaction). */
export async function storeSecondFactor(tx: Tx, input: { userId: number; totpSecret: string; step: number; secret: string; now: Date }): Promise<string[]> {
  await tx
    .insert(userSecondFactors)
    .values({ userId: input.userId, secretEncrypted: encryptFactorSecret(input.totpSecret, input.secret), lastUsedStep: input.step, createdAt: input.now })
    .onConflictDoUpdate({
      target: userSecondFactors.userId,
      set: { secretEncrypted: encryptFactorSecret(input.totpSecret, input.secret), lastUsedStep: input.step, createdAt: input.now },
    });
  return await replaceRecoveryCodes(tx, input.userId, input.now);
}

/**
 * A signed-in user sets up their factor from the account page: the code they type proves their
 * app holds the secret. Returns the recovery codes, shown once.
 */
export async function enrolSecondFactor(db: Db, actor: { id: number }, input: { totpSecret: string; code: string; secret: string }, now: Date): Promise<string[]> {
  const code = normaliseCode(input.code);
  const step = code?.kind === "totp" ? await totpStepOf(code.code, input.totpSecret) : null;
  if (step === null) throw new DomainError("VALIDATION", "That code does not match. Type the 6-digit code your app shows now.", { field: "code" });
  return await writeTransaction(db, async (tx) => {
    if (await hasSecondFactor(tx, actor.id)) throw new DomainError("INVALID_STATE", "Two-step sign-in is already set up for your account.");
    const codes = await storeSecondFactor(tx, { userId: actor.id, totpSecret: input.totpSecret, step, secret: input.secret, now });
    await recordAudit(tx, { actorId: actor.id, action: "auth.second_factor_enrolled", entity: "user", entityId: actor.id, at: now });
    return codes;
  });
}

/** New recovery codes for a signed-in user, after a current code proves they still hold the factor. */
export async function regenerateRecoveryCodes(db: Db, actor: { id: number }, input: { code: string; secret: string }, now: Date): Promise<string[]> {
  const code = normaliseCode(input.code);
  if (!code || code.kind !== "totp") throw new DomainError("VALIDATION", "Type the 6-digit code your app shows now.", { field: "code" });
  const step = await totpStepForUser(db, actor.id, code, input.secret);
  return await writeTransaction(db, async (tx) => {
    const check = await spendCode(tx, actor.id, code, step, now);
    if (!check.ok) {
      throw new DomainError("VALIDATION", check.reason === "reused" ? "That code was already used. Wait for the next code." : "That code does not match. Type the code your app shows now.", {
        field: "code",
      });
    }
    const codes = await replaceRecoveryCodes(tx, actor.id, now);
    await recordAudit(tx, { actorId: actor.id, action: "auth.recovery_codes_regenerated", entity: "user", entityId: actor.id, at: now });
    return codes;
  });
}

/**
 * An administrator removes a user's factor (a lost phone): the secret and recovery codes go, the
 * user's sessions end, and they set up a new factor at their next sign-in when one is required.
 */
export async function resetSecondFactor(db: Db, actor: { id: number; role: Role }, input: { userId: number }, now: Date): Promise<void> {
  if (!can(actor.role, "users:manage")) throw new DomainError("FORBIDDEN", "Only administrators reset another user's second factor.");
  if (actor.id === input.userId) throw new DomainError("FORBIDDEN", "Another administrator must reset your own second factor.");
  await writeTransaction(db, async (tx) => {
    const removed = (await tx.delete(userSecondFactors).where(eq(userSecondFactors.userId, input.userId))).changes;
    if (removed === 0) throw new DomainError("INVALID_STATE", "This user has no second factor to reset.");
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, input.userId));
    await tx.delete(pendingSignIns).where(eq(pendingSignIns.userId, input.userId));
    await endAllSessionsOf(tx, input.userId);
    await recordAudit(tx, { actorId: actor.id, action: "user.second_factor_reset", entity: "user", entityId: input.userId, at: now });
  });
}
