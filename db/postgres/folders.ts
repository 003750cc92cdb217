import { resolve } from "node:path";

/** Where the PostgreSQL migrations live (PG_MIGRATIONS_DIR overrides, as MIGRATIONS_DIR does for SQLite). */
export const POSTGRES_MIGRATIONS_FOLDER = resolve(process.env.PG_MIGRATIONS_DIR ?? "db/postgres/migrations");
