// Online backup and verified restore of the SQLite database, shared by `npm run db:backup` and
// `npm run db:restore`. Both use SQLite's online backup API (never a file copy, which can tear a
// page mid-write) and both check the result before calling it good.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { checkDatabase, type IntegrityReport } from "../app/domain/administration/integrity.server";
import { openDatabase, sqliteOf } from "../app/utils/database.server";

/** All remaining pages in one step: one read transaction, so the copy is one consistent snapshot
 * while writers carry on (WAL), and a concurrent write cannot restart a half-done copy. */
const ALL_PAGES = 0x7fffffff;

export type CopyResult = { file: string; pages: number; report: IntegrityReport };

/**
 * Copies `source` into the new file `target` through the backup API, then opens the copy and runs
 * every integrity check. The copy is written under a temporary name and only renamed to `target`
 * when the checks pass; a failed copy is removed. Refuses to overwrite anything.
 */
export async function verifiedCopy(source: string, target: string): Promise<CopyResult> {
  const from = resolve(source);
  const to = resolve(target);
  if (!existsSync(from)) throw new Error(`There is no database at ${from}.`);
  if (existsSync(to)) throw new Error(`${to} already exists; choose a new file name (nothing is ever overwritten).`);
  mkdirSync(dirname(to), { recursive: true });
  const partial = `${to}.partial`;
  rmSync(partial, { force: true });

  const removePartial = () => {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${partial}${suffix}`, { force: true });
  };
  try {
    const pages = await copyPages(from, partial);
    const report = await checkCopy(partial);
    if (!report.ok) {
      removePartial();
      return { file: to, pages, report };
    }
    for (const suffix of ["-wal", "-shm"]) rmSync(`${partial}${suffix}`, { force: true });
    renameSync(partial, to);
    return { file: to, pages, report };
  } catch (error) {
    // A copy that cannot even be opened (a damaged file) is never left behind.
    removePartial();
    throw error;
  }
}

async function copyPages(from: string, to: string): Promise<number> {
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    const result = await source.backup(to, { progress: () => ALL_PAGES });
    return result.totalPages;
  } finally {
    source.close();
  }
}

/** Opens the copy (which migrates one from an older release) and runs every check. */
async function checkCopy(file: string): Promise<IntegrityReport> {
  const copy = openDatabase(file);
  try {
    const report = await checkDatabase(copy);
    // A self-contained single file (the app turns WAL back on when it opens it).
    sqliteOf(copy).pragma("journal_mode = DELETE");
    return report;
  } finally {
    sqliteOf(copy).close();
  }
}

/** `name-20261123T101500Z.sqlite` beside a folder of backups. */
export function timestampedName(folder: string, databaseFile: string, now: Date): string {
  const base = databaseFile
    .split("/")
    .pop()!
    .replace(/\.sqlite$/, "");
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return resolve(folder, `${base}-${stamp}.sqlite`);
}

/** `--to value` or `--to=value` from argv. */
export function optionValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}
