// `npm run db:backup [-- --to FILE]`: a consistent copy of the live database (DATABASE_URL, the
// app may keep running and writing), checked before it is kept. Default: data/backups/<name>-<time>.sqlite.
import { describeReport } from "../app/domain/administration/integrity.server";
import { engineOf } from "./engine";
import { optionValue, timestampedName, verifiedCopy } from "./backup-restore";

if (engineOf(process.env.DATABASE_URL) === "postgres") {
  // Not yet on PostgreSQL (issue 20, part 5): there, use the managed service's backups and
  // point-in-time recovery, or pg_dump / pg_restore (README, "Running on PostgreSQL").
  console.error("npm run db:backup copies SQLite files. On PostgreSQL use pg_dump --format=custom and pg_restore into a new database, then npm run db:check on it (README, Running on PostgreSQL).");
  process.exit(2);
}

const source = process.env.DATABASE_URL ?? "data/empathy-fund.sqlite";
const target = optionValue(process.argv.slice(2), "--to") ?? timestampedName("data/backups", source, new Date());
const started = performance.now();
try {
  const { file, pages, report } = await verifiedCopy(source, target);
  console.log(describeReport(report));
  if (!report.ok) {
    console.error(`Backup FAILED its checks and was removed. The source database may need attention: run npm run db:check.`);
    process.exit(1);
  }
  console.log(`Backed up ${source} to ${file} (${pages} pages) in ${Math.round(performance.now() - started)} ms.`);
} catch (error) {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
