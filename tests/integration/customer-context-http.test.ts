import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, signals, suggestionDismissals, type Branch, type Customer, type User } from "../../db/schema";
import { ACCESS_TABLE } from "../support/access-table";
import { createBranch, createCustomer, createOrganisation, createSignal, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { db } from "~/utils/db.server";
import { localDate } from "~/domain/core/dates";

let server: TestServer;
let branch: Branch;
let staff: User;
let finance: User;
let admin: User;
let otherStaff: User;
let customer: Customer;
const SECRET_NOTE = "Confidential-bereavement-note-7f3a";
const today = localDate(new Date(), "America/New_York");

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  branch = await createBranch(db);
  staff = await createUser(db, { role: "staff", branchId: branch.id });
  otherStaff = await createUser(db, { role: "staff", branchId: (await createBranch(db)).id });
  finance = await createUser(db, { role: "finance" });
  admin = await createUser(db, { role: "admin" });
  customer = await createCustomer(db, { branchId: branch.id, name: "Harriet Httptest", crmRef: "HTTP-1" });
  await createSignal(db, customer, { kind: "bereavement", occurredOn: today, note: SECRET_NOTE });
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;
const post = async (user: User, path: string, form: Record<string, string>) => server.fetch(path, { method: "POST", cookie: await cookie(user), form, headers: { Origin: server.origin } });

describe("customer pages over HTTP", () => {
  it("staff find the customer by surname and open the page with the sensitive note, and the view is logged", async () => {
    const list = await server.fetch("/customers?q=httpt", { cookie: await cookie(staff) });
    expect(await list.text()).toContain("Harriet Httptest");
    const before = (await db.select().from(auditEvents).where(eq(auditEvents.action, "customer.sensitive_viewed"))).length;
    const page = await server.fetch(`/customers/${customer.id}`, { cookie: await cookie(staff) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(SECRET_NOTE);
    expect((await db.select().from(auditEvents).where(eq(auditEvents.action, "customer.sensitive_viewed"))).length).toBe(before + 1);
  });

  it("staff of another branch get a 404 that names nothing about the customer", async () => {
    const response = await server.fetch(`/customers/${customer.id}?_data=routes%2F_app.customers.%24customerId`, { cookie: await cookie(otherStaff) });
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toContain("Harriet");
    expect(body).not.toContain(SECRET_NOTE);
  });

  it("no page or data request a finance user or an admin can open returns a customer note", async () => {
    for (const user of [finance, admin]) {
      for (const access of Object.values(ACCESS_TABLE)) {
        if (access.kind !== "page") continue;
        const path = access.path.replace(":customerId", String(customer.id));
        const response = await server.fetch(path, { cookie: await cookie(user) });
        expect(await response.text(), `${user.role} GET ${path}`).not.toContain(SECRET_NOTE);
      }
    }
  });

  it("adding a signal through the form records it and sends the user back to the customer", async () => {
    const response = await post(staff, `/customers/${customer.id}`, { intent: "add-signal", kind: "long_wait", occurredOn: today, severity: "2", note: "Waited 50 min" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/customers/${customer.id}`);
    expect((await db.select().from(signals).where(eq(signals.customerId, customer.id))).map((s) => s.note)).toContain("Waited 50 min");
  });

  it("an invalid signal is refused with the message beside its field and what was typed kept", async () => {
    const response = await post(staff, `/customers/${customer.id}`, { intent: "add-signal", kind: "long_wait", occurredOn: "2026-02-30", severity: "2", note: "Keep me" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("real date written YYYY-MM-DD");
    expect(html).toContain("Keep me");
  });

  it("the home page lists the customer in suggestions, and dismissing needs a reason", async () => {
    const home = await server.fetch("/branch", { cookie: await cookie(staff) });
    const html = await home.text();
    expect(html).toContain("Harriet Httptest");
    expect(html).toContain("Bereavement noted today");
    const refused = await post(staff, "/suggestions", { intent: "dismiss-suggestion", customerId: String(customer.id), reason: "" });
    expect(refused.status).toBe(400);
    const done = await post(staff, "/suggestions", { intent: "dismiss-suggestion", customerId: String(customer.id), reason: "Called them", redirectTo: "/branch" });
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/branch");
    expect(await db.select().from(suggestionDismissals).where(eq(suggestionDismissals.customerId, customer.id))).toHaveLength(1);
    expect(await (await server.fetch("/branch", { cookie: await cookie(staff) })).text()).not.toContain("Harriet Httptest");
  });

  it("an admin erases a customer after typing ERASE, and not without it", async () => {
    const target = await createCustomer(db, { branchId: branch.id, name: "Erin Erasable", crmRef: "HTTP-ERASE" });
    const refused = await post(admin, "/erasure", { intent: "erase", crmRef: "HTTP-ERASE", confirm: "erase" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Type ERASE in capitals");
    const done = await post(admin, "/erasure", { intent: "erase", crmRef: "HTTP-ERASE", confirm: "ERASE" });
    expect(done.status).toBe(302);
    const page = await server.fetch(`/customers/${target.id}`, { cookie: await cookie(staff) });
    const html = await page.text();
    expect(html).not.toContain("Erin");
    expect(html).toContain(`Erased customer #${target.id}`);
  });
});
