// Factories for test data. Passwords are hashed once per run (scrypt is slow by design).
import { branches, crmImports, customers, organisation, signals, users, type Branch, type Customer, type Role, type Signal, type User } from "../../db/schema";
import { nameKeys } from "~/domain/customers/customer-rules";
import { hashPassword } from "~/domain/identity/passwords.server";
import type { Db } from "~/utils/db.server";
import { returnedRow } from "~/utils/query.server";

export const TEST_PASSWORD = "correct horse battery staple 42";
/**
 * Factory users get a cheap scrypt hash so that suites with hundreds of sign-ins stay quick on a
 * loaded machine. The production parameters are tested in tests/unit/identity/passwords.test.ts, and
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

/** The test organisation signs in with passwords alone unless a test asks for a second factor. */
export async function createOrganisation(db: Db, overrides: Partial<typeof organisation.$inferInsert> = {}) {
  return await db
    .insert(organisation)
    .values({ id: 1, name: "Test Bank", currency: "USD", timeZone: "America/New_York", secondFactorRequired: false, ...overrides })
    .onConflictDoNothing();
}

export async function createBranch(db: Db, overrides: Partial<typeof branches.$inferInsert> = {}): Promise<Branch> {
  const n = next();
  return await returnedRow(
    db
      .insert(branches)
      .values({ code: `B${n}`, name: `Branch ${n}`, region: "Test Region", ...overrides })
      .returning(),
  );
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
  const branchId = needsBranch ? options.branchId ?? (await createBranch(db)).id : null;
  const passwordHash = options.realisticHash
    ? await hashPassword(options.password ?? TEST_PASSWORD)
    : options.password
    ? await hashPassword(options.password, CHEAP_TEST_SCRYPT)
    : await testPasswordHashOnce();
  return await returnedRow(
    db
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
      .returning(),
  );
}

export async function createCustomer(db: Db, overrides: Partial<typeof customers.$inferInsert> & { branchId: number }): Promise<Customer> {
  const n = next();
  const name = overrides.name ?? `Customer ${n} Test${n}`;
  return await returnedRow(
    db
      .insert(customers)
      .values({
        crmRef: `C${String(n).padStart(6, "0")}`,
        customerSince: "2015-06-01",
        updatedAt: new Date("2026-01-01T00:00:00Z"),
        ...overrides,
        name,
        ...nameKeys(name),
      })
      .returning(),
  );
}

export async function createSignal(db: Db, customer: Pick<Customer, "id" | "branchId">, overrides: Partial<typeof signals.$inferInsert> = {}): Promise<Signal> {
  return await returnedRow(
    db
      .insert(signals)
      .values({
        customerId: customer.id,
        branchId: customer.branchId,
        kind: "complaint",
        occurredOn: "2026-03-01",
        source: "crm",
        severity: 2,
        createdAt: new Date("2026-03-01T12:00:00Z"),
        ...overrides,
      })
      .returning(),
  );
}

/** A previewed import with no rows (for access checks). */
export async function createImport(db: Db, uploader: Pick<User, "id" | "branchId">) {
  return await returnedRow(
    db
      .insert(crmImports)
      .values({
        kind: "customers",
        fileName: "test.csv",
        fileSha256: "0".repeat(64),
        uploadedById: uploader.id,
        branchScopeId: uploader.branchId,
        status: "previewed",
        totalRows: 0,
        validRows: 0,
        errorRows: 0,
      })
      .returning(),
  );
}
