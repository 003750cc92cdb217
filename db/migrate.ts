// `npm run db:migrate`: applies pending migrations to DATABASE_URL (opening the database does it;
// db/migrations on SQLite, db/postgres/migrations on PostgreSQL),
// then moves into the database any receipt still kept only as a file (databases from before
// migration 0024; RECEIPTS_DIR, else data/receipts).
import { sql } from "drizzle-orm";
import { importReceiptFiles, receiptsFolder } from "../app/domain/gestures/receipts.server";
import { closeDatabase, databaseReady, db, isPostgres } from "../app/utils/db.server";
import { queryRow } from "../app/utils/query.server";
import { env } from "../app/utils/env.server";
import { shownDatabaseUrl } from "./engine";

await databaseReady(db); // on PostgreSQL, opening only starts the migration
const applied = (await queryRow<{ n: number }>(db, isPostgres(db) ? sql`select count(*) as n from drizzle.__drizzle_migrations` : sql`select count(*) as n from __drizzle_migrations`))!;
console.log(`Database ${shownDatabaseUrl(env.DATABASE_URL)} is migrated (${applied.n} migrations applied).`);
const receipts = await importReceiptFiles(db);
if (receipts.imported > 0) console.log(`Moved ${receipts.imported} receipt file(s) from ${receiptsFolder()} into the database; the files can be removed.`);
if (receipts.missing.length > 0) {
  console.error(
    `${receipts.missing.length} receipt(s) have no file in ${receiptsFolder()} with their recorded size and SHA-256 (${receipts.missing.slice(0, 5).join(", ")}${receipts.missing.length > 5 ? ", …" : ""}): set RECEIPTS_DIR to the old folder and run again.`,
  );
  process.exitCode = 1;
}
await closeDatabase(db);
