// Copies an SQLite database of the app, row for row, into a new PostgreSQL database (issue 20):
// how `npm run seed:scale -- --to postgres://…` gives PostgreSQL the very data the SQLite benchmark
// measures, so that the two engines are compared on the same rows.
//
// The target is dropped and created again, migrated, and every table emptied (the baseline seeds
// the catalogue and the policy; the copy brings its own). Rows load with triggers and foreign-key
// checks off (session_replication_role = replica, which needs a superuser): the source's own
// triggers checked every row as it was written, the kept summaries come across as rows, and the
// whole database passes the same checks as `npm run db:check` before the copy is announced.
// Ids are copied, so the identity sequences are moved past them afterwards.
import Database from "better-sqlite3";
import pg from "pg";
import { checkDatabase, describeReport, type IntegrityReport } from "../../app/domain/administration/integrity.server";
import { closeDatabase, openDatabase } from "../../app/utils/database.server";
import { engineOf, shownDatabaseUrl } from "../engine";
import { createDatabase, dropDatabase, quotedName } from "./databases";
import { migratePostgres, syncIdentitySequences } from "./migrate";

/** Rows per INSERT … SELECT FROM unnest(…): one array parameter per column, so any width fits. */
const BATCH_ROWS = 5_000;

type Column = { name: string; type: string };
export type LoadFigures = { tables: number; rows: number; seconds: Record<string, number>; report: IntegrityReport };

/** The columns a copy writes, per table: every column PostgreSQL does not compute itself. */
async function targetColumns(client: pg.Client): Promise<Map<string, Column[]>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; udt_name: string }>(
    `SELECT table_name, column_name, udt_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND is_generated = 'NEVER'
        AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
      ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, Column[]>();
  for (const row of rows) tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), { name: row.column_name, type: row.udt_name }]);
  return tables;
}

/** SQLite keeps booleans as 0/1; every other value (integers, text, blobs, null) goes across as it is. */
function converterFor(column: Column): (value: unknown) => unknown {
  if (column.type === "bool") return (value) => (value === null ? null : value !== 0);
  return (value) => value;
}

async function copyTable(source: Database.Database, client: pg.Client, table: string, columns: Column[]): Promise<number> {
  const names = columns.map((column) => quotedName(column.name)).join(", ");
  const convert = columns.map(converterFor);
  const insert = `INSERT INTO ${quotedName(table)} (${names}) SELECT * FROM unnest(${columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(", ")})`;
  const read = source.prepare(`SELECT ${names} FROM ${quotedName(table)}`).raw(true);
  let batch: unknown[][] = columns.map(() => []);
  let pending = 0;
  let copied = 0;
  const flush = async () => {
    if (pending === 0) return;
    await client.query(insert, batch);
    copied += pending;
    batch = columns.map(() => []);
    pending = 0;
  };
  for (const row of read.iterate() as IterableIterator<unknown[]>) {
    for (let i = 0; i < row.length; i++) batch[i]!.push(convert[i]!(row[i]));
    if (++pending === BATCH_ROWS) await flush();
  }
  await flush();
  return copied;
}

/** Replaces the database at `url` with a checked copy of the SQLite file `file`. */
export async function loadFromSqlite(file: string, url: string, progress: (line: string) => void = () => undefined): Promise<LoadFigures> {
  const seconds: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    seconds[label] = +((performance.now() - started) / 1000).toFixed(1);
    return result;
  };
  const source = new Database(file, { readonly: true, fileMustExist: true });
  let rows = 0;
  let tables = 0;
  try {
    await timed("create and migrate", async () => {
      await dropDatabase(url);
      await createDatabase(url);
      await migratePostgres(url);
    });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const columnsOf = await targetColumns(client);
      const sourceTables = new Set((source.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name));
      const missing = [...columnsOf.keys()].filter((table) => !sourceTables.has(table));
      if (missing.length > 0) throw new Error(`${file} has no ${missing.join(", ")}: migrate it first (npm run db:migrate).`);
      await timed("rows", async () => {
        await client.query("BEGIN");
        await client.query("SET LOCAL session_replication_role = replica");
        for (const [table, columns] of columnsOf) {
          await client.query(`DELETE FROM ${quotedName(table)}`);
          const copied = await copyTable(source, client, table, columns);
          if (copied > 0) progress(`  ${table}: ${copied.toLocaleString("en-US")} rows`);
          rows += copied;
          tables++;
        }
        await client.query("COMMIT");
      });
      await timed("identity sequences", () => syncIdentitySequences(client));
      await timed("analyze", () => client.query("ANALYZE"));
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      await client.end();
    }
  } finally {
    source.close();
  }
  const db = openDatabase(url, { migrate: false });
  try {
    const report = await timed("checks (integrity, ledger, audit)", () => checkDatabase(db));
    return { tables, rows, seconds, report };
  } finally {
    await closeDatabase(db);
  }
}

// `DATABASE_URL=postgres://… npx tsx db/postgres/load-from-sqlite.ts FILE` (`npm run seed:scale --
// --to postgres://…` runs it): the engine is the process's (decision 63), so the copy runs in a
// process of its own whose DATABASE_URL is the target.
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  const file = process.argv[2];
  if (!url || engineOf(url) !== "postgres" || !file) {
    console.error("Usage: DATABASE_URL=postgres://… npx tsx db/postgres/load-from-sqlite.ts FILE.sqlite");
    process.exit(2);
  }
  console.log(`Copying ${file} into ${shownDatabaseUrl(url)} (replaced if it exists)…`);
  const figures = await loadFromSqlite(file, url, (line) => console.log(line));
  console.log(`Copied ${figures.rows.toLocaleString("en-US")} rows of ${figures.tables} tables:`);
  for (const [label, seconds] of Object.entries(figures.seconds)) console.log(`  ${label}: ${seconds} s`);
  console.log(describeReport(figures.report));
  if (!figures.report.ok) process.exit(1);
}
