// The second factor over real HTTP against the production build: the pending step cannot be
// skipped, enrolment renders a QR code on the server, recovery codes are shown once, and an
// administrator's reset goes through its confirmation.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { auditEvents, organisation, userSecondFactors, type User } from "../../db/schema";
import { createOrganisation, createUser, TEST_PASSWORD } from "../support/factories";
import { cookiePair, startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { totpCode } from "../support/totp";
import { db } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

vi.hoisted(() => {
  process.env.COOKIE_SECURE = "true";
});

const SESSION = "__Host-ef_session";
const PENDING = "__Host-ef_pending";
let server: TestServer;
let admin: User;

beforeAll(async () => {
  server = await startTestServer({ production: true });
  await createOrganisation(db, { secondFactorRequired: true });
  admin = await createUser(db, { role: "admin" });
});
afterAll(() => server.close());
beforeEach(async () => {
  await db.update(organisation).set({ secondFactorRequired: true }).where(eq(organisation.id, 1));
});

function post(path: string, form: Record<string, string>, cookie?: string) {
  return server.fetch(path, { method: "POST", headers: { Origin: server.origin }, form, cookie });
}

/** The secret as the enrolment page shows it (the text under the QR code). */
function secretFrom(html: string): string {
  const match = /data-testid="factor-secret"[^>]*>([A-Z2-7 ]+)</.exec(html);
  if (!match) throw new Error("no set-up key on the page");
  return match[1]!.replaceAll(" ", "");
}

async function enrolThroughPages(user: User) {
  const password = await post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(password.status).toBe(302);
  expect(password.headers.get("Location")).toBe("/login/enrol");
  expect(cookiePair(password, SESSION)).toBeNull();
  const pending = cookiePair(password, PENDING)!;
  const page = await server.fetch("/login/enrol", { cookie: pending });
  expect(page.status).toBe(200);
  const html = await page.text();
  const secret = secretFrom(html);
  const done = await post("/login/enrol", { code: totpCode(secret) }, pending);
  return { pending, html, secret, done };
}

describe("second factor over HTTP", () => {
  it("enrolment at sign-in: a QR code rendered on the server, then ten recovery codes shown once with the new session", async () => {
    const user = await createUser(db, { role: "staff" });
    const { html, done } = await enrolThroughPages(user);
    // The QR code is an image of the SVG (a data URI), never markup in the page.
    const qr = /<img class="qr-code" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="QR code for your authenticator app"/.exec(html);
    expect(Buffer.from(qr![1]!, "base64").toString()).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(done.status).toBe(200);
    expect(done.headers.get("Cache-Control")).toBe("no-store");
    const session = cookiePair(done, SESSION)!;
    expect(session).toBeTruthy();
    const body = await done.text();
    const codes = [...body.matchAll(/<li>([a-z2-9]{5}-[a-z2-9]{5})<\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect((await server.fetch("/branch", { cookie: session })).status).toBe(200);
  });

  it("the code step cannot be skipped: the pending cookie opens no page, and a wrong code is refused beside the field", async () => {
    const user = await createUser(db, { role: "staff" });
    const { secret } = await enrolThroughPages(user);
    const password = await post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/customers" });
    expect(password.headers.get("Location")).toBe("/login/verify");
    const pending = cookiePair(password, PENDING)!;
    // Browsing elsewhere with only the pending cookie: still signed out.
    const elsewhere = await server.fetch("/branch", { cookie: pending });
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get("Location")).toMatch(/^\/login\?/);
    const wrong = await post("/login/verify", { code: "12345" }, pending);
    expect(wrong.status).toBe(400);
    expect(cookiePair(wrong, SESSION)).toBeNull();
    const right = await post("/login/verify", { code: totpCode(secret, { stepOffset: 1 }) }, pending);
    expect(right.status).toBe(302);
    expect(right.headers.get("Location")).toBe("/customers");
    expect(cookiePair(right, SESSION)).toBeTruthy();
  });

  it("a reused code is refused with a message that says so", async () => {
    const user = await createUser(db, { role: "staff" });
    const { secret } = await enrolThroughPages(user);
    const password = await post("/login", { email: user.email, password: TEST_PASSWORD });
    const pending = cookiePair(password, PENDING)!;
    const reused = await post("/login/verify", { code: totpCode(secret) }, pending);
    // The enrolment spent this step; a code from the step before is older still.
    expect(reused.status).toBe(400);
    expect(await reused.text()).toMatch(/already used|not correct/);
    expect(cookiePair(reused, SESSION)).toBeNull();
  });

  it("an administrator resets a user's factor after confirming; it is audited and the user enrols again", async () => {
    const user = await createUser(db, { role: "staff" });
    await enrolThroughPages(user);
    const { cookie } = await sessionCookieFor(db, admin);
    const page = await (await server.fetch(`/admin/users/${user.id}`, { cookie })).text();
    expect(page).toContain("Reset second factor…");
    const confirm = await (await server.fetch(`/admin/users/${user.id}?confirm=reset-second-factor`, { cookie })).text();
    expect(confirm).toContain("Yes, reset the second factor");
    const reset = await post(`/admin/users/${user.id}`, { intent: "reset-second-factor" }, cookie);
    expect(reset.status).toBe(302);
    expect(await firstRow(db.select().from(userSecondFactors).where(eq(userSecondFactors.userId, user.id)).limit(1))).toBeUndefined();
    const audit = (await db.select().from(auditEvents).where(eq(auditEvents.action, "user.second_factor_reset"))).at(-1)!;
    expect(audit).toMatchObject({ actorId: admin.id, entityId: String(user.id) });
    const again = await post("/login", { email: user.email, password: TEST_PASSWORD });
    expect(again.headers.get("Location")).toBe("/login/enrol");
  });

  it("a signed-in user turns the factor on from the account page; the key they scanned comes back with their code", async () => {
    await db.update(organisation).set({ secondFactorRequired: false }).where(eq(organisation.id, 1));
    const user = await createUser(db, { role: "manager" });
    const { cookie } = await sessionCookieFor(db, user);
    const html = await (await server.fetch("/account/security", { cookie })).text();
    const secret = secretFrom(html);
    const wrong = await post("/account/security", { intent: "enrol", secret, code: "000000" === totpCode(secret) ? "111111" : "000000" }, cookie);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("does not match");
    const done = await post("/account/security", { intent: "enrol", secret, code: totpCode(secret) }, cookie);
    expect(done.status).toBe(200);
    expect([...(await done.text()).matchAll(/<li>([a-z2-9]{5}-[a-z2-9]{5})<\/li>/g)]).toHaveLength(10);
    const password = await post("/login", { email: user.email, password: TEST_PASSWORD });
    expect(password.headers.get("Location")).toBe("/login/verify");
  });

  it("the settings page turns the requirement off and on, audited", async () => {
    const { cookie } = await sessionCookieFor(db, admin);
    const base = {
      name: "Test Bank",
      currency: "USD",
      timeZone: "America/New_York",
      periodLength: "quarter",
      unspentBalanceRule: "lapse",
      sensitiveRetentionDays: "90",
      complaintsProcessText: "Refer it to the complaints team.",
    };
    const off = await post("/admin/settings", base, cookie);
    expect(off.status).toBe(302);
    expect((await firstRow(db.select().from(organisation).limit(1)))!.secondFactorRequired).toBe(false);
    const badClaim = await post("/admin/settings", { ...base, ssoAutoCreate: "on" }, cookie);
    expect(badClaim.status).toBe(400);
    expect(await badClaim.text()).toContain("Name the claim that carries the branch code");
    const on = await post("/admin/settings", { ...base, secondFactorRequired: "on", ssoAutoCreate: "on", ssoBranchClaim: "branch" }, cookie);
    expect(on.status).toBe(302);
    expect(await firstRow(db.select().from(organisation).limit(1))).toMatchObject({ secondFactorRequired: true, ssoAutoCreate: true, ssoBranchClaim: "branch" });
    const audit = (await db.select().from(auditEvents).where(eq(auditEvents.action, "organisation.updated"))).at(-1)!;
    expect(JSON.parse(audit.detail!)).toMatchObject({ secondFactorRequiredBefore: false, secondFactorRequiredAfter: true });
  });
});
