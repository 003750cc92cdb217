// `npm run db:seed [-- --if-empty]`: a small, deterministic demo organisation. Later issues extend
// it. Every demo account's password is DEMO_PASSWORD (listed in the README).
import { count } from "drizzle-orm";
import { recordAudit } from "../app/domain/core/audit.server";
import { hashPassword } from "../app/domain/identity/passwords.server";
import { closeDatabase, db, type Db } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";
import { shownDatabaseUrl } from "./engine";
import { seedCustomers } from "./seed-customers";
import { seedBudgets } from "./seed-budgets";
import { seedGestures } from "./seed-gestures";
import { seedPatterns } from "./seed-patterns";
import { seedStories } from "./seed-stories";
import { seedHistory } from "./seed-history";
import { branches, organisation, users, type Role } from "./schema";

import { DEMO_PASSWORD } from "./demo-password";
import { firstRow, returnedRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";
import { eachInSeries } from "~/utils/in-series";

export { DEMO_PASSWORD };
/** A fixed instant so that the seed is the same on every machine. */
const SEED_TIME = new Date("2026-01-05T09:00:00Z");
const ORGANISATION_TIME_ZONE = "America/New_York";

const BRANCHES = [
  { code: "NTH", name: "North", region: "Northern Region" },
  { code: "LKS", name: "Lakeside", region: "Northern Region" },
  { code: "STH", name: "South", region: "Southern Region" },
  { code: "HBR", name: "Harbour", region: "Southern Region" },
  { code: "CTY", name: "City Centre", region: "Southern Region" },
] as const;

type SeedUser = { email: string; name: string; role: Role; branch: string | null; active?: boolean };

export const DEMO_USERS: readonly SeedUser[] = [
  { email: "staff.north@example.com", name: "Sam Carter", role: "staff", branch: "NTH" },
  { email: "manager.north@example.com", name: "Maria Lopez", role: "manager", branch: "NTH" },
  { email: "staff.south@example.com", name: "Jordan Lee", role: "staff", branch: "STH" },
  { email: "manager.south@example.com", name: "Aisha Bello", role: "manager", branch: "STH" },
  { email: "finance@example.com", name: "Frank Osei", role: "finance", branch: null },
  { email: "admin@example.com", name: "Alex Morgan", role: "admin", branch: null },
];

const OTHER_USERS: readonly SeedUser[] = [
  { email: "priya.shah@example.com", name: "Priya Shah", role: "staff", branch: "NTH" },
  { email: "tom.becker@example.com", name: "Tom Becker", role: "staff", branch: "STH" },
  { email: "lena.ortiz@example.com", name: "Lena Ortiz", role: "manager", branch: "LKS" },
  { email: "marcus.hale@example.com", name: "Marcus Hale", role: "staff", branch: "LKS" },
  { email: "grace.kim@example.com", name: "Grace Kim", role: "manager", branch: "HBR" },
  { email: "owen.price@example.com", name: "Owen Price", role: "staff", branch: "HBR" },
  { email: "nadia.rahman@example.com", name: "Nadia Rahman", role: "manager", branch: "CTY" },
  { email: "ben.okafor@example.com", name: "Ben Okafor", role: "staff", branch: "CTY" },
  { email: "farah.nasser@example.com", name: "Farah Nasser", role: "finance", branch: null },
  { email: "dan.moss@example.com", name: "Dan Moss", role: "staff", branch: "NTH", active: false },
];

export async function seed(
  database: Db,
  now = new Date(),
): Promise<{ users: number; branches: number; customers: number; signals: number; pools: number; entries: number; gestures: number; stories: number }> {
  const everyone = [...DEMO_USERS, ...OTHER_USERS];
  // Hash before the transaction: better-sqlite3 transactions must stay synchronous. The demo
  // password is published, so one hash (one salt) serves every demo account: scrypt at OWASP's
  // parameters costs ~0.3 s a hash, and the seed should stay quick as it grows.
  const demoHash = await hashPassword(DEMO_PASSWORD);
  const people = await writeTransaction(database, async (tx) => {
    await tx.insert(organisation).values({
      id: 1,
      name: "Northvale Bank",
      currency: "USD",
      timeZone: ORGANISATION_TIME_ZONE,
      periodLength: "quarter",
      unspentBalanceRule: "lapse",
      // The demo accounts sign in with their password alone (README); a real organisation
      // starts with the second factor required (the column's default).
      secondFactorRequired: false,
      updatedAt: SEED_TIME,
    });
    const branchIds = new Map<string, number>();
    for (const branch of BRANCHES) {
      const row = await returnedRow(
        tx
          .insert(branches)
          .values({ ...branch, createdAt: SEED_TIME })
          .returning({ id: branches.id }),
      );
      branchIds.set(branch.code, row.id);
    }
    let adminId: number | null = null;
    await eachInSeries(everyone, async (user) => {
      const row = await returnedRow(
        tx
          .insert(users)
          .values({
            email: user.email,
            name: user.name,
            role: user.role,
            branchId: user.branch ? branchIds.get(user.branch)! : null,
            active: user.active ?? true,
            passwordHash: demoHash,
            createdAt: SEED_TIME,
          })
          .returning({ id: users.id }),
      );
      if (user.role === "admin" && adminId === null) adminId = row.id;
    });
    await recordAudit(tx, {
      actorId: null,
      action: "system.seeded",
      entity: "organisation",
      entityId: 1,
      detail: { branches: BRANCHES.length, users: everyone.length },
      at: SEED_TIME,
    });
    // Customers and signals are dated relative to `now`, so that suggestions exist whenever the demo runs.
    const context = await seedCustomers(tx, { branchIds, now, timeZone: ORGANISATION_TIME_ZONE, actorId: adminId });
    return { users: everyone.length, branches: BRANCHES.length, ...context };
  });
  // The budgets follow the day the seed runs, so that the demo always has a current quarter.
  const budgets = await writeTransaction(database, async (tx) => await seedBudgets(tx, { now, timeZone: ORGANISATION_TIME_ZONE }));
  // Proposals in every state of the approval workflow, through its own functions (one transaction each).
  const gestures = await seedGestures(database, { now });
  const patterns = await seedPatterns(database, { now, timeZone: ORGANISATION_TIME_ZONE });
  // Stories of the gestures customers thanked for: published, waiting for review, returned.
  const told = await seedStories(database, { now });
  // Four quarters of fulfilled gestures with responses and what followed, after the others so their ids stay put.
  const history = await seedHistory(database, { now, timeZone: ORGANISATION_TIME_ZONE });
  return {
    ...people,
    ...budgets,
    signals: people.signals + history.signals,
    gestures: gestures.gestures + patterns.gestures + told.gestures + history.gestures,
    stories: told.stories,
  };
}

async function isEmpty(database: Db): Promise<boolean> {
  return ((await firstRow(database.select({ n: count() }).from(users).limit(1)))?.n ?? 0) === 0;
}

async function main() {
  const ifEmpty = process.argv.includes("--if-empty");
  if (!(await isEmpty(db))) {
    if (ifEmpty) {
      console.log(`Database ${shownDatabaseUrl(env.DATABASE_URL)} already has data; not seeding.`);
      return;
    }
    console.error(`Database ${shownDatabaseUrl(env.DATABASE_URL)} already has data. Seed an empty database (delete the file to start over).`);
    process.exitCode = 1;
    return;
  }
  const started = Date.now();
  const result = await seed(db);
  console.log(
    `Seeded ${shownDatabaseUrl(env.DATABASE_URL)}: ${result.branches} branches, ${result.users} users, ${result.customers} customers, ${result.signals} signals, ${result.pools} budget pools with ${
      result.entries
    } ledger entries, ${result.gestures} gesture proposals, ${result.stories} stories in ${Date.now() - started} ms. Demo password: ${DEMO_PASSWORD}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
  await closeDatabase(db);
}
