// SQLite's own schema at work (issue 20): run by `npm run test:unit` only; the PostgreSQL twins of these
// guards are in tests/postgres/baseline.test.ts, and the PostgreSQL run leaves *.sqlite.test.ts out.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLedger } from "~/domain/administration/integrity.server";
import { closePeriod } from "~/domain/budget/budget-periods.server";
import { adjust, allocate, placeHold, releaseHold } from "~/domain/budget/ledger.server";
import { DomainError } from "~/domain/core/errors";
import { sqliteOf, type Db } from "~/utils/db.server";
import { ledgerEntries } from "../../../db/schema";
import { key, setupBudget } from "../../support/budget";
import { closeDatabase, createTestDatabase } from "../../support/database";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

// Q4 2026 in New York.
const NOV = new Date("2026-11-10T15:00:00Z");
const JAN = new Date("2027-01-04T15:00:00Z");
const staffActor = { id: null };

async function domainError(fn: () => unknown): Promise<DomainError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("the database guards the ledger", () => {
  it("refuses updates and deletes of ledger entries and holds", async () => {
    const { pools } = await setupBudget(db, { branches: 1, now: NOV });
    const { holdId } = await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 100, idempotencyKey: key(), now: NOV });
    const sqlite = sqliteOf(db);
    expect(() => sqlite.prepare("update ledger_entries set amount = 1 where id = 1").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("delete from ledger_entries where id = 1").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("delete from holds where id = ?").run(holdId)).toThrow(/deletes are refused/);
    expect(() => sqlite.prepare("update holds set amount = 1 where id = ?").run(holdId)).toThrow(/resolves exactly once/);
  });

  it("refuses a second resolution of a hold", async () => {
    const { pools } = await setupBudget(db, { branches: 1, now: NOV });
    const { holdId } = await placeHold(db, staffActor, { poolId: pools[0]!.id, amount: 100, idempotencyKey: key(), now: NOV });
    await releaseHold(db, staffActor, { holdId, idempotencyKey: key(), now: NOV });
    const sqlite = sqliteOf(db);
    expect(() => sqlite.prepare("update holds set status = 'captured' where id = ?").run(holdId)).toThrow(/resolves exactly once/);
    expect(() => sqlite.prepare("update holds set status = 'open', resolved_at = null where id = ?").run(holdId)).toThrow(/resolves exactly once/);
    // A second release entry for the same hold breaks the one-release-per-hold index.
    const last = (await db.select().from(ledgerEntries)).at(-1)!;
    expect(() =>
      sqlite
        .prepare("insert into ledger_entries (pool_id, kind, amount, balance_after, hold_id, at, pool_seq) values (?, 'release', 100, ?, ?, 0, ?)")
        .run(last.poolId, last.balanceAfter + 100, holdId, last.poolSeq + 1),
    ).toThrow(/UNIQUE/);
  });

  it("refuses amounts that are not whole cents, signs that do not fit the kind, and broken running balances", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [1_000], now: NOV });
    const poolId = pools[0]!.id;
    const insert = (kind: string, amount: number, balanceAfter: number, memo: string | null = null) =>
      sqliteOf(db)
        .prepare(
          "insert into ledger_entries (pool_id, kind, amount, balance_after, memo, at, pool_seq) values (?, ?, ?, ?, ?, 0, (select coalesce(max(pool_seq), 0) + 1 from ledger_entries where pool_id = ?))",
        )
        .run(poolId, kind, amount, balanceAfter, memo, poolId);
    expect(() => insert("allocation", 10.5, 1_010.5)).toThrow(/CHECK/);
    expect(() => insert("allocation", -10, 990)).toThrow(/CHECK/);
    expect(() => insert("adjustment", -10, 990)).toThrow(/CHECK/); // no reason
    expect(() => insert("adjustment", -1_001, -1, "Too much")).toThrow(/CHECK/);
    expect(() => insert("allocation", 10, 5_000)).toThrow(/balance_after must be/);
    expect(() => insert("allocation", 10, 1_010)).not.toThrow();
  });

  it("numbers each pool's entries 1, 2, 3… and refuses a second entry after the same one, by trigger and by unique index", async () => {
    const { pools } = await setupBudget(db, { branches: 1, amounts: [1_000], now: NOV });
    const poolId = pools[0]!.id;
    await placeHold(db, staffActor, { poolId, amount: 100, idempotencyKey: key(), now: NOV });
    await placeHold(db, staffActor, { poolId, amount: 200, idempotencyKey: key(), now: NOV });
    const entries = await db.select().from(ledgerEntries).where(eq(ledgerEntries.poolId, poolId));
    expect(entries.map((e) => e.poolSeq)).toEqual(entries.map((_, i) => i + 1));
    const last = entries.at(-1)!;
    // A writer that read the same last entry as another (a race the app's lock prevents on SQLite
    // and the unique index prevents on PostgreSQL) appends with the same number.
    const fork = () =>
      sqliteOf(db)
        .prepare("insert into ledger_entries (pool_id, kind, amount, balance_after, memo, at, pool_seq) values (?, 'adjustment', -1, ?, 'Fork', 0, ?)")
        .run(poolId, last.balanceAfter - 1, last.poolSeq);
    expect(fork).toThrow(/pool_seq must be the number of the pool's previous entry plus one/);
    sqliteOf(db).exec("drop trigger ledger_entries_pool_sequence");
    expect(fork).toThrow(/UNIQUE constraint failed: ledger_entries.pool_id, ledger_entries.pool_seq/);
    // db:check finds a numbering that skips, written past the guards.
    expect(await checkLedger(db)).toEqual([]);
    sqliteOf(db).exec(`drop trigger ledger_entries_no_update; update ledger_entries set pool_seq = pool_seq + 5 where id = ${last.id}`);
    expect(await checkLedger(db)).toEqual([{ rule: "a pool's entries are numbered 1, 2, 3… in the order they were written (pool_seq)", examples: [last.id] }]);
  });

  it("refuses new holds and entries on a closed period's pools", async () => {
    const { finance, pools, periodId } = await setupBudget(db, { branches: 1, amounts: [1_000], now: NOV });
    await closePeriod(db, finance, { periodId, carryOpenHolds: false, now: JAN });
    const poolId = pools[0]!.id;
    expect(await domainError(async () => await placeHold(db, staffActor, { poolId, amount: 1, idempotencyKey: key(), now: JAN }))).toMatchObject({
      code: "INVALID_STATE",
      message: `Q4 2026 is closed: ${pools[0]!.branchName}'s pool takes no new holds.`,
    });
    expect((await domainError(async () => await allocate(db, finance, { poolId, amount: 1, idempotencyKey: key(), now: JAN }))).code).toBe("INVALID_STATE");
    expect((await domainError(async () => await adjust(db, finance, { poolId, amount: 1, reason: "x", idempotencyKey: key(), now: JAN }))).code).toBe("INVALID_STATE");
    expect(() => sqliteOf(db).prepare("insert into holds (pool_id, amount, created_at) values (?, 1, 0)").run(poolId)).toThrow(/closed/);
  });
});
