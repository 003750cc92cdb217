// Opening SQLite with the settings money needs. No side effects: scripts that work on another file
// (backup, restore) import this; the app's one connection lives in db.server.ts.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "../../db/schema";

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
 * Opens a database file with the settings money needs, checks that SQLite accepted them,
 * and applies pending migrations.
 */
export function openDatabase(file: string, options: { migrate?: boolean } = {}): Db {
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  applyMemorySettings(sqlite);
  checkPragmas(sqlite, file);
  reuseStatements(sqlite);
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
 * Runs `work` in one synchronous write transaction: BEGIN IMMEDIATE on the connection (so reads
 * inside see no concurrent writer until commit), or a savepoint when the caller is already inside
 * a transaction (which the caller must have opened with `behavior: "immediate"`). `work` must not
 * be async.
 */
export function writeTransaction<T>(db: DbOrTx, work: (tx: Tx) => T): T {
  if (isTransaction(db)) return db.transaction(work);
  return db.transaction(work, { behavior: "immediate" });
}

function isTransaction(db: DbOrTx): db is Tx {
  return "rollback" in db;
}

/** The raw better-sqlite3 handle behind a drizzle database, for pragmas and health checks. */
export function sqliteOf(db: Db): Database.Database {
  return (db as unknown as { $client: Database.Database }).$client;
}
