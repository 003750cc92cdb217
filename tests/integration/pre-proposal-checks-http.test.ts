// The checks before a gesture is proposed (issue 22) over real HTTP, posted as a browser without
// JavaScript would: the redress question refused with the organisation's text beside the field,
// the connected person's own branch shown no form and refused, the hardship and household
// warnings on the form before submit, and the manager's approval that needs a written reason.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gestures, organisation } from "../../db/schema";
import { db } from "~/utils/db.server";
import { propose, setupGestures, typeId } from "../support/gesture-setup";
import { createCustomer, createSignal } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import type { User } from "../../db/schema";
import { localDaysAgo } from "../support/calendar";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let s: Awaited<ReturnType<typeof setupGestures>>;
const NOW = new Date();
const COMPLAINTS_TEXT = "Send it to the Complaints Desk on form CP-7 <b>today</b>.";

beforeAll(async () => {
  server = await startTestServer();
  s = await setupGestures(db, { now: NOW });
  await db.update(organisation).set({ complaintsProcessText: COMPLAINTS_TEXT }).where(eq(organisation.id, 1));
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;

async function formFor(customerId: number) {
  const page = await server.fetch(`/gestures/new?customerId=${customerId}`, { cookie: await cookie(s.staff) });
  const html = await page.text();
  return { status: page.status, html, createKey: /name="createKey" value="([^"]+)"/.exec(html)?.[1] ?? "" };
}

describe("redress is not goodwill", () => {
  it("without JavaScript the question is on the form; yes is refused beside it with the organisation's words, and nothing is created", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    const { html, createKey } = await formFor(customer.id);
    expect(html).toContain("Is this money compensation the customer is owed?");
    const form = {
      intent: "submit",
      createKey,
      customerId: String(customer.id),
      occasion: "complaint",
      typeId: String(await typeId(db, "voucher")),
      amount: "15.00",
      deliveryMethod: "in_branch",
      compensationOwed: "yes",
    };
    const refused = await server.fetch(`/gestures/new?customerId=${customer.id}`, { method: "POST", cookie: await cookie(s.staff), form });
    expect(refused.status).toBe(422);
    const body = await refused.text();
    expect(body).toContain("Redress is not goodwill");
    expect(body).toContain("Send it to the Complaints Desk on form CP-7 &lt;b&gt;today&lt;/b&gt;.");
    expect(body).toMatch(/id="[^"]*compensationOwed[^"]*-error"/);
    expect(await db.select().from(gestures).where(eq(gestures.customerId, customer.id))).toHaveLength(0);
    const unanswered = await server.fetch(`/gestures/new?customerId=${customer.id}`, { method: "POST", cookie: await cookie(s.staff), form: { ...form, compensationOwed: "" } });
    expect(unanswered.status).toBeGreaterThanOrEqual(400);
    expect(await unanswered.text()).toContain("say whether this money is compensation the customer is owed");
    const goodwill = await server.fetch(`/gestures/new?customerId=${customer.id}`, { method: "POST", cookie: await cookie(s.staff), form: { ...form, compensationOwed: "no" } });
    expect(goodwill.status).toBe(302);
    expect(await firstRow(db.select().from(gestures).where(eq(gestures.customerId, customer.id)).limit(1))).toMatchObject({ compensationOwed: "no", status: "approved" });
  });

  it("an answer that is neither yes nor no is refused as a form error", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    const { createKey } = await formFor(customer.id);
    const response = await server.fetch(`/gestures/new?customerId=${customer.id}`, {
      method: "POST",
      cookie: await cookie(s.staff),
      form: {
        intent: "submit",
        createKey,
        customerId: String(customer.id),
        occasion: "complaint",
        typeId: String(await typeId(db, "voucher")),
        deliveryMethod: "in_branch",
        compensationOwed: "maybe",
      },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Answer yes or no.");
  });
});

describe("connected persons", () => {
  it("the customer's own branch sees why instead of a form, and a forged post is refused with the rule", async () => {
    const colin = await createCustomer(db, { branchId: s.north.id, name: "Colin Marsh", connectedBranchId: s.north.id });
    const { status, html, createKey } = await formFor(colin.id);
    expect(status).toBe(200);
    expect(html).toContain("cannot propose a gesture for them (policy: connected persons)");
    expect(createKey).toBe("");
    const forged = await server.fetch(`/gestures/new?customerId=${colin.id}`, {
      method: "POST",
      cookie: await cookie(s.staff),
      form: {
        intent: "submit",
        createKey: "forged-connected-1",
        customerId: String(colin.id),
        occasion: "birthday",
        typeId: String(await typeId(db, "handwritten_note")),
        deliveryMethod: "in_branch",
      },
    });
    expect(forged.status).toBe(422);
    expect(await forged.text()).toContain("policy: connected persons");
    expect(await db.select().from(gestures).where(eq(gestures.customerId, colin.id))).toHaveLength(0);
  });

  it("another branch's connected person: the form says finance decides, and the proposal waits for finance", async () => {
    const maya = await createCustomer(db, { branchId: s.north.id, connectedBranchId: s.south.id });
    const { html } = await formFor(maya.id);
    expect(html).toContain("finance decides any gesture for them");
    const g = await propose(db, s.staff, { customerId: maya.id, amount: 1_000 }, NOW);
    expect(await firstRow(db.select().from(gestures).where(eq(gestures.id, g.gestureId)).limit(1))).toMatchObject({ status: "submitted", approvalRoute: "finance" });
    const byManager = await server.fetch(`/gestures/${g.gestureId}`, { method: "POST", cookie: await cookie(s.manager), form: { intent: "approve", version: String(g.version) } });
    expect(byManager.status).toBe(403);
  });
});

describe("hardship and the household, before submit", () => {
  it("the form warns beside the justification of a recent hardship signal, and the manager's bare approval is refused beside the comment", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    await createSignal(db, customer, { kind: "collections", occurredOn: localDaysAgo(30) });
    const { html } = await formFor(customer.id);
    expect(html).toContain("In collections (arrears) was recorded for this customer on");
    expect(html).toContain("any gesture needs a manager&#x27;s approval with a written reason");
    const g = await propose(db, s.staff, { customerId: customer.id, amount: 500, justification: "Birthday card only." }, NOW);
    expect(g.status).toBe("submitted");
    const bare = await server.fetch(`/gestures/${g.gestureId}`, { method: "POST", cookie: await cookie(s.manager), form: { intent: "approve", version: String(g.version), comment: "" } });
    expect(bare.status).toBeGreaterThanOrEqual(400);
    expect(await bare.text()).toContain("approve only with a written reason in the comment");
    const withReason = await server.fetch(`/gestures/${g.gestureId}`, {
      method: "POST",
      cookie: await cookie(s.manager),
      form: { intent: "approve", version: String(g.version), comment: "Unrelated to the arrears." },
    });
    expect(withReason.status).toBe(302);
    expect((await firstRow(db.select().from(gestures).where(eq(gestures.id, g.gestureId)).limit(1)))!.status).toBe("approved");
  });

  it("the form says when the customer shares a delivery address and what the household has had", async () => {
    const a = await createCustomer(db, { branchId: s.north.id, deliveryAddress: "9 Birch Row\nNorthvale" });
    const b = await createCustomer(db, { branchId: s.south.id, deliveryAddress: "9 birch row, NORTHVALE" });
    await propose(db, s.southStaff, { customerId: b.id, amount: 3_000 }, NOW);
    const { html } = await formFor(a.id);
    expect(html).toContain("2 customers share this delivery address and count together toward the per-customer cap: 1 gesture worth $30.00");
  });
});
