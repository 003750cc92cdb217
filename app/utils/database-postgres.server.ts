// The PostgreSQL engine behind the same Db (issue 20, README "Running on PostgreSQL"). The domain
// is typed against SQLite's drizzle database; on PostgreSQL it gets node-postgres's, built over the
// tables of db/postgres/schema.ts (which db/schema.ts hands out when DATABASE_URL is postgres://).
//
// One writer at a time, as BEGIN IMMEDIATE gives on SQLite: every write transaction takes one
// transaction-scoped advisory lock first (READ COMMITTED), so writers of every app server queue on
// it, and a writer reads "the last row" (a pool's balance, the audit chain's head) only after the
// previous writer committed. Statements of the transaction's own call chain (given `tx`, or the
// `db` from within it) run on its connection; everyone else's run on the pool and see only
// committed rows, as the second connection does on SQLite.
import { AsyncLocalStorage } from "node:async_hooks";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { DomainError } from "~/domain/core/errors";
import { POSTGRES_MIGRATIONS_FOLDER } from "../../db/postgres/folders";
import { int8ToNumber } from "../../db/postgres/schema";
import * as schema from "../../db/postgres/schema";

/** The advisory lock every write transaction takes first (any constant; documented for DBAs). */
export const WRITE_LOCK_KEY = 20_2026;
const DEFAULT_POOL_SIZE = 10;

// node-postgres returns int8 (count(*), sums of int4) and numeric (sums of int8, averages) as text.
// The app counts and sums money in JS numbers: parse them, refusing an integer past 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, int8ToNumber);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => (/^-?\d+$/.test(value) ? int8ToNumber(value) : Number(value)));

interface OpenTransaction {
  connections: Connections;
  client: pg.PoolClient;
  open: boolean;
}
const openTransaction = new AsyncLocalStorage<OpenTransaction>();

/**
 * What drizzle's node-postgres session queries through: the open transaction's connection for its
 * own call chain, the pool for everyone else. Its name must not contain "Pool": drizzle would then
 * take a connection of its own for `db.transaction`, which the app never calls (writeTransaction).
 */
class Connections {
  constructor(
    readonly pool: pg.Pool,
    /** Resolves when the database exists (a test database is created while the code goes on). */
    readonly ready: Promise<unknown>,
  ) {}

  async query(config: pg.QueryConfig, values?: unknown[]) {
    // PostgreSQL text cannot hold a NUL (SQLite can): refuse it as a form error, not a server error.
    if ((values ?? config.values ?? []).some((value) => typeof value === "string" && value.includes("\0"))) {
      throw new DomainError("VALIDATION", "A field contains a NUL character, which no field accepts. Remove it and try again.");
    }
    const transaction = openTransaction.getStore();
    const inTransaction = transaction?.open && transaction.connections === this;
    if (!inTransaction) await this.ready;
    const result = await (inTransaction ? transaction.client : this.pool).query(config, values);
    // An insert, update or delete without `returning()` gives the driver's result: the domain reads
    // better-sqlite3's `changes` from it ("did my guarded update match?"), so name rowCount so too.
    return Object.assign(result, { changes: result.rowCount ?? 0 });
  }

  private writers: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every earlier writer of this process has finished. */
  serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writers.then(work, work);
    this.writers = next.catch(() => undefined);
    return next;
  }
}

export type PostgresDb = NodePgDatabase<typeof schema>;

let idleErrorReport = (error: Error) => console.warn(`A PostgreSQL connection in the pool failed while idle (it is replaced on the next query): ${error.message}`);
/** Where an idle pooled connection's error is reported: the app sends it to its log (db.server.ts). */
export function reportIdleConnectionErrors(report: (error: Error) => void): (error: Error) => void {
  const previous = idleErrorReport;
  idleErrorReport = report;
  return previous;
}

export function openPostgresDatabase(url: string, options: { ready?: Promise<unknown>; migrate?: boolean; poolSize?: number } = {}): PostgresDb {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? poolSizeFromEnv() });
  // An idle connection's error (the server restarted, a failover) must not crash the process; the
  // next query reconnects. It is reported (the app's log, db.server.ts), not swallowed.
  pool.on("error", (error) => idleErrorReport(error));
  const created = options.ready ?? Promise.resolve();
  const ready = options.migrate === false ? created : created.then(() => migratePostgresPool(pool));
  ready.catch(() => undefined); // reported to every query (and to postgresReady), not as an unhandled rejection
  // drizzle only ever calls `query` on its client (the app opens no transaction through drizzle).
  return drizzle(new Connections(pool, ready) as unknown as pg.Pool, { schema });
}

/** The advisory lock migrations take, so that app servers starting together migrate one after another. */
const MIGRATION_LOCK_KEY = 20_2027;

/** Applies db/postgres/migrations (drizzle's migrator: one transaction, recorded in drizzle.__drizzle_migrations). */
export async function migratePostgresPool(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await migrate(drizzle(client), { migrationsFolder: POSTGRES_MIGRATIONS_FOLDER });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

export async function postgresReady(db: object): Promise<void> {
  const connections = connectionsOf(db);
  await connections.ready;
  await connections.pool.query("SELECT 1");
}

function poolSizeFromEnv(): number {
  const size = Number(process.env.PG_POOL_SIZE ?? DEFAULT_POOL_SIZE);
  return Number.isInteger(size) && size > 0 ? size : DEFAULT_POOL_SIZE;
}

export function isPostgres(db: object): boolean {
  return (db as { $client?: unknown }).$client instanceof Connections;
}

export function connectionsOf(db: object): Connections {
  const client = (db as { $client?: unknown }).$client;
  if (!(client instanceof Connections)) throw new Error("not a PostgreSQL database");
  return client;
}

/** The pool behind a PostgreSQL database (for scripts: health checks, dumps, closing). */
export function poolOf(db: object): pg.Pool {
  return connectionsOf(db).pool;
}

let savepoints = 0;

/** writeTransaction on PostgreSQL: see the file's head. */
export async function postgresWriteTransaction<D extends object, T>(db: D, work: (tx: D) => Promise<T>): Promise<T> {
  const connections = connectionsOf(db);
  const current = openTransaction.getStore();
  if (current?.open && current.connections === connections) {
    const name = `sp${++savepoints}`;
    await current.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await work(db);
      await current.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await current.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await current.client.query(`RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  }
  // Writers of this process queue here first, so that at most one of the pool's connections waits
  // on (or holds) the lock: the others stay free for reads.
  return connections.serialized(() => writeAlone(connections, db, work));
}

async function writeAlone<D extends object, T>(connections: Connections, db: D, work: (tx: D) => Promise<T>): Promise<T> {
  await connections.ready;
  const client = await connections.pool.connect();
  const transaction: OpenTransaction = { connections, client, open: true };
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [WRITE_LOCK_KEY]);
    const result = await openTransaction.run(transaction, () => work(db));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackFailed) {
      broken = rollbackFailed as Error; // the connection is unusable: drop it rather than return it to the pool
    }
    throw error;
  } finally {
    transaction.open = false;
    client.release(broken);
  }
}

/** Rows of a raw SQL statement on PostgreSQL, with the number it changed. */
export async function postgresExecute<T>(db: object, query: Parameters<PostgresDb["execute"]>[0]): Promise<{ rows: T[]; changes: number }> {
  const result = await (db as PostgresDb).execute(query);
  return { rows: result.rows as T[], changes: result.rowCount ?? 0 };
}

export async function closePostgres(db: object): Promise<void> {
  await poolOf(db).end();
}
