// `npm run db:restore -- BACKUP_FILE --to NEW_FILE`: restores a backup into a new database file
// (never over an existing one) and verifies it: integrity, the ledger's invariants and the audit
// chain. Then point DATABASE_URL at the new file and restart the app. On PostgreSQL:
// `-- DUMP --to postgres://…/new_database` (created here; refused if it exists).
import { describeReport } from "../app/domain/administration/integrity.server";
import { verifiedPostgresRestore } from "./backup-restore-postgres";
import { engineOf, shownDatabaseUrl } from "./engine";
import { optionValue, verifiedCopy } from "./backup-restore";

const args = process.argv.slice(2);
const backup = args.find((arg, index) => !arg.startsWith("--") && args[index - 1] !== "--to");
const target = optionValue(args, "--to");
if (!backup || !target) {
  console.error("Usage: npm run db:restore -- <backup file> --to <new database file | postgres://…/new_database>");
  process.exit(2);
}
if (engineOf(target) === "postgres") {
  try {
    const report = await verifiedPostgresRestore(backup, target);
    console.log(describeReport(report));
    if (!report.ok) {
      console.error(`Restore FAILED verification; the new database was dropped. Try an earlier backup.`);
      process.exit(1);
    }
    console.log(`Restored ${backup} into ${shownDatabaseUrl(target)}. Start the app with DATABASE_URL set to it.`);
  } catch (error) {
    console.error(`Restore failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  process.exit(0);
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
