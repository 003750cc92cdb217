// Applies db/postgres/migrations to a PostgreSQL database (issue 20). Not yet the app's
// `npm run db:migrate` (that comes with the async domain): used by the PostgreSQL tests, and by hand:
// `DATABASE_URL=postgres://… npx tsx db/postgres/migrate.ts`.
import { resolve } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema";

export const POSTGRES_MIGRATIONS_FOLDER = resolve(process.env.PG_MIGRATIONS_DIR ?? "db/postgres/migrations");

export function openPostgres(url: string, options: { max?: number } = {}) {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 5 });
  return { pool, db: drizzle(pool, { schema }) };
}

export async function migratePostgres(url: string): Promise<void> {
  const { pool, db } = openPostgres(url, { max: 1 });
  try {
    await migrate(db, { migrationsFolder: POSTGRES_MIGRATIONS_FOLDER });
  } finally {
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith("postgres")) {
    console.error("Set DATABASE_URL=postgres://… to migrate a PostgreSQL database.");
    process.exit(2);
  }
  await migratePostgres(url);
  console.log("PostgreSQL database migrated.");
}
