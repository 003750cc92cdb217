// Sign-in, sign-out and sessions over real HTTP against the production build.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditEvents, sessions, users } from "../../db/schema";
import { createOrganisation, createUser, TEST_PASSWORD } from "../support/factories";
import { cookiePair, startTestServer, type TestServer } from "../support/http";
import { db } from "~/utils/db.server";
import type { User } from "../../db/schema";

vi.hoisted(() => {
  // Production cookie rules (Secure, __Host- prefix) for this file.
  process.env.COOKIE_SECURE = "true";
});

const COOKIE = "__Host-ef_session";
let server: TestServer;
let staff: User;
let finance: User;

beforeAll(async () => {
  server = await startTestServer({ production: true });
  await createOrganisation(db);
  staff = await createUser(db, { role: "staff", email: "sam.staff@test.example" });
  finance = await createUser(db, { role: "finance", email: "fran.finance@test.example" });
});
afterAll(() => server.close());

function signInForm(email: string, password: string, redirectTo?: string) {
  return server.fetch("/login", {
    method: "POST",
    headers: { Origin: server.origin },
    form: { email, password, ...(redirectTo === undefined ? {} : { redirectTo }) },
  });
}

async function signIn(email: string, redirectTo?: string) {
  const response = await signInForm(email, TEST_PASSWORD, redirectTo);
  expect(response.status).toBe(302);
  return { response, cookie: cookiePair(response, COOKIE)! };
}

describe("signing in", () => {
  it("a correct password signs in, lands on the role's home and sets a hardened session cookie", async () => {
    const { response, cookie } = await signIn("Sam.Staff@Test.Example ");
    expect(response.headers.get("Location")).toBe("/branch");
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`))!;
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Lax/i);
    expect(setCookie).toMatch(/; Secure/i);
    expect(setCookie).toMatch(/; Path=\//i);
    expect(setCookie).not.toMatch(/Domain=/i);
    const home = await server.fetch("/branch", { cookie });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(staff.name);
  });

  it("an unknown e-mail and a wrong password get the same message and status", async () => {
    const unknown = await signInForm("nobody@test.example", TEST_PASSWORD);
    const wrong = await signInForm(staff.email, "not the password at all");
    expect(unknown.status).toBe(400);
    expect(wrong.status).toBe(400);
    const [a, b] = [await unknown.text(), await wrong.text()];
    expect(a).toContain("The email or password is not correct.");
    expect(b).toContain("The email or password is not correct.");
    expect(unknown.headers.getSetCookie().some((c) => c.startsWith(COOKIE))).toBe(false);
  });

  it("a failed sign-in keeps the typed e-mail and never echoes the password", async () => {
    const response = await signInForm(staff.email, "my-secret-guess-123");
    const html = await response.text();
    expect(html).toContain(staff.email);
    expect(html).not.toContain("my-secret-guess-123");
  });

  it("each sign-in starts a new session id, and the previous one of that browser ends", async () => {
    const first = await signIn(staff.email);
    const second = await server.fetch("/login", {
      method: "POST",
      cookie: first.cookie,
      headers: { Origin: server.origin },
      form: { email: staff.email, password: TEST_PASSWORD },
    });
    const secondCookie = cookiePair(second, COOKIE)!;
    expect(secondCookie).not.toBe(first.cookie);
    expect((await server.fetch("/branch", { cookie: first.cookie })).status).toBe(302);
    expect((await server.fetch("/branch", { cookie: secondCookie })).status).toBe(200);
  });

  it("only a keyed hash of the session token is stored", async () => {
    const { cookie } = await signIn(staff.email);
    const rows = await db.select({ idHash: sessions.idHash }).from(sessions);
    const raw = decodeURIComponent(cookie.split("=")[1]!);
    for (const row of rows) {
      expect(row.idHash).toMatch(/^[0-9a-f]{64}$/);
      expect(raw).not.toContain(row.idHash);
    }
  });

  it("a signed-out visitor asking for a page is sent to sign-in and returned there afterwards", async () => {
    const asked = await server.fetch("/audit?page=1");
    expect(asked.headers.get("Location")).toBe("/login?redirectTo=%2Faudit%3Fpage%3D1");
    const { response } = await signIn(finance.email, "/audit?page=1");
    expect(response.headers.get("Location")).toBe("/audit?page=1");
  });

  it.each(["//evil.example/phish", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", "http:evil.example", "%2F%2Fevil.example"])(
    "an open-redirect attempt (%s) lands on the role's home instead",
    async (redirectTo) => {
      const { response } = await signIn(finance.email, redirectTo);
      expect(response.headers.get("Location")).toBe("/finance");
    },
  );

  it("a deactivated user cannot sign in, with the same message as a wrong password", async () => {
    const gone = await createUser(db, { role: "staff", active: false });
    const response = await signInForm(gone.email, TEST_PASSWORD);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("The email or password is not correct.");
  });
});

describe("signing out and session expiry", () => {
  it("sign-out ends the session: the same cookie replayed afterwards is sent to sign-in", async () => {
    const { cookie } = await signIn(staff.email);
    const out = await server.fetch("/logout", { method: "POST", cookie, headers: { Origin: server.origin } });
    expect(out.status).toBe(302);
    expect(out.headers.get("Location")).toBe("/login");
    expect(out.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const replay = await server.fetch("/branch", { cookie });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("Location")).toMatch(/^\/login/);
  });

  it("sign-out is a POST only: a GET (a link, an image) signs nobody out", async () => {
    const { cookie } = await signIn(staff.email);
    expect((await server.fetch("/logout", { cookie })).status).toBe(302);
    expect((await server.fetch("/branch", { cookie })).status).toBe(200);
  });

  it("a session idle for more than 30 minutes ends, with a message to sign in again", async () => {
    const { cookie } = await signIn(staff.email);
    const userSessions = await db.select().from(sessions).where(eq(sessions.userId, staff.id));
    for (const s of userSessions) {
      await db
        .update(sessions)
        .set({ lastSeenAt: new Date(Date.now() - 31 * 60 * 1000) })
        .where(eq(sessions.idHash, s.idHash));
    }
    const response = await server.fetch("/branch", { cookie });
    expect(response.status).toBe(302);
    const toast = response.headers.getSetCookie().find((c) => c.includes("ef_toast"));
    expect(toast).toBeDefined();
  });

  it("a deactivated user's session ends at once", async () => {
    const temp = await createUser(db, { role: "staff" });
    const { cookie } = await signIn(temp.email);
    expect((await server.fetch("/branch", { cookie })).status).toBe(200);
    await db.update(users).set({ active: false }).where(eq(users.id, temp.id));
    expect((await server.fetch("/branch", { cookie })).status).toBe(302);
  });

  it("sign-in, failed sign-in and sign-out are audited without any password", async () => {
    await signInForm(staff.email, "audited-wrong-password");
    const { cookie } = await signIn(staff.email);
    await server.fetch("/logout", { method: "POST", cookie, headers: { Origin: server.origin } });
    const events = await db.select().from(auditEvents);
    const actions = events.map((e) => e.action);
    expect(actions).toContain("auth.sign_in");
    expect(actions).toContain("auth.sign_in_failed");
    expect(actions).toContain("auth.sign_out");
    const everything = JSON.stringify(events);
    expect(everything).not.toContain("audited-wrong-password");
    expect(everything).not.toContain(TEST_PASSWORD);
  });
});

describe("the lock-out over HTTP", () => {
  it("after 10 failures the account is locked with a message that says so, even for the right password", async () => {
    const target = await createUser(db, { role: "manager" });
    for (let i = 0; i < 9; i++) expect((await signInForm(target.email, `wrong-${i}`)).status).toBe(400);
    const tenth = await signInForm(target.email, "wrong-10");
    expect(tenth.status).toBe(429);
    expect(await tenth.text()).toContain("This account is locked for 15 minutes");
    const right = await signInForm(target.email, TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie().some((c) => c.startsWith(COOKIE))).toBe(false);
  });
});
