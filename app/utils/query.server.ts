// Dialect-neutral execution of queries (issue 20). Every domain read and write awaits one of
// these or a drizzle builder, so the same code runs on SQLite and PostgreSQL.
import type { SQL } from "drizzle-orm";
import { isPostgres, postgresExecute } from "./database-postgres.server";
import type { DbOrTx } from "./database.server";

/** The first row of a select (the caller adds `.limit(1)`), or undefined. */
export async function firstRow<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0];
}

/** The row an insert/update/delete `.returning()` gave back (undefined when nothing matched). */
export async function returnedRow<T>(query: PromiseLike<T[]>): Promise<T> {
  return (await query)[0] as T;
}

/** Rows of a raw SQL query. */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  if (isPostgres(db)) return (await postgresExecute<T>(db, query)).rows;
  return db.all<T>(query);
}

/** The first row of a raw SQL query, or undefined. */
export async function queryRow<T>(db: DbOrTx, query: SQL): Promise<T | undefined> {
  if (isPostgres(db)) return (await postgresExecute<T>(db, query)).rows[0];
  return db.get<T>(query);
}

/** Runs a raw SQL statement; resolves to the number of rows it changed. */
export async function execute(db: DbOrTx, query: SQL): Promise<{ changes: number }> {
  if (isPostgres(db)) return { changes: (await postgresExecute(db, query)).changes };
  const result = db.run(query);
  return { changes: result.changes };
}
