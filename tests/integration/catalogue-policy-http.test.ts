// The catalogue and policy pages over real HTTP against the production build, posted as a
// browser without JavaScript would: errors beside the field with what was typed kept, the
// confirmation steps, and what a page shows after a change.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, branchPolicyOverrides, gestures, type Branch, type User } from "../../db/schema";
import { createGestureType } from "~/domain/policy/catalogue-admin.server";
import { findGestureType, listGestureTypes } from "~/domain/policy/catalogue.server";
import { getEffectivePolicy, getPolicyDefaults } from "~/domain/policy/policy.server";
import { POLICY_KEYS } from "~/domain/policy/policy";
import { policyValueText } from "~/domain/policy/policy-schemas";
import { db } from "~/utils/db.server";
import { createBranch, createCustomer, createOrganisation, createUser } from "../support/factories";
import { cookiePair, startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let admin: User;
let branch: Branch;

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  admin = await createUser(db, { role: "admin" });
  branch = await createBranch(db, { code: "LKS", name: "Lakeside" });
});
afterAll(() => server.close());

/** The page's HTML without the comments React puts between adjacent pieces of text. */
const textOf = async (response: Response) => (await response.text()).replaceAll("<!-- -->", "");

async function get(path: string) {
  const response = await server.fetch(path, { cookie: (await sessionCookieFor(db, admin)).cookie });
  return { status: response.status, html: await textOf(response) };
}

/** Posts a form (fields may repeat, like checkboxes) and, on a redirect, follows it with the toast cookie. */
async function post(path: string, form: [string, string][]) {
  const { cookie } = await sessionCookieFor(db, admin);
  const response = await server.fetch(path, {
    method: "POST",
    cookie,
    headers: { Origin: server.origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  if (response.status !== 302) return { status: response.status, html: await textOf(response), location: null };
  const location = response.headers.get("Location")!;
  const toast = cookiePair(response, "ef_toast") ?? cookiePair(response, "__Host-ef_toast");
  const next = await server.fetch(location, { cookie: [cookie, toast].filter(Boolean).join("; ") });
  return { status: 302, html: await textOf(next), location };
}

const typeForm = (values: { name: string; defaultAmount: string; maxAmount: string; occasions: string[]; description?: string }): [string, string][] => [
  ["name", values.name],
  ["description", values.description ?? ""],
  ["defaultAmount", values.defaultAmount],
  ["maxAmount", values.maxAmount],
  ...values.occasions.map((occasion): [string, string] => ["occasions", occasion]),
];

describe("the gesture catalogue without JavaScript", () => {
  it("a wrong entry comes back with each error beside its field and everything typed still there", async () => {
    const { status, html } = await post("/admin/catalogue/new", typeForm({ name: "Bakery <b>box</b>", defaultAmount: "80", maxAmount: "1e3", occasions: [] }));
    expect(status).toBe(400);
    expect(html).toContain("Write the amount out in full, without an exponent");
    expect(html).toContain("Choose at least one occasion this type suits.");
    expect(html).toContain('value="Bakery &lt;b&gt;box&lt;/b&gt;"');
    expect(html).toContain('value="1e3"');
    expect(html).not.toContain("<b>box</b>");
  });

  it("adding a type lists it with its amounts, its occasions and 'Never' used", async () => {
    const { status, location, html } = await post("/admin/catalogue/new", typeForm({ name: "Bakery box", defaultAmount: "30", maxAmount: "45", occasions: ["birthday", "new_baby"] }));
    expect(status).toBe(302);
    expect(location).toBe("/admin/catalogue");
    expect(html).toContain("Bakery box added.");
    const row = html.slice(html.indexOf(">Bakery box</a>"), html.indexOf("</tr>", html.indexOf(">Bakery box</a>")));
    expect(row).toContain("New baby, Birthday");
    expect(row).toContain("$30.00");
    expect(row).toContain("$45.00");
    expect(row).toContain("Never");
  });

  it("a default above the maximum is refused beside the default; the domain's duplicate name beside the name", async () => {
    const flowers = (await listGestureTypes(db)).find((type) => type.code === "flowers")!;
    const above = await post(`/admin/catalogue/${flowers.id}`, [["intent", "update"], ...typeForm({ name: "Flowers", defaultAmount: "130", maxAmount: "120", occasions: ["bereavement"] })]);
    expect(above.status).toBe(400);
    expect(above.html).toContain("The default amount cannot be above the maximum amount.");
    const duplicate = await post(`/admin/catalogue/${flowers.id}`, [["intent", "update"], ...typeForm({ name: "gift basket", defaultAmount: "60", maxAmount: "120", occasions: ["bereavement"] })]);
    expect(duplicate.status).toBe(409);
    expect(duplicate.html).toContain("Another gesture type is already called gift basket.");
    expect(await findGestureType(db, flowers.id)).toMatchObject({ name: "Flowers", defaultAmount: 6_000 });
  });

  it("saving a maximum above the organisation's per-gesture maximum succeeds with a warning", async () => {
    const type = await createGestureType(db, admin, { name: "Hamper", defaultAmount: 5_000, maxAmount: 10_000, occasions: ["marriage"] }, new Date());
    const { status, html } = await post(`/admin/catalogue/${type.id}`, [["intent", "update"], ...typeForm({ name: "Hamper", defaultAmount: "50", maxAmount: "400", occasions: ["marriage"] })]);
    expect(status).toBe(302);
    expect(html).toContain("Hamper saved. Its maximum ($400.00) is above the organisation's per-gesture maximum ($250.00)");
    expect(html).toContain('class="banner banner--warning">The maximum (<span class="money">$400.00</span>) is above');
    expect((await get("/admin/catalogue")).html).toContain("Above the per-gesture maximum");
  });

  it("deleting asks first, then removes a type that was never used", async () => {
    const type = await createGestureType(db, admin, { name: "Balloon", defaultAmount: 500, maxAmount: 1_000, occasions: ["birthday"] }, new Date());
    const confirm = await get(`/admin/catalogue/${type.id}?confirm=delete`);
    expect(confirm.html).toContain("Delete Balloon?");
    expect(confirm.html).toContain("Yes, delete Balloon");
    const { status, location, html } = await post(`/admin/catalogue/${type.id}`, [["intent", "delete"]]);
    expect(status).toBe(302);
    expect(location).toBe("/admin/catalogue");
    expect(html).toContain("Balloon is deleted from the catalogue.");
    expect(await findGestureType(db, type.id)).toBeNull();
  });

  it("a used type offers no delete, refuses a posted one with the reason, and can be deactivated after confirming", async () => {
    const type = await createGestureType(db, admin, { name: "Candle", defaultAmount: 500, maxAmount: 1_000, occasions: ["bereavement"] }, new Date());
    const staff = await createUser(db, { role: "staff", branchId: branch.id });
    const customer = await createCustomer(db, { branchId: branch.id });
    await db
      .insert(gestures)
      .values({
        customerId: customer.id,
        branchId: branch.id,
        proposerId: staff.id,
        occasion: "bereavement",
        typeId: type.id,
        requestedAmount: 500,
        deliveryMethod: "in_branch",
        status: "draft",
        updatedAt: new Date(),
      });
    const page = await get(`/admin/catalogue/${type.id}`);
    expect(page.html).toContain("used by 1 gesture");
    expect(page.html).not.toContain("Delete…");
    const refused = await post(`/admin/catalogue/${type.id}`, [["intent", "delete"]]);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("Candle has been used by 1 gesture, so it stays in the catalogue for their history. Deactivate it instead.");
    expect((await get(`/admin/catalogue/${type.id}?confirm=deactivate`)).html).toContain("Yes, deactivate Candle");
    const deactivated = await post(`/admin/catalogue/${type.id}`, [["intent", "deactivate"]]);
    expect(deactivated.status).toBe(302);
    expect(deactivated.html).toContain("Candle is deactivated: staff can no longer choose it.");
    expect((await findGestureType(db, type.id))?.active).toBe(false);
  });

  it("a type that does not exist is a 404 page", async () => {
    expect((await get("/admin/catalogue/999999")).status).toBe(404);
    expect((await get("/admin/catalogue/abc")).status).toBe(404);
  });
});

describe("the policy pages without JavaScript", () => {
  const defaultsForm = async (changes: Record<string, string> = {}): Promise<[string, string][]> => {
    const defaults = await getPolicyDefaults(db);
    return POLICY_KEYS.map((key) => [key, changes[key] ?? policyValueText(key, defaults[key])]);
  };
  const branchForm = (overrides: Record<string, string>): [string, string][] =>
    POLICY_KEYS.flatMap((key): [string, string][] => [
      [`${key}.mode`, overrides[key] === undefined ? "default" : "override"],
      [`${key}.value`, overrides[key] ?? ""],
    ]);

  it("defaults out of order are refused beside the setting, with what was typed kept", async () => {
    const { status, html } = await post("/admin/policy", await defaultsForm({ discretionLimit: "200.00" }));
    expect(status).toBe(400);
    expect(html).toContain("The discretion limit must not be above the second-approval threshold.");
    expect(html).toContain('value="200.00"');
    const unreadable = await post("/admin/policy", await defaultsForm({ staffMonthlyCap: "12.345", outcomeFollowUpDays: "two weeks" }));
    expect(unreadable.status).toBe(400);
    expect(unreadable.html).toContain("Use at most two decimals (cents).");
    expect(unreadable.html).toContain("Enter a whole number of days, such as 30, with the digits 0 to 9 only.");
    expect(unreadable.html).toContain('value="two weeks"');
    expect((await getPolicyDefaults(db)).discretionLimit).toBe(5_000);
  });

  it("saving the defaults is audited with before and after", async () => {
    const { status, html } = await post("/admin/policy", await defaultsForm({ duplicateWindowDays: "45" }));
    expect(status).toBe(302);
    expect(html).toContain("Organisation policy saved.");
    expect((await getPolicyDefaults(db)).duplicateWindowDays).toBe(45);
    const event = (await db.select().from(auditEvents).where(eq(auditEvents.action, "policy.defaults_updated"))).at(-1)!;
    expect(JSON.parse(event.detail)).toEqual({ duplicateWindowDaysBefore: 30, duplicateWindowDaysAfter: 45 });
  });

  it("a branch override shows its effective value and source; a conflict says which values conflict", async () => {
    const before = await get(`/admin/policy/${branch.id}`);
    expect(before.html).toContain("Use organisation default ($50.00)");
    expect(before.html).toMatch(/data-testid="effective-discretionLimit">Applies now: <strong>\$50\.00<\/strong> · <span class="badge">Organisation default/);

    const conflict = await post(`/admin/policy/${branch.id}`, branchForm({ discretionLimit: "175" }));
    expect(conflict.status).toBe(400);
    expect(conflict.html).toContain(
      "The discretion limit must not be above the second-approval threshold. Now: discretion limit $175.00 (branch override), second-approval threshold $150.00 (organisation default).",
    );
    expect(conflict.html).toContain('value="175"');

    const saved = await post(`/admin/policy/${branch.id}`, branchForm({ discretionLimit: "75", approvalExpiryDays: "10" }));
    expect(saved.status).toBe(302);
    expect(saved.html).toContain("Lakeside&#x27;s policy saved: 2 settings override the organisation defaults.");
    expect(saved.html).toMatch(/data-testid="effective-discretionLimit">Applies now: <strong>\$75\.00<\/strong> · <span class="badge badge--info">Branch override/);
    expect((await getEffectivePolicy(db, branch.id)).overrides).toEqual({ discretionLimit: 7_500, approvalExpiryDays: 10 });
    expect((await get("/admin/policy")).html).toContain("2 settings");
  });

  it("removing every override asks first, then deletes the branch's row", async () => {
    const other = await createBranch(db, { code: "CLR", name: "Clearwater" });
    await post(`/admin/policy/${other.id}`, branchForm({ receiptRequiredAbove: "10" }));
    expect((await get(`/admin/policy/${other.id}?confirm=clear`)).html).toContain("Remove all 1 overrides of Clearwater?");
    const { status, html } = await post(`/admin/policy/${other.id}`, [["intent", "clear"]]);
    expect(status).toBe(302);
    expect(html).toContain("Clearwater follows the organisation defaults for every setting.");
    expect(await firstRow(db.select().from(branchPolicyOverrides).where(eq(branchPolicyOverrides.branchId, other.id)).limit(1))).toBeUndefined();
  });

  it("a branch that does not exist is a 404 page", async () => {
    expect((await get("/admin/policy/999999")).status).toBe(404);
    expect((await post("/admin/policy/999999", branchForm({}))).status).toBe(404);
  });
});
