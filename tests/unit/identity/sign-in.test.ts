import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, sessions, type User } from "../../../db/schema";
import { ACCOUNT_FAILURE_LIMIT, ADDRESS_FAILURE_LIMIT, INVALID_CREDENTIALS_MESSAGE, signIn, type SignInInput } from "~/domain/identity/sign-in.server";
import type { Db } from "~/utils/db.server";
import { createClock, MINUTE, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createUser, TEST_PASSWORD } from "../../support/factories";

const SECRET = "unit-test-secret-0123456789abcdefghijkl";
let db: Db;
let clock: TestClock;
let user: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  user = await createUser(db, { role: "staff", email: "teller@test.example" });
});
afterEach(() => closeDatabase(db));

async function attempt(overrides: Partial<SignInInput> = {}) {
  return await signIn(db, { email: user.email, password: TEST_PASSWORD, ipAddress: "10.0.0.1", secret: SECRET, now: clock.now(), ...overrides });
}

describe("sign-in", () => {
  it("the right password creates one session that expires 12 hours later", async () => {
    const result = await attempt();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.expiresAt.getTime() - clock.now().getTime()).toBe(12 * 60 * MINUTE);
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);
  });

  it("the e-mail is matched case-insensitively and without surrounding spaces", async () => {
    expect((await attempt({ email: "  TELLER@Test.Example " })).ok).toBe(true);
  });

  it("an unknown e-mail and a wrong password are refused with the same message", async () => {
    const unknown = await attempt({ email: "ghost@test.example" });
    const wrong = await attempt({ password: "wrong password entirely" });
    expect(unknown).toEqual({ ok: false, reason: "invalid", message: INVALID_CREDENTIALS_MESSAGE });
    expect(wrong).toEqual(unknown);
  });

  it("an unknown e-mail costs about as long as a wrong password (the hash runs either way)", async () => {
    user = await createUser(db, { role: "staff", realisticHash: true });
    const time = async (input: Partial<SignInInput>) => {
      const started = performance.now();
      await attempt(input);
      return performance.now() - started;
    };
    await time({ email: "warmup@test.example" });
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 3; i++) {
      unknown.push(await time({ email: `ghost${i}@test.example` }));
      wrong.push(await time({ password: `wrong ${i}` }));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    // A skipped hash would be ~100x faster; a factor of 3 either way leaves room for a noisy machine.
    expect(median(unknown) / median(wrong)).toBeGreaterThan(1 / 3);
    expect(median(unknown) / median(wrong)).toBeLessThan(3);
  });

  it("a password is never truncated: the right password plus one character is refused", async () => {
    const long = "a".repeat(100);
    const longUser = await createUser(db, { role: "staff", password: long });
    expect((await attempt({ email: longUser.email, password: long })).ok).toBe(true);
    expect((await attempt({ email: longUser.email, password: long + "b" })).ok).toBe(false);
    expect((await attempt({ email: longUser.email, password: long.slice(0, 72) })).ok).toBe(false);
  });
});

describe("lock-out", () => {
  it("10 failures within 15 minutes lock the account for 15 minutes, even against the right password", async () => {
    for (let i = 1; i < ACCOUNT_FAILURE_LIMIT; i++) {
      expect((await attempt({ password: `guess ${i}` })).ok).toBe(false);
      clock.advance(MINUTE);
    }
    const tenth = await attempt({ password: "guess 10" });
    expect(tenth).toMatchObject({ ok: false, reason: "locked" });
    clock.advance(5 * MINUTE);
    const right = await attempt();
    expect(right).toMatchObject({ ok: false, reason: "locked" });
    if (!right.ok) expect(right.message).toContain("Try again in 10 minutes");
    clock.advance(10 * MINUTE);
    expect((await attempt()).ok).toBe(true);
  });

  it("the lock-out is audited once, naming the account but no password", async () => {
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT + 2; i++) await attempt({ password: `secret-guess-${i}` });
    const locks = await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.account_locked"));
    expect(locks).toHaveLength(1);
    expect(locks[0]!.entityId).toBe(String(user.id));
    const all = JSON.stringify(await db.select().from(auditEvents));
    expect(all).not.toContain("secret-guess");
  });

  it("failures spread over more than 15 minutes do not lock the account", async () => {
    for (let i = 0; i < 20; i++) {
      await attempt({ password: `slow guess ${i}` });
      clock.advance(2 * MINUTE);
    }
    expect((await attempt()).ok).toBe(true);
  });

  it("a successful sign-in resets the count of failures", async () => {
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT - 1; i++) await attempt({ password: `typo ${i}` });
    expect((await attempt()).ok).toBe(true);
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT - 1; i++) await attempt({ password: `typo again ${i}` });
    expect((await attempt()).ok).toBe(true);
  });

  it("an unknown e-mail locks the same way, so the lock does not reveal which accounts exist", async () => {
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) await attempt({ email: "ghost@test.example", password: `g${i}` });
    expect(await attempt({ email: "ghost@test.example" })).toMatchObject({ ok: false, reason: "locked" });
  });
});

describe("per-address limit", () => {
  it("one address spraying many accounts is throttled, but colleagues who signed in from it before are not", async () => {
    const colleague = await createUser(db, { role: "staff" });
    expect((await attempt({ email: colleague.email, ipAddress: "192.0.2.7" })).ok).toBe(true);
    // Password spraying: one common password against many existing accounts.
    const targets = await Promise.all(Array.from({ length: 25 }, () => createUser(db, { role: "staff" })));
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++) {
      await attempt({ email: targets[i % targets.length]!.email, password: "Winter2026!", ipAddress: "192.0.2.7" });
    }
    const stranger = await createUser(db, { role: "staff" });
    const refused = await attempt({ email: stranger.email, ipAddress: "192.0.2.7" });
    expect(refused).toMatchObject({ ok: false, reason: "address-throttled" });
    expect((await attempt({ email: colleague.email, ipAddress: "192.0.2.7" })).ok).toBe(true);
    // Another address is unaffected.
    expect((await attempt({ email: stranger.email, ipAddress: "198.51.100.9" })).ok).toBe(true);
    expect(
      (
        await db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.action, "auth.sign_in_refused_address")))
      ).length,
    ).toBe(1);
  });
});
