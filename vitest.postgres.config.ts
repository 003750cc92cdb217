// The PostgreSQL run (issue 20): `npm run test:postgres`. The same unit and integration suites as
// `npm run test:unit` (the HTTP suites need `npm run build`), on one throwaway cluster (tests/support/postgres-global-setup.ts: every file's database is a copy
// of one migrated template), plus the PostgreSQL-only tests in tests/postgres, which start clusters
// of their own. Needs PostgreSQL's binaries (Debian's postgresql 15 in /usr/lib/postgresql/15/bin,
// or PG_BIN) and fails loudly without them.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/postgres/**/*.test.ts", "tests/unit/**/*.test.{ts,tsx}", "tests/integration/**/*.test.ts"],
    exclude: [
      "**/node_modules/**",
      // Tests of SQLite's own machinery (pragmas, statement cache, query plans, its triggers driven
      // by raw SQL, its files: backup, scripts, the worker threads): their PostgreSQL twins, where
      // there are any, are in tests/postgres.
      "tests/**/*.sqlite.test.ts",
      // On PostgreSQL the reports' queries run in PostgreSQL's own processes on the same cores as the
      // server and the other test file, so this suite measured CPU contention, not the event loop
      // (159 ms over 48 alone beside another file; 98 over 48 alone by itself). The export suite,
      // whose work is the app's own CSV building, runs on both.
      "tests/integration/report-blocking.test.ts",
    ],
    globalSetup: ["tests/support/postgres-global-setup.ts"],
    setupFiles: ["tests/support/vitest-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
