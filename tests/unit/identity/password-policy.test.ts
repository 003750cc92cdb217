import { parseWithZod } from "@conform-to/zod/v4";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, type User } from "../../../db/schema";
import { ChangePasswordSchema, PASSWORD_MAX, PASSWORD_MIN } from "~/domain/identity/auth-schemas";
import { COMMON_PASSWORDS_TEXT } from "~/domain/identity/common-passwords.server";
import { DomainError } from "~/domain/core/errors";
import { generateOneTimePassword, isCommonPassword, newPasswordProblem } from "~/domain/identity/password-policy.server";
import { verifyPassword } from "~/domain/identity/passwords.server";
import { countSessionsOf, createSession, hashSessionToken, lookupSession } from "~/domain/identity/sessions.server";
import { changeOwnPassword } from "~/domain/administration/users.server";
import type { Db } from "~/utils/db.server";
import { createClock, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { CHEAP_TEST_SCRYPT, createUser, TEST_PASSWORD } from "../../support/factories";

const SECRET = "unit-test-secret-0123456789abcdefghijkl";
const account = { email: "sam.carter@example.com" };

function form(values: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  const submission = parseWithZod(data, { schema: ChangePasswordSchema });
  return { status: submission.status, error: submission.status === "success" ? undefined : submission.error };
}

describe("password rules (OWASP)", () => {
  it(`a password of ${PASSWORD_MIN - 1} characters is refused; ${PASSWORD_MIN} characters are enough`, () => {
    expect(PASSWORD_MIN).toBe(12);
    expect(newPasswordProblem("mauve kettle", account)).toBeNull();
    expect(newPasswordProblem("mauve kettl", account)).toMatch(/at least 12 characters/);
  });

  it("length counts characters, not bytes or UTF-16 units: 12 emoji are 12 characters, 11 are too few", () => {
    expect(newPasswordProblem("🌸".repeat(12), account)).toBeNull();
    expect(newPasswordProblem("🌸".repeat(11), account)).toMatch(/at least 12/);
  });

  it("no composition rules: lower-case letters and spaces alone are fine", () => {
    expect(newPasswordProblem("purple lantern orchard", account)).toBeNull();
  });

  it("a 64-character password with non-ASCII characters is accepted by the form and the rules", () => {
    const password = "Grüße aus Zürich — 東京タワー 🌸 Ærøskøbing ñandú ".repeat(2);
    const sixtyFour = [...password].slice(0, 64).join("");
    expect([...sixtyFour]).toHaveLength(64);
    expect(newPasswordProblem(sixtyFour, account)).toBeNull();
    const submission = form({ currentPassword: "x", newPassword: sixtyFour, confirmPassword: sixtyFour });
    expect(submission.status).toBe("success");
  });

  it(`passwords up to ${PASSWORD_MAX} characters are allowed and one more is refused (never cut short)`, () => {
    expect(newPasswordProblem("a quiet river ".repeat(80).slice(0, PASSWORD_MAX), account)).toBeNull();
    expect(newPasswordProblem("a quiet river ".repeat(80).slice(0, PASSWORD_MAX + 1), account)).toMatch(/at most 1024/);
    const long = "a quiet river ".repeat(80).slice(0, PASSWORD_MAX + 1);
    expect(form({ currentPassword: "x", newPassword: long, confirmPassword: long }).status).toBe("error");
  });

  it("a password on the shipped list of common passwords is refused, in any letter case", () => {
    expect(isCommonPassword("password1234")).toBe(true);
    expect(newPasswordProblem("Password1234", account)).toMatch(/common passwords/);
    expect(newPasswordProblem("QWERTYUIOP123", account)).toMatch(/common passwords/);
    expect(newPasswordProblem("correct horse battery staple", account)).toMatch(/common passwords/);
  });

  it("the shipped list holds thousands of passwords, all long enough to matter", () => {
    const entries = COMMON_PASSWORDS_TEXT.split("\n").filter(Boolean);
    expect(entries.length).toBeGreaterThan(3000);
    for (const entry of entries) expect([...entry].length).toBeGreaterThanOrEqual(PASSWORD_MIN);
  });

  it("the account's own email address is refused as a password", () => {
    expect(newPasswordProblem("Sam.Carter@example.com", account)).toMatch(/email address/);
  });

  it("the form refuses a confirmation that differs, beside the confirmation field", () => {
    const submission = form({ currentPassword: "x", newPassword: "purple lantern orchard", confirmPassword: "purple lantern orchar" });
    expect(submission.status).toBe("error");
    expect(submission.error?.confirmPassword).toEqual(["The two new passwords do not match."]);
  });

  it("one-time passwords are random, long and pass the rules", () => {
    const a = generateOneTimePassword();
    expect(a).not.toBe(generateOneTimePassword());
    expect(newPasswordProblem(a, account)).toBeNull();
  });
});

describe("changing one's own password", () => {
  let db: Db;
  let clock: TestClock;
  let user: User;
  const cheap = { scrypt: CHEAP_TEST_SCRYPT };
  const sessionOf = async () => (await createSession(db, { userId: user.id, secret: SECRET, now: clock.now() })).token;

  beforeEach(async () => {
    db = createTestDatabase();
    clock = createClock();
    user = await createUser(db, { role: "staff", mustChangePassword: true });
  });
  afterEach(() => closeDatabase(db));

  async function refusal(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  it("the new password works, the flag is cleared, this session stays and every other session ends", async () => {
    const here = await sessionOf();
    const elsewhere = await sessionOf();
    const changed = await changeOwnPassword(db, user, { currentPassword: TEST_PASSWORD, newPassword: "purple lantern orchard", keepSessionHash: hashSessionToken(here, SECRET) }, clock.now(), cheap);
    expect(changed.mustChangePassword).toBe(false);
    expect(await verifyPassword("purple lantern orchard", changed.passwordHash)).toBe(true);
    expect(await verifyPassword(TEST_PASSWORD, changed.passwordHash)).toBe(false);
    expect((await lookupSession(db, here, SECRET, clock.now())).status).toBe("active");
    expect((await lookupSession(db, elsewhere, SECRET, clock.now())).status).toBe("none");
    expect(await countSessionsOf(db, user.id)).toBe(1);
  });

  it("a wrong current password is refused beside the current-password field and changes nothing", async () => {
    const error = await refusal(changeOwnPassword(db, user, { currentPassword: "not it at all", newPassword: "purple lantern orchard", keepSessionHash: null }, clock.now(), cheap));
    expect(error).toMatchObject({ code: "VALIDATION", field: "currentPassword" });
  });

  it("the new password must differ from the current one (a one-time password cannot be kept)", async () => {
    const error = await refusal(changeOwnPassword(db, user, { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD, keepSessionHash: null }, clock.now(), cheap));
    expect(error).toMatchObject({ field: "newPassword" });
  });

  it("a common password is refused beside the new-password field", async () => {
    const error = await refusal(changeOwnPassword(db, user, { currentPassword: TEST_PASSWORD, newPassword: "iloveyou1234", keepSessionHash: null }, clock.now(), cheap));
    expect(error).toMatchObject({ field: "newPassword", message: expect.stringContaining("common") });
  });

  it("a 64-character non-ASCII password is stored and verified in full", async () => {
    const password = [..."Grüße aus Zürich — 東京タワー 🌸 Ærøskøbing ñandú ".repeat(2)].slice(0, 64).join("");
    const changed = await changeOwnPassword(db, user, { currentPassword: TEST_PASSWORD, newPassword: password, keepSessionHash: null }, clock.now(), cheap);
    expect(await verifyPassword(password, changed.passwordHash)).toBe(true);
    expect(await verifyPassword([...password].slice(0, 63).join(""), changed.passwordHash)).toBe(false);
  });

  it("two passwords that share their first 72 bytes are not treated as equal", async () => {
    const prefix = "é".repeat(36); // 72 bytes in UTF-8
    expect(Buffer.byteLength(prefix)).toBe(72);
    const changed = await changeOwnPassword(db, user, { currentPassword: TEST_PASSWORD, newPassword: `${prefix} first`, keepSessionHash: null }, clock.now(), cheap);
    expect(await verifyPassword(`${prefix} first`, changed.passwordHash)).toBe(true);
    expect(await verifyPassword(`${prefix} second`, changed.passwordHash)).toBe(false);
    // And as the current password: the other 72-byte twin does not open the account.
    const error = await refusal(changeOwnPassword(db, user, { currentPassword: `${prefix} second`, newPassword: "purple lantern orchard", keepSessionHash: null }, clock.now(), cheap));
    expect(error.field).toBe("currentPassword");
  });

  it("the audit records the change without any password or hash", async () => {
    const changed = await changeOwnPassword(db, user, { currentPassword: TEST_PASSWORD, newPassword: "purple lantern orchard", keepSessionHash: null }, clock.now(), cheap);
    const rows = await db.select().from(auditEvents);
    const event = rows.at(-1)!;
    expect(event.action).toBe("user.password_changed");
    expect(JSON.parse(event.detail)).toEqual({ mustChangePasswordBefore: true, mustChangePasswordAfter: false, otherSessionsEnded: true });
    const all = JSON.stringify(rows);
    expect(all).not.toContain("purple lantern orchard");
    expect(all).not.toContain(changed.passwordHash);
    expect(all).not.toContain(TEST_PASSWORD);
  });
});
