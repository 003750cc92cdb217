// Factories for test data. Passwords are hashed once per run (scrypt is slow by design).
import { branches, organisation, users, type Branch, type Role, type User } from "../../db/schema";
import { hashPassword } from "~/domain/passwords.server";
import type { Db } from "~/utils/db.server";

export const TEST_PASSWORD = "correct horse battery staple 42";
let testPasswordHash: Promise<string> | undefined;
export function testPasswordHashOnce() {
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
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
  options: { role: Role; branchId?: number | null; email?: string; name?: string; active?: boolean; password?: string },
): Promise<User> {
  const n = next();
  const needsBranch = options.role === "staff" || options.role === "manager";
  const branchId = needsBranch ? (options.branchId ?? createBranch(db).id) : null;
  const passwordHash = options.password ? await hashPassword(options.password) : await testPasswordHashOnce();
  return db
    .insert(users)
    .values({
      email: options.email ?? `${options.role}.${n}@test.example`,
      name: options.name ?? `Test ${options.role} ${n}`,
      role: options.role,
      branchId,
      active: options.active ?? true,
      passwordHash,
    })
    .returning()
    .get();
}
