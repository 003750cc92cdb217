// Factories for test data. Passwords are hashed once per run (scrypt is slow by design).
import { branches, organisation, users, type Branch, type Role, type User } from "../../db/schema";
import { hashPassword } from "~/domain/passwords.server";
import type { Db } from "~/utils/db.server";

export const TEST_PASSWORD = "correct horse battery staple 42";
/**
 * Factory users get a cheap scrypt hash so that suites with hundreds of sign-ins stay quick on a
 * loaded machine. The production parameters are tested in tests/unit/passwords.test.ts, and
 * `realisticHash: true` gives a user the production cost (for timing comparisons).
 */
export const CHEAP_TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
let testPasswordHash: Promise<string> | undefined;
export function testPasswordHashOnce() {
  testPasswordHash ??= hashPassword(TEST_PASSWORD, CHEAP_TEST_SCRYPT);
  return testPasswordHash;
}

let sequence = 0;
const next = () => ++sequence;

export function createOrganisation(db: Db) {
  return db
    .insert(organisation)
    .values({ id: 1, name: "Test Bank", currency: "USD", timeZone: "America/New_York" })
    .onConflictDoNothing()
    .run();
}

export function createBranch(db: Db, overrides: Partial<typeof branches.$inferInsert> = {}): Branch {
  const n = next();
  return db
    .insert(branches)
    .values({ code: `B${n}`, name: `Branch ${n}`, region: "Test Region", ...overrides })
    .returning()
    .get();
}

export async function createUser(
  db: Db,
  options: {
    role: Role;
    branchId?: number | null;
    email?: string;
    name?: string;
    active?: boolean;
    password?: string;
    realisticHash?: boolean;
    mustChangePassword?: boolean;
  },
): Promise<User> {
  const n = next();
  const needsBranch = options.role === "staff" || options.role === "manager";
  const branchId = needsBranch ? (options.branchId ?? createBranch(db).id) : null;
  const passwordHash = options.realisticHash
    ? await hashPassword(options.password ?? TEST_PASSWORD)
    : options.password
      ? await hashPassword(options.password, CHEAP_TEST_SCRYPT)
      : await testPasswordHashOnce();
  return db
    .insert(users)
    .values({
      email: options.email ?? `${options.role}.${n}@test.example`,
      name: options.name ?? `Test ${options.role} ${n}`,
      role: options.role,
      branchId,
      active: options.active ?? true,
      mustChangePassword: options.mustChangePassword ?? false,
      passwordHash,
    })
    .returning()
    .get();
}
