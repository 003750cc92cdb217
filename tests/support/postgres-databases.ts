// Databases for the PostgreSQL run of the suite: copies of the migrated template that
// tests/support/postgres-global-setup.ts made, dropped again when the test closes them.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEMPLATE_DATABASE = "empathy_template";

/** The cluster's admin URL when this run is on PostgreSQL (set by the setup file), else undefined. */
export function postgresAdminUrl(): string | undefined {
  return process.env.TEST_POSTGRES_ADMIN_URL;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh copy of the template: its name, its URL, and a promise that resolves once it exists. */
export function copyOfTemplate(adminUrl: string, prefix = "t"): { name: string; url: string; created: Promise<void> } {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const created = asAdmin(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  });
  created.catch(() => undefined); // reported to the database's first query
  return { name, url: databaseUrl(adminUrl, name), created };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await asAdmin(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/**
 * Where a test that spawns processes (app servers, workers) keeps its database: an SQLite file in
 * `dir`, or on the PostgreSQL run a fresh copy of the template. `created` resolves once it exists;
 * `drop` removes a PostgreSQL copy (the SQLite file goes with `dir`).
 */
export function databaseLocation(
  dir: string,
  file: string,
): { location: string; created: Promise<void>; openOptions: { ready?: Promise<void>; migrate?: boolean }; drop: () => Promise<void> } {
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) return { location: `${dir}/${file}`, created: Promise.resolve(), openOptions: {}, drop: async () => undefined };
  const copy = copyOfTemplate(adminUrl);
  // The copy is migrated already (the template is).
  return { location: copy.url, created: copy.created, openOptions: { ready: copy.created, migrate: false }, drop: () => dropDatabase(adminUrl, copy.name) };
}
