// A fresh migrated database per test: real SQLite in its own temporary file, or on the PostgreSQL
// run a copy of the migrated template database (created while the test goes on; its first query waits).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase as closeConnections, isPostgres, openDatabase, type Db } from "~/utils/db.server";
import { copyOfTemplate, dropDatabase, postgresAdminUrl } from "./postgres-databases";

const postgresNames = new WeakMap<Db, string>();

export function createTestDatabase(): Db {
  const adminUrl = postgresAdminUrl();
  if (adminUrl) {
    const database = copyOfTemplate(adminUrl);
    const db = openDatabase(database.url, { ready: database.created, migrate: false });
    postgresNames.set(db, database.name);
    return db;
  }
  const dir = mkdtempSync(join(tmpdir(), "empathy-fund-unit-"));
  return openDatabase(join(dir, "test.sqlite"));
}

export async function closeDatabase(db: Db) {
  await closeConnections(db);
  const name = postgresNames.get(db);
  const adminUrl = postgresAdminUrl();
  if (isPostgres(db) && name && adminUrl) await dropDatabase(adminUrl, name);
}
