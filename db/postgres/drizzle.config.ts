// drizzle-kit for the PostgreSQL twin of the schema (issue 20): `npm run pg:generate`.
// Hand-written plpgsql (guards and kept summaries) is appended to the generated baseline and must
// stay at the end of its file when a migration is regenerated.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/postgres/schema.ts",
  out: "./db/postgres/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/empathy_fund" },
  strict: true,
  verbose: true,
});
