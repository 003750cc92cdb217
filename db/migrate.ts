// `npm run db:migrate`: applies pending migrations to DATABASE_URL (opening the database does it),
// then moves into the database any receipt still kept only as a file (databases from before
// migration 0024; RECEIPTS_DIR, else data/receipts).
import { importReceiptFiles, receiptsFolder } from "../app/domain/gestures/receipts.server";
import { db, sqliteOf } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";

const applied = sqliteOf(db).prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
console.log(`Database ${env.DATABASE_URL} is migrated (${applied.n} migrations applied).`);
const receipts = await importReceiptFiles(db);
if (receipts.imported > 0) console.log(`Moved ${receipts.imported} receipt file(s) from ${receiptsFolder()} into the database; the files can be removed.`);
if (receipts.missing.length > 0) {
  console.error(
    `${receipts.missing.length} receipt(s) have no file in ${receiptsFolder()} with their recorded size and SHA-256 (${receipts.missing.slice(0, 5).join(", ")}${receipts.missing.length > 5 ? ", …" : ""}): set RECEIPTS_DIR to the old folder and run again.`,
  );
  process.exitCode = 1;
}
sqliteOf(db).close();
