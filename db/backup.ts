// `npm run db:backup [-- --to FILE]`: a consistent copy of the live database (DATABASE_URL, the
// app may keep running and writing), checked before it is kept. Default: data/backups/<name>-<time>.sqlite,
// or on PostgreSQL a pg_dump archive data/backups/<database>-<time>.dump (db/backup-restore-postgres.ts).
import { describeReport } from "../app/domain/administration/integrity.server";
import { verifiedPostgresBackup } from "./backup-restore-postgres";
import { engineOf, shownDatabaseUrl } from "./engine";
import { optionValue, timestampedName, verifiedCopy } from "./backup-restore";

const source = process.env.DATABASE_URL ?? "data/empathy-fund.sqlite";
const started = performance.now();
if (engineOf(source) === "postgres") {
  const name = decodeURIComponent(new URL(source).pathname.slice(1));
  const target = optionValue(process.argv.slice(2), "--to") ?? timestampedName("data/backups", name, new Date()).replace(/\.sqlite$/, ".dump");
  try {
    const { file, bytes, report } = await verifiedPostgresBackup(source, target);
    console.log(describeReport(report));
    if (!report.ok) {
      console.error(`Backup FAILED its checks (restored into a scratch database) and was removed. The source database may need attention: run npm run db:check.`);
      process.exit(1);
    }
    console.log(`Backed up ${shownDatabaseUrl(source)} to ${file} (${bytes} bytes, restored and checked) in ${Math.round(performance.now() - started)} ms.`);
  } catch (error) {
    console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  process.exit(0);
}

const target = optionValue(process.argv.slice(2), "--to") ?? timestampedName("data/backups", source, new Date());
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
