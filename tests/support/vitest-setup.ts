// Runs before each test file: every file gets its own database and a fixed test secret, so the
// app's one connection (app/utils/db.server.ts) opens a fresh migrated database: an SQLite file, or
// on the PostgreSQL run (`npm run test:postgres`) a copy of the migrated template database.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { copyOfTemplate } from "./postgres-databases";

const dir = mkdtempSync(join(tmpdir(), "empathy-fund-test-"));
const postgresAdminUrl = inject("postgresAdminUrl");
if (postgresAdminUrl) {
  const database = copyOfTemplate(postgresAdminUrl, "f");
  await database.created;
  process.env.TEST_POSTGRES_ADMIN_URL = postgresAdminUrl;
  process.env.DATABASE_URL = database.url;
} else {
  process.env.DATABASE_URL = join(dir, "app.sqlite");
}
process.env.SESSION_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
process.env.LOG_LEVEL = "silent";
process.env.RECEIPTS_DIR = join(dir, "receipts"); // only where receipts were files before migration 0024 (db:migrate moves them in)
