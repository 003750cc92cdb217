// A fresh migrated database per test, in its own temporary file (real SQLite, real migrations).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, sqliteOf, type Db } from "~/utils/db.server";

export function createTestDatabase(): Db {
  const dir = mkdtempSync(join(tmpdir(), "empathy-fund-unit-"));
  return openDatabase(join(dir, "test.sqlite"));
}

export function closeDatabase(db: Db) {
  sqliteOf(db).close();
}
