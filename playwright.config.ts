// Browser journeys against the production build (`npm run build` first; `npm test` does).
// The web server below starts from a freshly seeded database on every run, on its own port.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const ROOT = fileURLToPath(new URL(".", import.meta.url));
// E2E_PORT lets two checkouts run their browser suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 3210);
const BASE_URL = `http://127.0.0.1:${PORT}`;
// The seeded database: an SQLite file, or (`npm run test:e2e:postgres`, issue 20) the PostgreSQL
// database that tests/support/e2e-postgres.ts created empty for this run.
const DATABASE = process.env.E2E_POSTGRES_URL ?? resolve(ROOT, "tests/.tmp/e2e.sqlite");
// A real OpenID provider (tests/support/oidc-provider-server.ts) on the next port, for single sign-on.
const OIDC_PORT = PORT + 1;

/**
 * The server's environment. It is also put into this process's environment, because Playwright
 * loads this file in every test worker too: the sign-in fixture (tests/support/e2e-fixtures.ts)
 * reads the same secret and database file to create sessions that the server accepts.
 */
const E2E_ENV = {
  NODE_ENV: "production",
  SESSION_SECRET: "e2e-only-session-secret-0123456789-abcdefghijklmnop",
  DATABASE_URL: DATABASE,
  HOST: "127.0.0.1",
  PORT: String(PORT),
  LOG_LEVEL: "warn",
  E2E_BASE_URL: BASE_URL,
  OIDC_PROVIDER_PORT: String(OIDC_PORT),
  OIDC_ISSUER_URL: `http://127.0.0.1:${OIDC_PORT}`,
  OIDC_CLIENT_ID: "empathy-fund",
  OIDC_CLIENT_SECRET: "test-client-secret-0123456789abcdef",
  OIDC_REDIRECT_URL: `${BASE_URL}/auth/oidc/callback`,
} as const;

// Settings from the developer's shell that would change what the tests see (cookie name, origin
// check, a secret file that wins over SESSION_SECRET, another build or migrations folder).
for (const name of ["COOKIE_SECURE", "APP_ORIGIN", "TRUST_PROXY", "SESSION_SECRET_FILE", "REMIX_BUILD", "MIGRATIONS_DIR"]) {
  delete process.env[name];
}
Object.assign(process.env, E2E_ENV);

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const db = "tests/.tmp/e2e.sqlite";
const START_SERVER = [
  `test -f build/server.js || { echo "build/server.js is missing: run npm run build first." >&2; exit 1; }`,
  ...(process.env.E2E_POSTGRES_URL ? [] : [`rm -f ${db} ${db}-wal ${db}-shm ${db}-journal`]),
  `mkdir -p tests/.tmp`,
  `node_modules/.bin/tsx db/seed.ts`,
  `exec node build/server.js`,
].join(" && ");

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.e2e.ts",
  outputDir: "test-results",
  // Tests are independent (each signs in with its own session), so they spread over both workers.
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
    locale: "en-US",
    timezoneId: "America/New_York",
    viewport: { width: 1280, height: 800 },
    // Recording a trace of every test slows the run noticeably on two cores. CI keeps them for
    // failures; locally, rerun with `--trace on` when a failure needs one.
    trace: process.env.CI ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
  },
  webServer: [
    {
      command: "exec node_modules/.bin/tsx tests/support/oidc-provider-server.ts",
      cwd: ROOT,
      env: { ...E2E_ENV },
      url: `http://127.0.0.1:${OIDC_PORT}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 3_000 },
    },
    {
      command: START_SERVER,
      cwd: ROOT,
      env: { ...E2E_ENV },
      url: `${BASE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 90_000,
      stdout: "ignore",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 3_000 },
    },
  ],
});
