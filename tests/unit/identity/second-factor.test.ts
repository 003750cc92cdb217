// The second factor of password sign-in: enrolment, the code step, recovery codes, throttling and
// the administrator's reset, on a fresh migrated database per test.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, organisation, pendingSignIns, recoveryCodes, sessions, userSecondFactors, type User } from "../../../db/schema";
import { decryptFactorSecret, resetSecondFactor } from "~/domain/identity/second-factor.server";
import { lookupSession } from "~/domain/identity/sessions.server";
import { ACCOUNT_FAILURE_LIMIT, completeSecondFactor, enrolmentSecretFor, findPendingSignIn, PENDING_SIGN_IN_MS, signIn, type SecondFactorNeeded } from "~/domain/identity/sign-in.server";
import type { Db } from "~/utils/db.server";
import { createClock, MINUTE, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createOrganisation, createUser, TEST_PASSWORD } from "../../support/factories";
import { totpCode } from "../../support/totp";
import { firstRow } from "~/utils/query.server";

const SECRET = "unit-test-secret-0123456789abcdefghijkl";
let db: Db;
let clock: TestClock;
let user: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  await createOrganisation(db, { secondFactorRequired: true });
  user = await createUser(db, { role: "staff", email: "teller@test.example" });
});
afterEach(() => closeDatabase(db));

async function password(): Promise<SecondFactorNeeded> {
  const result = await signIn(db, { email: user.email, password: TEST_PASSWORD, ipAddress: "10.0.0.1", secret: SECRET, now: clock.now() });
  if (result.ok || result.reason !== "second-factor") throw new Error(`expected the second-factor step, got ${JSON.stringify(result)}`);
  return result;
}

async function code(pendingToken: string, typed: string, ipAddress = "10.0.0.1") {
  return await completeSecondFactor(db, { pendingToken, code: typed, ipAddress, secret: SECRET, now: clock.now() });
}

/** Signs in with the password and enrols; returns the TOTP secret, the recovery codes and the code used. */
async function enrol() {
  const step = await password();
  expect(step.stage).toBe("enrol");
  const pending = (await findPendingSignIn(db, step.pendingToken, SECRET, clock.now()))!;
  const totpSecret = await enrolmentSecretFor(db, pending, SECRET);
  const used = totpCode(totpSecret);
  const result = await code(step.pendingToken, used);
  if (!result.ok) throw new Error(`enrolment failed: ${result.message}`);
  return { totpSecret, recoveryCodes: result.recoveryCodes!, used, result };
}

async function sessionCount() {
  return (await db.select().from(sessions).where(eq(sessions.userId, user.id))).length;
}

describe("second factor: the organisation's setting", () => {
  it("a new organisation requires a second factor unless it says otherwise", async () => {
    const fresh = createTestDatabase();
    await fresh.insert(organisation).values({ id: 1, name: "New Bank", currency: "EUR", timeZone: "Europe/Zurich" });
    expect((await firstRow(fresh.select().from(organisation).limit(1)))!.secondFactorRequired).toBe(true);
    await closeDatabase(fresh);
  });
});

describe("second factor: enrolment", () => {
  it("when the organisation requires it, the right password alone creates no session but an enrolment step", async () => {
    const step = await password();
    expect(step.stage).toBe("enrol");
    expect(await sessionCount()).toBe(0);
    // The pending token is not a session token: it signs nobody in.
    expect((await lookupSession(db, step.pendingToken, SECRET, clock.now())).status).toBe("none");
  });

  it("without the requirement, a user with no factor signs in with the password alone", async () => {
    await db.update(organisation).set({ secondFactorRequired: false }).where(eq(organisation.id, 1));
    const result = await signIn(db, { email: user.email, password: TEST_PASSWORD, ipAddress: "10.0.0.1", secret: SECRET, now: clock.now() });
    expect(result.ok).toBe(true);
  });

  it("the enrolment key stays the same on reload, and the code it gives confirms it and starts a session", async () => {
    const step = await password();
    const pending = (await findPendingSignIn(db, step.pendingToken, SECRET, clock.now()))!;
    const first = await enrolmentSecretFor(db, pending, SECRET);
    const again = await enrolmentSecretFor(db, (await findPendingSignIn(db, step.pendingToken, SECRET, clock.now()))!, SECRET);
    expect(again).toBe(first);
    const result = await code(step.pendingToken, totpCode(first));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect((await lookupSession(db, result.token, SECRET, clock.now())).status).toBe("active");
    expect(await db.select().from(pendingSignIns)).toHaveLength(0);
    const actions = (await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.actorId, user.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["auth.password_accepted", "auth.second_factor_enrolled", "auth.sign_in"]));
  });

  it("ten distinct recovery codes are returned once and stored only as hashes; the secret is stored encrypted", async () => {
    const { totpSecret, recoveryCodes: codes } = await enrol();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const c of codes) {
      expect(dump).not.toContain(c);
      expect(dump).not.toContain(c.replace("-", ""));
    }
    const factor = (await firstRow(db.select().from(userSecondFactors).where(eq(userSecondFactors.userId, user.id)).limit(1)))!;
    expect(factor.secretEncrypted).not.toContain(totpSecret);
    expect(decryptFactorSecret(factor.secretEncrypted, SECRET)).toBe(totpSecret);
    // A copy of the database without the server's secret does not give the key.
    expect(decryptFactorSecret(factor.secretEncrypted, "another-secret-0123456789abcdefghijklmn")).toBeNull();
  });

  it("a wrong code during enrolment is refused and nothing is stored", async () => {
    const step = await password();
    const totpSecret = await enrolmentSecretFor(db, (await findPendingSignIn(db, step.pendingToken, SECRET, clock.now()))!, SECRET);
    const wrong = String((Number(totpCode(totpSecret)) + 1) % 1_000_000).padStart(6, "0");
    const result = await code(step.pendingToken, wrong);
    expect(result).toMatchObject({ ok: false, reason: "wrong" });
    expect(await db.select().from(userSecondFactors)).toHaveLength(0);
    expect(await sessionCount()).toBe(0);
  });
});

describe("second factor: the code step at sign-in", () => {
  it("a user with a factor is asked for a code, and the next code of their app signs them in", async () => {
    const { totpSecret } = await enrol();
    const step = await password();
    expect(step.stage).toBe("verify");
    const result = await code(step.pendingToken, totpCode(totpSecret, { stepOffset: 1 }));
    expect(result.ok).toBe(true);
  });

  it("a user who enrolled of their own accord is asked for a code even when the organisation does not require one", async () => {
    const { totpSecret } = await enrol();
    await db.update(organisation).set({ secondFactorRequired: false }).where(eq(organisation.id, 1));
    const step = await password();
    expect(step.stage).toBe("verify");
    expect((await code(step.pendingToken, totpCode(totpSecret, { stepOffset: 1 }))).ok).toBe(true);
  });

  it("a wrong code is refused, counted as a failed sign-in, and starts no session", async () => {
    const { totpSecret } = await enrol();
    const before = await sessionCount();
    const step = await password();
    const right = totpCode(totpSecret, { stepOffset: 1 });
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, "0");
    const result = await code(step.pendingToken, wrong);
    expect(result).toMatchObject({ ok: false, reason: "wrong" });
    expect(await sessionCount()).toBe(before);
    const failure = (await firstRow(db.select().from(auditEvents).where(eq(auditEvents.action, "auth.second_factor_failed")).limit(1)))!;
    expect(JSON.parse(failure.detail!)).toMatchObject({ reason: "wrong_code" });
    // The pending sign-in survives a typo: the right code still works.
    expect((await code(step.pendingToken, right)).ok).toBe(true);
  });

  it("a code already used is refused within its window, even on a new sign-in", async () => {
    const { totpSecret, used } = await enrol();
    const step = await password();
    const replay = await code(step.pendingToken, used);
    expect(replay).toMatchObject({ ok: false, reason: "reused" });
    expect(replay.ok ? "" : replay.message).toContain("already used");
    // An earlier code of the window is refused too: time steps only move forward.
    const next = totpCode(totpSecret, { stepOffset: 1 });
    expect((await code(step.pendingToken, next)).ok).toBe(true);
    const again = await password();
    expect(await code(again.pendingToken, next)).toMatchObject({ ok: false, reason: "reused" });
  });

  it("a recovery code signs in once; the second use is refused", async () => {
    const { recoveryCodes: codes } = await enrol();
    const first = await password();
    expect((await code(first.pendingToken, codes[3]!.toUpperCase())).ok).toBe(true);
    const second = await password();
    expect(await code(second.pendingToken, codes[3]!)).toMatchObject({ ok: false, reason: "wrong" });
    const used = (
      await db
        .select()
        .from(recoveryCodes)
        .where(and(eq(recoveryCodes.userId, user.id)))
    ).filter((r) => r.usedAt);
    expect(used).toHaveLength(1);
    const signIns = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.sign_in"));
    expect(JSON.parse(signIns.at(-1)!.detail!)).toMatchObject({ secondFactor: "recovery_code" });
  });

  it("the pending sign-in expires after 10 minutes and must start again from the password", async () => {
    const { totpSecret } = await enrol();
    const step = await password();
    clock.advance(PENDING_SIGN_IN_MS + 1);
    const result = await code(step.pendingToken, totpCode(totpSecret, { stepOffset: 1 }));
    expect(result).toMatchObject({ ok: false, reason: "expired" });
  });

  it("a pending sign-in is used once: the same token cannot start a second session", async () => {
    const { totpSecret } = await enrol();
    const step = await password();
    expect((await code(step.pendingToken, totpCode(totpSecret, { stepOffset: 1 }))).ok).toBe(true);
    expect(await code(step.pendingToken, totpCode(totpSecret, { stepOffset: -1 }))).toMatchObject({ ok: false, reason: "expired" });
  });

  it(`${ACCOUNT_FAILURE_LIMIT} wrong codes lock the account like wrong passwords, and end the pending sign-in`, async () => {
    const { totpSecret } = await enrol();
    clock.advance(1000); // failures count from the last successful sign-in (the enrolment) on
    const step = await password();
    let last;
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) last = await code(step.pendingToken, String(100000 + i));
    expect(last).toMatchObject({ ok: false, reason: "locked" });
    expect(await db.select().from(pendingSignIns)).toHaveLength(0);
    // The password is refused while the lock lasts, and so is a right code.
    const locked = await signIn(db, { email: user.email, password: TEST_PASSWORD, ipAddress: "10.0.0.1", secret: SECRET, now: clock.now() });
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    clock.advance(16 * MINUTE);
    const after = await password();
    expect((await code(after.pendingToken, totpCode(totpSecret, { stepOffset: 1 }))).ok).toBe(true);
  });

  it("wrong passwords and wrong codes add up to the same lock", async () => {
    await enrol();
    clock.advance(1000);
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT - 1; i++) {
      await signIn(db, { email: user.email, password: "not the password at all", ipAddress: "10.0.0.1", secret: SECRET, now: clock.now() });
    }
    const step = await password();
    expect(await code(step.pendingToken, "000000")).toMatchObject({ ok: false, reason: "locked" });
  });
});

describe("second factor: administrator's reset", () => {
  it("removes the factor and recovery codes, ends the user's sessions, is audited, and the next sign-in asks to enrol", async () => {
    const admin = await createUser(db, { role: "admin" });
    const { result } = await enrol();
    if (!result.ok) throw new Error("unreachable");
    await resetSecondFactor(db, admin, { userId: user.id }, clock.now());
    expect(await db.select().from(userSecondFactors)).toHaveLength(0);
    expect(await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toHaveLength(0);
    expect((await lookupSession(db, result.token, SECRET, clock.now())).status).toBe("none");
    const audit = (await firstRow(db.select().from(auditEvents).where(eq(auditEvents.action, "user.second_factor_reset")).limit(1)))!;
    expect(audit).toMatchObject({ actorId: admin.id, entityId: String(user.id) });
    expect((await password()).stage).toBe("enrol");
  });

  it("only administrators reset, never their own, and only a factor that exists", async () => {
    const admin = await createUser(db, { role: "admin" });
    const manager = await createUser(db, { role: "manager" });
    await expect(resetSecondFactor(db, manager, { userId: user.id }, clock.now())).rejects.toThrow(/Only administrators/);
    await expect(resetSecondFactor(db, admin, { userId: admin.id }, clock.now())).rejects.toThrow(/Another administrator/);
    await expect(resetSecondFactor(db, admin, { userId: user.id }, clock.now())).rejects.toThrow(/no second factor/);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.action, "user.second_factor_reset"))).toHaveLength(0);
  });
});
