// Whole databases on a PostgreSQL server (issue 20): created, copied and dropped through the
// server's maintenance database `postgres`, for backups' scratch databases, restores, the scale
// seed and the benchmark's working copies. The role needs CREATEDB.
import pg from "pg";

/** The URL of another database on the same server (same user, password, host and options). */
export function sameServer(url: string, database: string): string {
  const other = new URL(url);
  other.pathname = `/${database}`;
  return other.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

export const quotedName = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: sameServer(url, "postgres") });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates the database at `url` (refused when it exists). */
export async function createDatabase(url: string): Promise<void> {
  await onServer(url, `CREATE DATABASE ${quotedName(databaseName(url))}`);
}

/** Creates the database at `target` as a copy of `source` (no one may be connected to `source`). */
export async function copyDatabase(source: string, target: string): Promise<void> {
  await onServer(target, `CREATE DATABASE ${quotedName(databaseName(target))} TEMPLATE ${quotedName(databaseName(source))}`);
}

/** Drops the database at `url` if it exists, closing its connections. */
export async function dropDatabase(url: string): Promise<void> {
  await onServer(url, `DROP DATABASE IF EXISTS ${quotedName(databaseName(url))} WITH (FORCE)`);
}
