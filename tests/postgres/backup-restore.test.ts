// db:backup and db:restore on PostgreSQL (issue 20): a pg_dump archive is kept only after it was
// restored into a scratch database and passed every check; a restore goes into a new database only,
// and a damaged archive leaves no database behind.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeHold } from "~/domain/budget/ledger.server";
import { closeDatabase, openDatabase, type Db } from "~/utils/db.server";
import { execute, queryRow } from "~/utils/query.server";
import { verifiedPostgresBackup, verifiedPostgresRestore } from "../../db/backup-restore-postgres";
import { sameServer } from "../../db/postgres/databases";
import { key, setupBudget } from "../support/budget";
import { copyOfTemplate, postgresAdminUrl } from "../support/postgres-databases";

const NOV = new Date("2026-11-10T15:00:00Z");
let source: { url: string; db: Db };
const dir = mkdtempSync(join(tmpdir(), "empathy-fund-pg-backup-"));

async function databases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>("SELECT datname FROM pg_database")).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

async function counts(db: Db) {
  return await queryRow(db, sql`select (select count(*) from ledger_entries) as entries, (select count(*) from holds) as holds, (select count(*) from audit_events) as events`);
}

beforeAll(async () => {
  const copy = copyOfTemplate(postgresAdminUrl()!);
  const db = openDatabase(copy.url, { ready: copy.created, migrate: false });
  const { pools } = await setupBudget(db, { branches: 2, now: NOV });
  for (let i = 0; i < 5; i++) await placeHold(db, { id: null }, { poolId: pools[i % 2]!.id, amount: 100 + i, idempotencyKey: key(), now: NOV });
  source = { url: copy.url, db };
}, 60_000);
afterAll(() => closeDatabase(source.db));

describe("backup and restore on PostgreSQL", () => {
  it("backs up to a checked archive and restores it into a new database with every row and the guards", async () => {
    const before = await databases();
    const backup = await verifiedPostgresBackup(source.url, join(dir, "bank.dump"));
    expect(backup.report.ok).toBe(true);
    expect(existsSync(backup.file)).toBe(true);
    expect(await databases()).toEqual(before); // the scratch database is gone again

    const target = sameServer(source.url, "restored_bank");
    const report = await verifiedPostgresRestore(backup.file, target);
    expect(report).toMatchObject({ ok: true, ledgerProblems: [], audit: { ok: true } });
    const restored = openDatabase(target, { migrate: false });
    try {
      expect(await counts(restored)).toEqual(await counts(source.db));
      expect((await counts(restored)) as { entries: number }).toMatchObject({ entries: 2 + 5 });
      // The guards came back with the schema: the ledger is still append-only.
      await expect(execute(restored, sql`update ledger_entries set amount = 1`)).rejects.toThrow();
    } finally {
      await closeDatabase(restored);
    }
  });

  it("never restores over an existing database, and a damaged archive leaves no database behind", async () => {
    const backup = await verifiedPostgresBackup(source.url, join(dir, "again.dump"));
    await expect(verifiedPostgresRestore(backup.file, source.url)).rejects.toThrow(/already exists/);
    expect((await counts(source.db)) as { entries: number }).toMatchObject({ entries: 7 });

    const damaged = join(dir, "damaged.dump");
    writeFileSync(damaged, readFileSync(backup.file).subarray(0, 4000));
    await expect(verifiedPostgresRestore(damaged, sameServer(source.url, "from_damaged"))).rejects.toThrow(/pg_restore failed/);
    expect(await databases()).not.toContain("from_damaged");
  });

  it("refuses to write over an existing backup file", async () => {
    await expect(verifiedPostgresBackup(source.url, join(dir, "bank.dump"))).rejects.toThrow(/already exists/);
  });
});
