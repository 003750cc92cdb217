// Opening SQLite with the settings money needs. No side effects: scripts that work on another file
// (backup, restore) import this; the app's one connection lives in db.server.ts.
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { engineOf } from "../../db/engine";
import * as schema from "../../db/schema";
import { closePostgres, isPostgres, openPostgresDatabase, postgresReady, postgresWriteTransaction } from "./database-postgres.server";

export type Db = BetterSQLite3Database<typeof schema>;
/** What a transaction callback receives; domain functions accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export const MIGRATIONS_FOLDER = resolve(process.env.MIGRATIONS_DIR ?? "db/migrations");
const BUSY_TIMEOUT_MS = 5000;

/**
 * Per-connection memory for SQLite (decision 48): the page cache in MB (SQLite's default is 2 MB,
 * tiny beside a bank-scale file of 1.7 GB) and how much of the file may be memory-mapped (reads then
 * come from the OS page cache without a copy). `SQLITE_CACHE_MB` / `SQLITE_MMAP_MB` override; 0 turns
 * either off. The export worker's read-only connection keeps SQLite's defaults (it reads a range once).
 */
export function sqliteMemorySettings(): { cacheMb: number; mmapMb: number } {
  const read = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    return Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return { cacheMb: read("SQLITE_CACHE_MB", DEFAULT_CACHE_MB), mmapMb: read("SQLITE_MMAP_MB", DEFAULT_MMAP_MB) };
}
const DEFAULT_CACHE_MB = 64;
const DEFAULT_MMAP_MB = 2048;

/** Applies `sqliteMemorySettings()` to a connection. */
export function applyMemorySettings(sqlite: Database.Database) {
  const { cacheMb, mmapMb } = sqliteMemorySettings();
  if (cacheMb > 0) sqlite.pragma(`cache_size = -${Math.round(cacheMb * 1024)}`);
  sqlite.pragma(`mmap_size = ${Math.round(mmapMb * 1024 * 1024)}`);
}

/**
 * A worker thread's own read connection (exports, reports): the SQLite file read-only beside the
 * app's writer (WAL), with the server's memory settings when `memorySettings`; on PostgreSQL a pool
 * of `poolSize` connections of its own (the worker's queries never wait behind the server's).
 */
export function openReadConnection(location: string, options: { poolSize: number; memorySettings: boolean }): { db: Db; close: () => Promise<void> } {
  if (engineOf(location) === "postgres") {
    const db = openPostgresDatabase(location, { migrate: false, poolSize: options.poolSize }) as unknown as Db;
    return { db, close: () => closePostgres(db) };
  }
  const sqlite = new Database(location, { readonly: true, fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (options.memorySettings) applyMemorySettings(sqlite);
  const close = async () => {
    sqlite.close();
  };
  return { db: drizzle(sqlite, { schema }), close };
}

/** Where a worker thread finds the app's database: the URL as it is, or the file's absolute path. */
export function locationForWorkers(url: string): string {
  return engineOf(url) === "postgres" ? url : resolve(url);
}

/**
 * Opens the database DATABASE_URL names (issue 20): an SQLite file with the settings money needs
 * (checked), or a PostgreSQL database (`postgres://…`, database-postgres.server.ts). Pending
 * migrations are applied unless `migrate: false`: at once on SQLite; on PostgreSQL before the first
 * query runs (`databaseReady` waits for it). `ready`: PostgreSQL only, a promise the first query
 * waits for (a test database still being created).
 */
export function openDatabase(file: string, options: { migrate?: boolean; ready?: Promise<unknown> } = {}): Db {
  if (engineOf(file) === "postgres") return openPostgresDatabase(file, options) as unknown as Db;
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  applyMemorySettings(sqlite);
  checkPragmas(sqlite, file);
  reuseStatements(sqlite);
  keepOthersOutOfTransactions(sqlite, file);
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}

const STATEMENT_CACHE_SIZE = 1000;

/**
 * Keeps the connection's compiled statements (decision 52). drizzle calls `prepare(sql)` for every
 * query it runs, and SQLite compiles the text afresh each time: measured on an approval, compiling
 * was 12% of the server's CPU. The same text now gets the same compiled statement back, up to
 * STATEMENT_CACHE_SIZE texts (least recently used dropped first). A statement handed out again is
 * reset to plain rows (drizzle switches it to arrays with `raw()`, a caller may `pluck()`), and one
 * still running (an `iterate()` not yet finished) is never shared: the caller gets a fresh one.
 * Values are bound on every call, so nothing of one query's parameters reaches the next.
 */
export function reuseStatements(sqlite: Database.Database, size = STATEMENT_CACHE_SIZE): void {
  const compile = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = kept.get(source);
    if (hit && !hit.busy) {
      kept.delete(source);
      kept.set(source, hit);
      if (hit.reader) hit.raw(false).pluck(false).expand(false);
      return hit;
    }
    const statement = compile(source);
    if (!hit) {
      kept.set(source, statement);
      if (kept.size > size) kept.delete(kept.keys().next().value!);
    }
    return statement;
  }) as Database.Database["prepare"];
}

function checkPragmas(sqlite: Database.Database, file: string) {
  const actual = {
    journal_mode: sqlite.pragma("journal_mode", { simple: true }),
    synchronous: sqlite.pragma("synchronous", { simple: true }),
    foreign_keys: sqlite.pragma("foreign_keys", { simple: true }),
    busy_timeout: sqlite.pragma("busy_timeout", { simple: true }),
  };
  const expected = {
    journal_mode: file === ":memory:" ? "memory" : "wal",
    synchronous: 2, // FULL
    foreign_keys: 1,
    busy_timeout: BUSY_TIMEOUT_MS,
  };
  for (const [key, value] of Object.entries(expected)) {
    if (actual[key as keyof typeof actual] !== value) {
      throw new Error(`SQLite refused ${key}=${value} (got ${String(actual[key as keyof typeof actual])})`);
    }
  }
}

/**
 * Runs `work` in one write transaction (issue 20): writers of this process queue on one lock per
 * connection, then BEGIN IMMEDIATE (no other process writes until commit); `work` may await. Inside
 * (given the transaction's tx, or the db from within the transaction's own calls, as better-sqlite3's
 * nested transactions did before), a call opens a savepoint instead of waiting for itself.
 * better-sqlite3 cannot take an async callback, so the transaction is driven by hand.
 */
export async function writeTransaction<T>(db: DbOrTx, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (isPostgres(db)) return postgresWriteTransaction(db as Tx, work);
  const sqlite = sqliteOf(db as Db);
  if (isTransaction(db) || openTransaction.getStore() === sqlite) {
    const tx = isTransaction(db) ? db : (Object.create(db, { [IN_TRANSACTION]: { value: true } }) as Tx);
    const name = `sp${++savepoints}`;
    sqlite.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(tx);
      sqlite.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      sqlite.exec(`ROLLBACK TO ${name}`);
      sqlite.exec(`RELEASE ${name}`);
      throw error;
    }
  }
  return serialized(sqlite, async () => {
    const tx = Object.create(db, { [IN_TRANSACTION]: { value: true } }) as Tx;
    sqlite.exec("BEGIN IMMEDIATE");
    writing.add(sqlite);
    try {
      const result = await openTransaction.run(sqlite, () => work(tx));
      sqlite.exec("COMMIT");
      return result;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      throw error;
    } finally {
      writing.delete(sqlite);
    }
  });
}
/** Connections on which writeTransaction has a transaction open. */
const writing = new WeakSet<object>();

/**
 * Keeps other calls' statements out of an open write transaction (issue 20). Its body may await,
 * and meanwhile another call chain of this process (a parallel loader, another request) may run a
 * statement on the same connection: a read would see rows not yet committed, a write would commit
 * or roll back with someone else's work. So while a transaction is open, a read from outside it
 * runs on a second, read-only connection (the last committed state, as another process sees it),
 * and a write from outside is refused: every state change goes through writeTransaction, which
 * queues. An in-memory database has no second connection; its outside reads stay on the one.
 */
function keepOthersOutOfTransactions(sqlite: Database.Database, file: string) {
  const prepareHere = sqlite.prepare.bind(sqlite);
  let reader: Database.Database | undefined;
  sqlite.prepare = ((source: string) => {
    const statement = prepareHere(source);
    if (!writing.has(sqlite) || openTransaction.getStore() === sqlite) return statement;
    if (!statement.reader) throw new Error(`A write outside writeTransaction while another call's transaction is open on the connection: ${source.slice(0, 80)}`);
    if (file === ":memory:") return statement;
    reader ??= openReader(file);
    return reader.prepare(source);
  }) as Database.Database["prepare"];
  const close = sqlite.close.bind(sqlite);
  sqlite.close = () => {
    reader?.close();
    return close();
  };
}

function openReader(file: string): Database.Database {
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  applyMemorySettings(reader);
  reuseStatements(reader);
  return reader;
}
let savepoints = 0;
/** The connection whose transaction the current async call chain runs in (catches self-deadlock). */
const openTransaction = new AsyncLocalStorage<object>();
const IN_TRANSACTION = Symbol("inTransaction");
const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `work` after every earlier caller on the same connection has finished. */
function serialized<T>(connection: object, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(connection) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(
    connection,
    next.catch(() => undefined),
  );
  return next;
}

function isTransaction(db: DbOrTx): db is Tx {
  return IN_TRANSACTION in db || "rollback" in db;
}

/** Resolves when the database answers (on PostgreSQL: created and migrated); rejects with why not. */
export async function databaseReady(db: Db): Promise<void> {
  if (isPostgres(db)) await postgresReady(db);
}

/** Closes the database's connections (the pool on PostgreSQL). */
export async function closeDatabase(db: Db): Promise<void> {
  if (isPostgres(db)) await closePostgres(db);
  else sqliteOf(db).close();
}

export { isPostgres };

/** The raw better-sqlite3 handle behind a drizzle database, for pragmas and health checks. */
export function sqliteOf(db: Db): Database.Database {
  return (db as unknown as { $client: Database.Database }).$client;
}
