// The PostgreSQL suite (issue 20): `npm run test:postgres`. Each file starts its own throwaway
// cluster (tests/support/postgres-cluster.ts), so it needs PostgreSQL's binaries (Debian's
// postgresql 15 in /usr/lib/postgresql/15/bin, or PG_BIN) and fails loudly without them. `npm test`
// does not run it yet: the default vitest config includes only tests/unit and tests/integration.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/postgres/**/*.test.ts"],
    setupFiles: ["tests/support/vitest-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
