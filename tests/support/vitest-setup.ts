// Runs before each test file: every file gets its own database file and a fixed test secret, so
// the app's one connection (app/utils/db.server.ts) opens a fresh migrated database.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "empathy-fund-test-"));
process.env.DATABASE_URL = join(dir, "app.sqlite");
process.env.SESSION_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
process.env.LOG_LEVEL = "silent";
process.env.RECEIPTS_DIR = join(dir, "receipts"); // only where receipts were files before migration 0024 (db:migrate moves them in)
