// `npm run db:restore -- BACKUP_FILE --to NEW_FILE`: restores a backup into a new database file
// (never over an existing one) and verifies it: integrity, the ledger's invariants and the audit
// chain. Then point DATABASE_URL at the new file and restart the app.
import { describeReport } from "../app/domain/administration/integrity.server";
import { engineOf } from "./engine";
import { optionValue, verifiedCopy } from "./backup-restore";

if (engineOf(process.env.DATABASE_URL) === "postgres") {
  // Not yet on PostgreSQL (issue 20, part 5): there, use the managed service's backups and
  // point-in-time recovery, or pg_dump / pg_restore (README, "Running on PostgreSQL").
  console.error("npm run db:restore copies SQLite files. On PostgreSQL use pg_dump --format=custom and pg_restore into a new database, then npm run db:check on it (README, Running on PostgreSQL).");
  process.exit(2);
}

const args = process.argv.slice(2);
const backup = args.find((arg, index) => !arg.startsWith("--") && args[index - 1] !== "--to");
const target = optionValue(args, "--to");
if (!backup || !target) {
  console.error("Usage: npm run db:restore -- <backup file> --to <new database file>");
  process.exit(2);
}
try {
  const { file, report } = await verifiedCopy(backup, target);
  console.log(describeReport(report));
  if (!report.ok) {
    console.error(`Restore FAILED verification; nothing was kept. Try an earlier backup.`);
    process.exit(1);
  }
  console.log(`Restored ${backup} into ${file}. Start the app with DATABASE_URL=${file}.`);
} catch (error) {
  console.error(`Restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
