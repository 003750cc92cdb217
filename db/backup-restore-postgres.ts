// Backup and verified restore on PostgreSQL (issue 20), for `npm run db:backup` and `db:restore`
// when DATABASE_URL is postgres://. pg_dump takes one consistent snapshot while the app goes on
// writing (custom format: the schema, the data, then the triggers and indexes, so the guards do not
// fire while rows load). A dump is only kept once it has been restored into a scratch database and
// passed every check; a restore goes into a new database only, checked before it is announced.
// A managed service's own backups and point-in-time recovery remain the first line (README).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import { checkDatabase, type IntegrityReport } from "../app/domain/administration/integrity.server";
import { closeDatabase, openDatabase } from "../app/utils/database.server";
import { createDatabase, databaseName, dropDatabase, sameServer } from "./postgres/databases";

const execTool = promisify(execFile);

/** Runs pg_dump or pg_restore; a failure says what the tool said, never the command line (it holds the URL and its password). */
async function run(tool: string, args: string[]): Promise<void> {
  try {
    await execTool(tool, args);
  } catch (error) {
    const said = String((error as { stderr?: string }).stderr ?? "").trim();
    throw new Error(`${tool} failed: ${said || (error as Error).message.split("\n")[0]!.replace(/postgres(ql)?:\/\/\S+/g, "postgres://…")}`);
  }
}
const PG_DUMP = process.env.PG_DUMP ?? "pg_dump";
const PG_RESTORE = process.env.PG_RESTORE ?? "pg_restore";

export type PostgresBackupResult = { file: string; bytes: number; report: IntegrityReport };

/** pg_restore into the empty database at `url`, then every check of db:check. */
async function restoreAndCheck(dump: string, url: string): Promise<IntegrityReport> {
  await run(PG_RESTORE, ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", url, dump]);
  const db = openDatabase(url, { migrate: false });
  try {
    return await checkDatabase(db);
  } finally {
    await closeDatabase(db);
  }
}

/**
 * Dumps `source` into the new file `target` (never over one), then restores the dump into a scratch
 * database beside the source, checks it and drops it. The dump is renamed to `target` only when
 * the checks pass. The role needs CREATEDB for the scratch database.
 */
export async function verifiedPostgresBackup(source: string, target: string): Promise<PostgresBackupResult> {
  const to = resolve(target);
  if (existsSync(to)) throw new Error(`${to} already exists; choose a new file name (nothing is ever overwritten).`);
  mkdirSync(dirname(to), { recursive: true });
  const partial = `${to}.partial`;
  rmSync(partial, { force: true });
  const scratch = sameServer(source, `${databaseName(source)}_verify_${randomBytes(4).toString("hex")}`);
  let created = false;
  try {
    await run(PG_DUMP, ["--format=custom", "--no-owner", "--no-privileges", "--file", partial, source]);
    const bytes = statSync(partial).size;
    await createDatabase(scratch);
    created = true;
    const report = await restoreAndCheck(partial, scratch);
    if (report.ok) renameSync(partial, to);
    return { file: to, bytes, report };
  } finally {
    rmSync(partial, { force: true });
    if (created) await dropDatabase(scratch).catch(() => undefined);
  }
}

/** Restores a dump into the new database `target` (a postgres:// URL) and checks it; a restore that fails or fails its checks is dropped again. */
export async function verifiedPostgresRestore(dump: string, target: string): Promise<IntegrityReport> {
  if (!existsSync(resolve(dump))) throw new Error(`There is no backup at ${resolve(dump)}.`);
  await createDatabase(target);
  let report: IntegrityReport | undefined;
  try {
    report = await restoreAndCheck(resolve(dump), target);
    return report;
  } finally {
    if (!report?.ok) await dropDatabase(target).catch(() => undefined);
  }
}
