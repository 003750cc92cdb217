// Single sign-on is configured by four environment variables, all or none; the server refuses to
// start with a partial or (in production) plain-http configuration, saying what is wrong.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const COMPLETE = {
  OIDC_ISSUER_URL: "https://login.example.bank/realms/staff",
  OIDC_CLIENT_ID: "empathy-fund",
  OIDC_CLIENT_SECRET: "a-client-secret",
  OIDC_REDIRECT_URL: "https://fund.example.bank/auth/oidc/callback",
};

/** Loads the environment module in a fresh process, as the server does at startup. */
function loadEnv(extra: Record<string, string>) {
  const env: Record<string, string | undefined> = { ...process.env, SESSION_SECRET: "x".repeat(40), ...extra };
  for (const name of Object.keys(COMPLETE)) if (!(name in extra)) delete env[name];
  return spawnSync(
    "node_modules/.bin/tsx",
    ["--eval", `import("./app/utils/env.server.ts").then((m) => console.log(JSON.stringify(m.env.oidc)))`],
    { env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 60_000 },
  );
}

describe("single sign-on configuration", () => {
  it("all four variables configure it", () => {
    const result = loadEnv(COMPLETE);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      issuerUrl: COMPLETE.OIDC_ISSUER_URL,
      clientId: COMPLETE.OIDC_CLIENT_ID,
      clientSecret: COMPLETE.OIDC_CLIENT_SECRET,
      redirectUrl: COMPLETE.OIDC_REDIRECT_URL,
    });
  });

  it("none of them leaves it off", () => {
    const result = loadEnv({});
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe("null");
  });

  it("some but not all refuse to start and name what is missing", () => {
    const result = loadEnv({ OIDC_ISSUER_URL: COMPLETE.OIDC_ISSUER_URL, OIDC_CLIENT_ID: "empathy-fund" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("missing: OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL");
  });

  it("in production a plain-http issuer is refused unless it is on this machine", () => {
    const remote = loadEnv({ ...COMPLETE, NODE_ENV: "production", OIDC_ISSUER_URL: "http://login.example.bank" });
    expect(remote.status).not.toBe(0);
    expect(remote.stderr).toContain("OIDC_ISSUER_URL must be an https URL in production");
    const local = loadEnv({ ...COMPLETE, NODE_ENV: "production", OIDC_ISSUER_URL: "http://127.0.0.1:9000" });
    expect(local.status).toBe(0);
  });
});
