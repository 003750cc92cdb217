// Single sign-on over real HTTP: the production build against a real OpenID Connect provider
// (oidc-provider 9) started on loopback in this test run. The browser's part is played by fetch
// with a cookie jar per origin.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditEvents, organisation, sessions, ssoRequests, users, type Branch, type User } from "../../db/schema";
import { createBranch, createOrganisation, createUser, TEST_PASSWORD } from "../support/factories";
import { cookiePair, freePort, startTestServer, type TestServer } from "../support/http";
import { startOidcProvider, type TestOidcProvider } from "../support/oidc-provider";
import { db } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

vi.hoisted(() => {
  process.env.COOKIE_SECURE = "true";
});

const SESSION = "__Host-ef_session";
const SSO = "__Host-ef_sso";
let server: TestServer;
let provider: TestOidcProvider;
let branch: Branch;
let staff: User;

beforeAll(async () => {
  const port = await freePort();
  const appOrigin = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ redirectUris: [`${appOrigin}/auth/oidc/callback`], postLogoutRedirectUris: [`${appOrigin}/login`] });
  // The build reads its environment when startTestServer imports it.
  Object.assign(process.env, {
    OIDC_ISSUER_URL: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_REDIRECT_URL: `${appOrigin}/auth/oidc/callback`,
  });
  server = await startTestServer({ production: true, port });
  await createOrganisation(db, { name: "Test Bank" });
  branch = await createBranch(db, { code: "NTH", name: "North" });
  staff = await createUser(db, { role: "staff", branchId: branch.id, email: "sam.staff@test.example" });
});
afterAll(async () => {
  await server.close();
  await provider.close();
});
beforeEach(async () => {
  await db.update(organisation).set({ ssoAutoCreate: false, ssoBranchClaim: null, secondFactorRequired: false }).where(eq(organisation.id, 1));
});

/** Cookies of one origin, as a browser would keep them. */
class CookieJar {
  private cookies = new Map<string, string>();
  store(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  get(name: string) {
    return this.cookies.get(name);
  }
}

async function providerGet(jar: CookieJar, url: string, init: RequestInit = {}) {
  const response = await fetch(url, { ...init, redirect: "manual", headers: { ...init.headers, Cookie: jar.header() } });
  jar.store(response);
  return response;
}

/**
 * Starts sign-in at the app, signs in at the provider as `email` (or cancels), and returns the
 * callback URL the provider sends the browser to, with the app's cookie jar (the ef_sso cookie).
 */
async function throughProvider(email: string, options: { cancel?: boolean; redirectTo?: string } = {}) {
  const app = new CookieJar();
  const idp = new CookieJar();
  const start = await server.fetch(`/auth/oidc/start${options.redirectTo ? `?redirectTo=${encodeURIComponent(options.redirectTo)}` : ""}`);
  expect(start.status).toBe(302);
  app.store(start);
  const authorize = new URL(start.headers.get("Location")!);
  expect(authorize.origin).toBe(provider.issuer);
  const interaction = await providerGet(idp, authorize.href);
  expect(interaction.status).toBe(303);
  const interactionUrl = new URL(interaction.headers.get("Location")!, provider.issuer).href;
  const page = await providerGet(idp, interactionUrl);
  expect(await page.text()).toContain("Test identity provider");
  const submitted = await providerGet(idp, `${interactionUrl}${options.cancel ? "/abort" : "/login"}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email }).toString(),
  });
  expect(submitted.status).toBe(303);
  const resumed = await providerGet(idp, new URL(submitted.headers.get("Location")!, provider.issuer).href);
  expect(resumed.status).toBe(303);
  const callback = new URL(resumed.headers.get("Location")!);
  expect(callback.origin).toBe(server.origin);
  return { callback, app, authorize };
}

function callApp(callback: URL, app: CookieJar) {
  return server.fetch(callback.pathname + callback.search, { cookie: app.header() });
}

async function sessionsOf(userId: number) {
  return await db.select().from(sessions).where(eq(sessions.userId, userId));
}

describe("single sign-on with OpenID Connect", () => {
  it("the sign-in page offers a button for the organisation, a link (no form post to another origin)", async () => {
    const html = await (await server.fetch("/login")).text();
    expect(html).toMatch(/<a[^>]+href="\/auth\/oidc\/start"[^>]*>Sign in with (<!-- -->)?Test Bank<\/a>/);
  });

  it("the request to the provider uses the code flow with PKCE (S256), state and nonce, remembered only on the server", async () => {
    const start = await server.fetch("/auth/oidc/start");
    const url = new URL(start.headers.get("Location")!);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    const state = url.searchParams.get("state")!;
    expect(state.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get("nonce")!.length).toBeGreaterThanOrEqual(32);
    const cookie = cookiePair(start, SSO)!;
    expect(cookie).toBeTruthy();
    // The cookie holds a random token; state, nonce and verifier stay in the database.
    expect(cookie).not.toContain(state);
    expect(await firstRow(db.select().from(ssoRequests).where(eq(ssoRequests.state, state)).limit(1))).toBeTruthy();
  });

  it("an active user with the e-mail signs in: a session of the app, their own role and branch, the return page kept", async () => {
    const { callback, app } = await throughProvider("Sam.Staff@test.example", { redirectTo: "/customers" });
    const before = (await sessionsOf(staff.id)).length;
    const response = await callApp(callback, app);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/customers");
    const cookie = cookiePair(response, SESSION)!;
    expect(cookie).toBeTruthy();
    expect(await sessionsOf(staff.id)).toHaveLength(before + 1);
    const sso = (await sessionsOf(staff.id)).find((s) => s.signInMethod === "sso")!;
    // The same session as a password sign-in: 12 hours at most (and 30 minutes idle, the shared lookup).
    expect(sso.expiresAt.getTime() - sso.createdAt.getTime()).toBe(12 * 60 * 60 * 1000);
    const page = await server.fetch("/branch", { cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("North");
    const audit = (
      await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "auth.sign_in"), eq(auditEvents.actorId, staff.id)))
    ).at(-1)!;
    expect(JSON.parse(audit.detail!)).toMatchObject({ method: "sso" });
  });

  it("an unknown e-mail is refused on a plain page, and nothing is created or signed in", async () => {
    const { callback, app } = await throughProvider("stranger@test.example");
    const response = await callApp(callback, app);
    expect(response.status).toBe(403);
    expect(cookiePair(response, SESSION)).toBeNull();
    const html = await response.text();
    expect(html).toContain("Single sign-on did not sign you in");
    expect(html).toContain("There is no Empathy Fund account for this e-mail address");
    expect(await firstRow(db.select().from(users).where(eq(users.email, "stranger@test.example")).limit(1))).toBeUndefined();
    const refusal = (await db.select().from(auditEvents).where(eq(auditEvents.action, "auth.sso_refused"))).at(-1)!;
    expect(JSON.parse(refusal.detail!)).toMatchObject({ reason: "unknown_user", email: "stranger@test.example" });
  });

  it("a tampered state is refused, and the attempt cannot be finished afterwards either", async () => {
    const { callback, app } = await throughProvider(staff.email);
    const tampered = new URL(callback);
    tampered.searchParams.set("state", "attacker-chosen-state-value-000000000000");
    const response = await callApp(tampered, app);
    expect(response.status).toBe(400);
    expect(cookiePair(response, SESSION)).toBeNull();
    expect(await response.text()).toContain("does not belong to the sign-in started in this browser");
    // The stored request was used up by the refused attempt.
    const retry = await callApp(callback, app);
    expect(retry.status).toBe(400);
    expect(cookiePair(retry, SESSION)).toBeNull();
  });

  it("a callback without the browser's sign-in cookie (login CSRF) is refused", async () => {
    const { callback } = await throughProvider(staff.email);
    const response = await server.fetch(callback.pathname + callback.search);
    expect(response.status).toBe(400);
    expect(cookiePair(response, SESSION)).toBeNull();
    expect(await response.text()).toContain("took too long, or its link was already used");
  });

  it("a replayed code is refused: the same callback twice, and the code inside a new sign-in", async () => {
    const { callback, app } = await throughProvider(staff.email);
    const first = await callApp(callback, app);
    expect(first.status).toBe(302);
    const sessionsAfterFirst = (await sessionsOf(staff.id)).length;

    // The same answer again (the browser kept the old cookie): the stored request is gone.
    const replay = await server.fetch(callback.pathname + callback.search, { cookie: app.header() });
    expect(replay.status).toBe(400);
    expect(cookiePair(replay, SESSION)).toBeNull();

    // The old code with the state of a fresh sign-in: the provider refuses the spent code.
    const start = await server.fetch("/auth/oidc/start");
    const fresh = new URL(start.headers.get("Location")!);
    const replayed = new URL(callback);
    replayed.searchParams.set("state", fresh.searchParams.get("state")!);
    const response = await server.fetch(replayed.pathname + replayed.search, { cookie: cookiePair(start, SSO)! });
    expect(response.status).toBe(400);
    expect(cookiePair(response, SESSION)).toBeNull();
    expect(await response.text()).toContain("refused this sign-in");
    expect(await sessionsOf(staff.id)).toHaveLength(sessionsAfterFirst);
  });

  it("a sign-in cancelled at the provider ends on a page that says so", async () => {
    const { callback, app } = await throughProvider(staff.email, { cancel: true });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    const response = await callApp(callback, app);
    expect(response.status).toBe(401);
    expect(cookiePair(response, SESSION)).toBeNull();
    expect(await response.text()).toContain("did not sign you in (the request was denied or cancelled)");
  });

  it("a deactivated user is refused, and deactivation ends a single sign-on session like any other", async () => {
    const user = await createUser(db, { role: "staff", branchId: branch.id, email: "leaving@test.example" });
    const { callback, app } = await throughProvider(user.email);
    const cookie = cookiePair(await callApp(callback, app), SESSION)!;
    expect((await server.fetch("/branch", { cookie })).status).toBe(200);
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect((await server.fetch("/branch", { cookie })).status).toBe(302);
    const again = await throughProvider(user.email);
    const refused = await callApp(again.callback, again.app);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("deactivated");
  });

  it("single sign-on skips the app's second factor even when the organisation requires one for passwords", async () => {
    await db.update(organisation).set({ secondFactorRequired: true }).where(eq(organisation.id, 1));
    const password = await server.fetch("/login", { method: "POST", headers: { Origin: server.origin }, form: { email: staff.email, password: TEST_PASSWORD } });
    expect(password.headers.get("Location")).toBe("/login/enrol");
    const { callback, app } = await throughProvider(staff.email);
    const response = await callApp(callback, app);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/branch");
  });

  it("when the organisation allows it, an unknown user is created as staff of the branch the claim names", async () => {
    await db.update(organisation).set({ ssoAutoCreate: true, ssoBranchClaim: "branch" }).where(eq(organisation.id, 1));
    provider.setAccount({ email: "new.teller@test.example", name: "Nia Teller", branch: "nth" });
    const { callback, app } = await throughProvider("new.teller@test.example");
    const response = await callApp(callback, app);
    expect(response.status).toBe(302);
    const created = (await firstRow(db.select().from(users).where(eq(users.email, "new.teller@test.example")).limit(1)))!;
    expect(created).toMatchObject({ name: "Nia Teller", role: "staff", branchId: branch.id, active: true, mustChangePassword: false });
    // No password signs this account in.
    const password = await server.fetch("/login", { method: "POST", headers: { Origin: server.origin }, form: { email: created.email, password: created.passwordHash } });
    expect(password.status).toBe(400);
    const audit = (await db.select().from(auditEvents).where(eq(auditEvents.action, "user.created_by_sso"))).at(-1)!;
    expect(JSON.parse(audit.detail!)).toMatchObject({ email: "new.teller@test.example", role: "staff", branchCode: "NTH" });
  });

  it("auto-creation is refused when the claim names no known branch", async () => {
    await db.update(organisation).set({ ssoAutoCreate: true, ssoBranchClaim: "branch" }).where(eq(organisation.id, 1));
    provider.setAccount({ email: "lost@test.example", branch: "NOWHERE" });
    const { callback, app } = await throughProvider("lost@test.example");
    const response = await callApp(callback, app);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("did not name a branch we know");
    expect(await firstRow(db.select().from(users).where(eq(users.email, "lost@test.example")).limit(1))).toBeUndefined();
  });

  it("signing out ends the app's session and offers the provider's logout", async () => {
    const { callback, app } = await throughProvider(staff.email);
    const cookie = cookiePair(await callApp(callback, app), SESSION)!;
    const out = await server.fetch("/logout", { method: "POST", cookie, headers: { Origin: server.origin } });
    expect(out.headers.get("Location")).toBe("/login?signedOut=sso");
    expect((await server.fetch("/branch", { cookie })).status).toBe(302);
    const page = await (await server.fetch("/login?signedOut=sso")).text();
    expect(page).toContain('href="/auth/oidc/logout"');
    const logout = await server.fetch("/auth/oidc/logout");
    expect(logout.status).toBe(302);
    const target = new URL(logout.headers.get("Location")!);
    expect(target.origin).toBe(provider.issuer);
    expect(target.searchParams.get("client_id")).toBe(provider.clientId);
    expect(target.searchParams.get("post_logout_redirect_uri")).toBe(`${server.origin}/login`);
  });
});
