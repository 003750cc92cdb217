import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, users, type User } from "../../../db/schema";
import { DomainError } from "~/domain/core/errors";
import { verifyPassword } from "~/domain/identity/passwords.server";
import { countSessionsOf, createSession, lookupSession } from "~/domain/identity/sessions.server";
import { signIn } from "~/domain/identity/sign-in.server";
import { createUserWithOneTimePassword, deactivateUser, reactivateUser, resetPasswordWithOneTimePassword, updateUser } from "~/domain/administration/users.server";
import type { Db } from "~/utils/db.server";
import { createClock, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { refusal } from "../../support/refusal";
import { CHEAP_TEST_SCRYPT, createBranch, createUser } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

const SECRET = "unit-test-secret-0123456789abcdefghijkl";
const cheap = { scrypt: CHEAP_TEST_SCRYPT };
let db: Db;
let clock: TestClock;
let admin: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  admin = await createUser(db, { role: "admin" });
});
afterEach(() => closeDatabase(db));

async function lastAudit() {
  const row = (await db.select().from(auditEvents).orderBy(auditEvents.id)).at(-1)!;
  return { ...row, detail: JSON.parse(row.detail) as Record<string, unknown> };
}

async function asyncRefusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (error instanceof DomainError) return error;
  throw new Error(`expected a DomainError, got ${String(error)}`);
}

const session = async (user: User) => (await createSession(db, { userId: user.id, secret: SECRET, now: clock.now() })).token;

describe("creating a user", () => {
  it("a new staff user gets a one-time password, stored only as a hash, that must be changed at the first sign-in", async () => {
    const branch = await createBranch(db);
    const { user, oneTimePassword } = await createUserWithOneTimePassword(
      db,
      admin,
      { email: "  New.Person@Example.com ", name: "New Person", role: "staff", branchId: branch.id },
      clock.now(),
      cheap,
    );
    expect(user).toMatchObject({ email: "new.person@example.com", role: "staff", branchId: branch.id, active: true, mustChangePassword: true });
    expect(oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(user.passwordHash).not.toContain(oneTimePassword);
    expect(await verifyPassword(oneTimePassword, user.passwordHash)).toBe(true);

    const result = await signIn(db, { email: "new.person@example.com", password: oneTimePassword, ipAddress: "10.0.0.1", secret: SECRET, now: clock.now() });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const lookup = await lookupSession(db, result.token, SECRET, clock.now());
    expect(lookup.status === "active" && lookup.user.mustChangePassword).toBe(true);
  });

  it("the audit records who created whom with which role and branch, never the password", async () => {
    const branch = await createBranch(db, { code: "LKS" });
    const { user, oneTimePassword } = await createUserWithOneTimePassword(db, admin, { email: "m@example.com", name: "M", role: "manager", branchId: branch.id }, clock.now(), cheap);
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: "user.created", actorId: admin.id, entityId: String(user.id) });
    expect(audit.detail).toEqual({ email: "m@example.com", name: "M", role: "manager", branch: "LKS", mustChangePassword: true });
    expect(JSON.stringify(audit)).not.toContain(oneTimePassword);
    expect(JSON.stringify(audit)).not.toContain(user.passwordHash);
  });

  it("staff and managers need a branch; finance and admins must not have one", async () => {
    const branch = await createBranch(db);
    const withoutBranch = await asyncRefusal(createUserWithOneTimePassword(db, admin, { email: "a@example.com", name: "A", role: "manager" }, clock.now(), cheap));
    expect(withoutBranch).toMatchObject({ code: "VALIDATION", field: "branchId" });
    const financeWithBranch = await asyncRefusal(createUserWithOneTimePassword(db, admin, { email: "b@example.com", name: "B", role: "finance", branchId: branch.id }, clock.now(), cheap));
    expect(financeWithBranch).toMatchObject({ code: "VALIDATION", field: "branchId" });
  });

  it("a user cannot be put in a branch that does not exist or is deactivated", async () => {
    const closed = await createBranch(db, { active: false });
    expect(await asyncRefusal(createUserWithOneTimePassword(db, admin, { email: "c@example.com", name: "C", role: "staff", branchId: 9999 }, clock.now(), cheap))).toMatchObject({ field: "branchId" });
    expect(await asyncRefusal(createUserWithOneTimePassword(db, admin, { email: "c@example.com", name: "C", role: "staff", branchId: closed.id }, clock.now(), cheap))).toMatchObject({
      field: "branchId",
      message: expect.stringContaining("deactivated"),
    });
  });

  it("an email address already in use, in any letter case, is refused beside the email field", async () => {
    await createUser(db, { role: "finance", email: "taken@example.com" });
    const error = await asyncRefusal(createUserWithOneTimePassword(db, admin, { email: "TAKEN@example.com", name: "T", role: "finance" }, clock.now(), cheap));
    expect(error).toMatchObject({ code: "CONFLICT", field: "email" });
  });

  it("only an administrator may create users", async () => {
    for (const role of ["staff", "manager", "finance"] as const) {
      const actor = await createUser(db, { role });
      const error = await asyncRefusal(createUserWithOneTimePassword(db, actor, { email: `${role}-made@example.com`, name: "X", role: "admin" }, clock.now(), cheap));
      expect(error.code).toBe("FORBIDDEN");
    }
    expect(await db.select().from(users).where(eq(users.role, "admin"))).toHaveLength(1);
  });
});

describe("changing role or branch", () => {
  it("moving a staff member to another branch is saved and audited with before and after", async () => {
    const from = await createBranch(db, { code: "AAA" });
    const to = await createBranch(db, { code: "BBB" });
    const staff = await createUser(db, { role: "staff", branchId: from.id });
    const updated = await updateUser(db, admin, { userId: staff.id, name: staff.name, role: "manager", branchId: to.id }, clock.now());
    expect(updated).toMatchObject({ role: "manager", branchId: to.id });
    expect(await lastAudit()).toMatchObject({ action: "user.updated", actorId: admin.id });
    expect((await lastAudit()).detail).toEqual({ roleBefore: "staff", roleAfter: "manager", branchBefore: "AAA", branchAfter: "BBB" });
  });

  it("a staff member made finance must leave their branch", async () => {
    const staff = await createUser(db, { role: "staff" });
    expect(await refusal(async () => await updateUser(db, admin, { userId: staff.id, name: staff.name, role: "finance", branchId: staff.branchId }, clock.now()))).toMatchObject({
      field: "branchId",
    });
    expect(await updateUser(db, admin, { userId: staff.id, name: staff.name, role: "finance", branchId: null }, clock.now())).toMatchObject({
      role: "finance",
      branchId: null,
    });
  });

  it("the last active administrator cannot be demoted; with a second admin it can", async () => {
    expect(await refusal(async () => await updateUser(db, admin, { userId: admin.id, name: admin.name, role: "finance" }, clock.now()))).toMatchObject({
      code: "INVALID_STATE",
      field: "role",
    });
    const other = await createUser(db, { role: "admin" });
    expect((await updateUser(db, other, { userId: admin.id, name: admin.name, role: "finance" }, clock.now())).role).toBe("finance");
  });

  it("a deactivated second admin does not count: the last active admin still cannot be demoted", async () => {
    await createUser(db, { role: "admin", active: false });
    expect((await refusal(async () => await updateUser(db, admin, { userId: admin.id, name: admin.name, role: "staff", branchId: (await createBranch(db)).id }, clock.now()))).code).toBe(
      "INVALID_STATE",
    );
  });

  it("saving without any change writes no audit event", async () => {
    const staff = await createUser(db, { role: "staff" });
    const before = (await db.select().from(auditEvents)).length;
    await updateUser(db, admin, { userId: staff.id, name: staff.name, role: "staff", branchId: staff.branchId }, clock.now());
    expect(await db.select().from(auditEvents)).toHaveLength(before);
  });
});

describe("deactivating and reactivating", () => {
  it("deactivation ends every session of the user at once and stops them signing in", async () => {
    const staff = await createUser(db, { role: "staff" });
    const tokens = [await session(staff), await session(staff)];
    expect(await countSessionsOf(db, staff.id)).toBe(2);

    await deactivateUser(db, admin, { userId: staff.id }, clock.now());

    expect(await countSessionsOf(db, staff.id)).toBe(0);
    for (const token of tokens) expect((await lookupSession(db, token, SECRET, clock.now())).status).toBe("none");
    expect(await lastAudit()).toMatchObject({ action: "user.deactivated", entityId: String(staff.id) });
    expect((await lastAudit()).detail).toMatchObject({ activeBefore: true, activeAfter: false, sessionsEnded: true });
  });

  it("an administrator cannot deactivate themselves", async () => {
    await createUser(db, { role: "admin" });
    expect((await refusal(async () => await deactivateUser(db, admin, { userId: admin.id }, clock.now()))).code).toBe("INVALID_STATE");
    expect((await firstRow(db.select().from(users).where(eq(users.id, admin.id)).limit(1)))?.active).toBe(true);
  });

  it("a deactivated user can be reactivated and sign in again with their password", async () => {
    const staff = await createUser(db, { role: "staff", active: false });
    expect((await reactivateUser(db, admin, { userId: staff.id }, clock.now())).active).toBe(true);
    expect((await lastAudit()).detail).toMatchObject({ activeBefore: false, activeAfter: true });
    expect((await refusal(async () => await reactivateUser(db, admin, { userId: staff.id }, clock.now()))).code).toBe("INVALID_STATE");
  });

  it("deactivating someone already deactivated is refused", async () => {
    const staff = await createUser(db, { role: "staff", active: false });
    expect((await refusal(async () => await deactivateUser(db, admin, { userId: staff.id }, clock.now()))).code).toBe("INVALID_STATE");
  });

  it("a manager cannot deactivate anyone, not even their own staff", async () => {
    const branch = await createBranch(db);
    const manager = await createUser(db, { role: "manager", branchId: branch.id });
    const staff = await createUser(db, { role: "staff", branchId: branch.id });
    expect((await refusal(async () => await deactivateUser(db, manager, { userId: staff.id }, clock.now()))).code).toBe("FORBIDDEN");
  });
});

describe("issuing a new one-time password", () => {
  it("replaces the old password, signs the user out everywhere and requires a change", async () => {
    const staff = await createUser(db, { role: "staff" });
    await session(staff);
    const { user, oneTimePassword } = await resetPasswordWithOneTimePassword(db, admin, { userId: staff.id }, clock.now(), cheap);
    expect(user.mustChangePassword).toBe(true);
    expect(await verifyPassword(oneTimePassword, user.passwordHash)).toBe(true);
    expect(await countSessionsOf(db, staff.id)).toBe(0);
    expect((await lastAudit()).action).toBe("user.password_reset");
    expect(JSON.stringify(await lastAudit())).not.toContain(oneTimePassword);
  });
});
