// `npm run test:e2e:postgres` (issue 20): a short browser journey on PostgreSQL. Starts a throwaway
// cluster, creates an empty database for the run (playwright.config.ts seeds it and serves the
// production build on it, as it does the SQLite file), runs the journeys named below (or those
// given on the command line) in Chromium, and stops the cluster whatever happened.
import { spawnSync } from "node:child_process";
import { startPostgresCluster } from "./postgres-cluster";

const JOURNEYS = ["tests/e2e/gestures.e2e.ts", "tests/e2e/budgets.e2e.ts", "tests/e2e/sign-in-without-js.e2e.ts"];

const cluster = await startPostgresCluster();
let status = 1;
try {
  const url = await cluster.createDatabase("empathy_fund_e2e");
  const files = process.argv.slice(2);
  const result = spawnSync("node_modules/.bin/playwright", ["test", ...(files.length > 0 ? files : JOURNEYS)], {
    stdio: "inherit",
    env: { ...process.env, E2E_POSTGRES_URL: url },
  });
  status = result.status ?? 1;
} finally {
  cluster.stop();
}
process.exit(status);
