// The PostgreSQL run (issue 20): `npm run test:postgres`. The same unit suite as `npm run test:unit`,
// on one throwaway cluster (tests/support/postgres-global-setup.ts: every file's database is a copy
// of one migrated template), plus the PostgreSQL-only tests in tests/postgres, which start clusters
// of their own. Needs PostgreSQL's binaries (Debian's postgresql 15 in /usr/lib/postgresql/15/bin,
// or PG_BIN) and fails loudly without them.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: [
      "tests/postgres/**/*.test.ts",
      "tests/unit/**/*.test.{ts,tsx}",
      // The guarantees the issue names, through real processes on one PostgreSQL database (needs `npm run build`).
      "tests/integration/ledger-concurrency.test.ts",
      "tests/integration/http-concurrency.test.ts",
      "tests/integration/server-crash.test.ts",
      "tests/integration/two-servers.test.ts",
    ],
    // Tests of SQLite's own machinery (pragmas, statement cache, query plans, its triggers driven
    // by raw SQL): their PostgreSQL twins are in tests/postgres.
    exclude: ["**/node_modules/**", "tests/**/*.sqlite.test.ts"],
    globalSetup: ["tests/support/postgres-global-setup.ts"],
    setupFiles: ["tests/support/vitest-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
