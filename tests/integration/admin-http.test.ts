// Administration and password changes over real HTTP against the production build.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users, type User } from "../../db/schema";
import { verifyPassword } from "~/domain/identity/passwords.server";
import { countSessionsOf } from "~/domain/identity/sessions.server";
import { db } from "~/utils/db.server";
import { createBranch, createOrganisation, createUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let admin: User;

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  admin = await createUser(db, { role: "admin" });
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;
const post = async (path: string, who: User | string, form: Record<string, string>) =>
  server.fetch(path, {
    method: "POST",
    cookie: typeof who === "string" ? who : await cookie(who),
    headers: { Origin: server.origin },
    form,
  });

describe("a user who must change their password", () => {
  it("reaches nothing but the change-password page, on every signed-in page and for data requests", async () => {
    const staff = await createUser(db, { role: "staff", mustChangePassword: true });
    const session = await cookie(staff);
    for (const path of ["/branch", "/audit", "/admin", "/", "/branch?_data=routes%2F_app.branch"]) {
      const response = await server.fetch(path, { cookie: session });
      const location = response.headers.get("Location") ?? response.headers.get("X-Remix-Redirect");
      if (path === "/") expect(location).toBe("/branch");
      else expect(location, path).toBe("/account/password");
    }
    expect((await server.fetch("/account/password", { cookie: session })).status).toBe(200);
  });

  it("an administrator who must change their password cannot create users until they have", async () => {
    const pending = await createUser(db, { role: "admin", mustChangePassword: true });
    const response = await post("/admin/users/new", pending, { name: "Sneaky", email: "sneaky@example.com", role: "finance" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/account/password");
    expect(await firstRow(db.select().from(users).where(eq(users.email, "sneaky@example.com")).limit(1))).toBeUndefined();
  });

  it("after choosing a new password the whole app opens again", async () => {
    const staff = await createUser(db, { role: "staff", mustChangePassword: true });
    const session = await cookie(staff);
    const response = await post("/account/password", session, {
      currentPassword: TEST_PASSWORD,
      newPassword: "velvet tractor in the rain",
      confirmPassword: "velvet tractor in the rain",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/branch");
    expect((await server.fetch("/branch", { cookie: session })).status).toBe(200);
  });
});

describe("changing one's password over HTTP", () => {
  it("a refused password comes back beside its field, and no password is echoed in the page", async () => {
    const finance = await createUser(db, { role: "finance" });
    const response = await post("/account/password", finance, {
      currentPassword: TEST_PASSWORD,
      newPassword: "password123456",
      confirmPassword: "password123456",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("on a list of common passwords");
    expect(html).not.toContain("password123456");
    expect(html).not.toContain(TEST_PASSWORD);
  });

  it("a successful change signs the user out on their other devices", async () => {
    const manager = await createUser(db, { role: "manager" });
    const here = await cookie(manager);
    const elsewhere = await cookie(manager);
    const response = await post("/account/password", here, {
      currentPassword: TEST_PASSWORD,
      newPassword: "kiwi harbour lantern 7",
      confirmPassword: "kiwi harbour lantern 7",
    });
    expect(response.status).toBe(302);
    expect((await server.fetch("/branch", { cookie: here })).status).toBe(200);
    expect((await server.fetch("/branch", { cookie: elsewhere })).headers.get("Location")).toMatch(/^\/login/);
  });
});

describe("administering users over HTTP", () => {
  it("creating a user shows the one-time password once, uncached, and stores only its hash", async () => {
    const branch = await createBranch(db);
    const response = await post("/admin/users/new", admin, { name: "Nora Quinn", email: "nora.quinn@example.com", role: "staff", branchId: String(branch.id) });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const html = await response.text();
    const oneTimePassword = /data-testid="one-time-password">([a-z2-9-]+)</.exec(html)?.[1];
    expect(oneTimePassword).toBeDefined();
    const stored = (await firstRow(db.select().from(users).where(eq(users.email, "nora.quinn@example.com")).limit(1)))!;
    expect(stored.mustChangePassword).toBe(true);
    expect(stored.passwordHash).not.toContain(oneTimePassword!);
    expect(await verifyPassword(oneTimePassword!, stored.passwordHash)).toBe(true);
    // The user page shows the new user without the password.
    const page = await (await server.fetch(`/admin/users/${stored.id}`, { cookie: await cookie(admin) })).text();
    expect(page).toContain("Nora Quinn");
    expect(page).not.toContain(oneTimePassword!);
  });

  it("an invalid form keeps what was typed and shows the error beside the field", async () => {
    const response = await post("/admin/users/new", admin, { name: "Omar Diaz", email: "omar.diaz@example.com", role: "manager" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Staff and branch managers belong to a branch: choose one.");
    expect(html).toContain('value="omar.diaz@example.com"');
    expect(html).toContain('value="Omar Diaz"');
  });

  it("deactivating a user ends their sessions at once: their next request is sent to sign-in", async () => {
    const staff = await createUser(db, { role: "staff" });
    const theirSession = await cookie(staff);
    expect((await server.fetch("/branch", { cookie: theirSession })).status).toBe(200);

    const response = await post(`/admin/users/${staff.id}`, admin, { intent: "deactivate" });
    expect(response.status).toBe(302);
    expect(await countSessionsOf(db, staff.id)).toBe(0);
    const after = await server.fetch("/branch", { cookie: theirSession });
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toMatch(/^\/login/);
  });

  it("an administrator trying to deactivate themselves gets the reason on the page and stays active", async () => {
    const response = await post(`/admin/users/${admin.id}`, admin, { intent: "deactivate" });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("You cannot deactivate yourself");
    expect((await firstRow(db.select().from(users).where(eq(users.id, admin.id)).limit(1)))?.active).toBe(true);
  });

  it("a user page for an id that does not exist answers 404", async () => {
    expect((await server.fetch("/admin/users/999999", { cookie: await cookie(admin) })).status).toBe(404);
    expect((await server.fetch("/admin/users/abc", { cookie: await cookie(admin) })).status).toBe(404);
    expect((await server.fetch("/admin/branches/999999", { cookie: await cookie(admin) })).status).toBe(404);
  });
});

describe("deactivating a branch over HTTP", () => {
  it("is refused with the reason beside the status section while people still work there, and works once they have left", async () => {
    const branch = await createBranch(db, { name: "Old Mill" });
    const clerk = await createUser(db, { role: "staff", branchId: branch.id });
    const refused = await post(`/admin/branches/${branch.id}`, admin, { intent: "deactivate" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("1 active user works at Old Mill. Move them to another branch or deactivate them first.");
    await db.update(users).set({ active: false }).where(eq(users.id, clerk.id));
    const done = await post(`/admin/branches/${branch.id}`, admin, { intent: "deactivate" });
    expect(done.status).toBe(302);
    const page = await server.fetch(`/admin/branches/${branch.id}`, { cookie: await cookie(admin) });
    expect(await page.text()).toContain("This branch is inactive");
  });
});
