// The gesture workflow over real HTTP against the production build, posted as a browser without
// JavaScript would: propose, the approvals queue, decisions (also by direct POSTs that the UI
// would never offer), bulk approval with a partial failure, and what finance may see.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gestureDecisions, gestures, holds } from "../../db/schema";
import { getPoolBalance } from "~/domain/budget/ledger.server";
import { db } from "~/utils/db.server";
import { setupGestures, propose, typeId } from "../support/gesture-setup";
import { createCustomer, createSignal } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import type { User } from "../../db/schema";
import { localToday } from "../support/calendar";
import { firstRow } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

let server: TestServer;
let s: Awaited<ReturnType<typeof setupGestures>>;
const NOW = new Date();

beforeAll(async () => {
  server = await startTestServer();
  s = await setupGestures(db, { now: NOW, amounts: [30_000, 100_000] });
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;
const row = async (id: number) => (await firstRow(db.select().from(gestures).where(eq(gestures.id, id)).limit(1)))!;

describe("proposing over HTTP", () => {
  it("a staff member proposes from the form; a policy refusal comes back beside the field with what was typed", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    const signal = await createSignal(db, customer, { kind: "bereavement", occurredOn: localToday() });
    const page = await server.fetch(`/gestures/new?customerId=${customer.id}&signalId=${signal.id}`, { cookie: await cookie(s.staff) });
    expect(page.status).toBe(200);
    const html = await page.text();
    const createKey = /name="createKey" value="([^"]+)"/.exec(html)?.[1];
    expect(createKey).toBeTruthy();
    const form = {
      intent: "submit",
      createKey: createKey!,
      customerId: String(customer.id),
      occasion: "bereavement",
      signalId: String(signal.id),
      typeId: String(await typeId(db, "flowers")),
      amount: "95.00",
      cardMessage: "With sympathy <script>alert(1)</script>",
      justification: "",
      deliveryMethod: "in_branch",
    };
    const refused = await server.fetch(`/gestures/new?customerId=${customer.id}`, { method: "POST", cookie: await cookie(s.staff), form });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain("Above the discretion limit of $50.00 the approver needs a justification");
    expect(refusedHtml).toContain("With sympathy &lt;script&gt;alert(1)&lt;/script&gt;");
    const accepted = await server.fetch(`/gestures/new?customerId=${customer.id}`, { method: "POST", cookie: await cookie(s.staff), form: { ...form, justification: "Known family" } });
    expect(accepted.status).toBe(302);
    const id = Number(accepted.headers.get("Location")!.split("/").pop());
    expect(await row(id)).toMatchObject({ status: "submitted", requestedAmount: 9_500, signalId: signal.id });
    // The same form posted again (a double click, a refresh) creates nothing more.
    const again = await server.fetch(`/gestures/new?customerId=${customer.id}`, { method: "POST", cookie: await cookie(s.staff), form: { ...form, justification: "Known family" } });
    expect(again.headers.get("Location")).toBe(`/gestures/${id}`);
    expect(await db.select().from(gestures).where(eq(gestures.customerId, customer.id))).toHaveLength(1);
  });

  it("a customer of another branch cannot be proposed for, even by a forged post", async () => {
    const response = await server.fetch(`/gestures/new?customerId=${s.southCustomer.id}`, { cookie: await cookie(s.staff) });
    expect(response.status).toBe(404);
    const post = await server.fetch(`/gestures/new`, {
      method: "POST",
      cookie: await cookie(s.staff),
      form: {
        intent: "submit",
        createKey: "forged-key-123",
        customerId: String(s.southCustomer.id),
        occasion: "complaint",
        typeId: String(await typeId(db, "voucher")),
        amount: "10",
        deliveryMethod: "in_branch",
      },
    });
    expect(post.status).toBe(404);
    expect(await db.select().from(gestures).where(eq(gestures.customerId, s.southCustomer.id))).toEqual([]);
  });
});

describe("deciding over HTTP", () => {
  it("nobody approves their own proposal, not even with a direct POST", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    const g = await propose(db, s.manager, { customerId: customer.id, amount: 6_000, justification: "x" }, NOW);
    const response = await server.fetch(`/gestures/${g.gestureId}`, { method: "POST", cookie: await cookie(s.manager), form: { intent: "approve", version: String(g.version) } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Nobody may decide on their own proposal.");
    expect((await row(g.gestureId)).status).toBe("submitted");
    expect(await db.select().from(gestureDecisions).where(eq(gestureDecisions.gestureId, g.gestureId))).toEqual([]);
  });

  it("a manager of another branch cannot see or decide a proposal", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    const g = await propose(db, s.staff, { customerId: customer.id, amount: 6_000, justification: "x", occasion: "illness" }, NOW);
    expect((await server.fetch(`/gestures/${g.gestureId}`, { cookie: await cookie(s.southManager) })).status).toBe(404);
    const post = await server.fetch(`/gestures/${g.gestureId}`, { method: "POST", cookie: await cookie(s.southManager), form: { intent: "approve", version: String(g.version) } });
    expect(post.status).toBe(404);
    expect((await row(g.gestureId)).status).toBe("submitted");
    const queue = await (await server.fetch("/approvals", { cookie: await cookie(s.southManager) })).text();
    expect(queue).not.toContain(customer.name);
  });

  it("a rejection without a reason is refused beside the comment; the second approver is told who decided first", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    const g = await propose(db, s.staff, { customerId: customer.id, amount: 6_000, justification: "x", occasion: "complaint" }, NOW);
    const noReason = await server.fetch(`/gestures/${g.gestureId}`, { method: "POST", cookie: await cookie(s.manager), form: { intent: "reject", version: String(g.version), comment: "" } });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Give the reason for the rejection");
    const first = await server.fetch(`/gestures/${g.gestureId}`, { method: "POST", cookie: await cookie(s.manager), form: { intent: "approve", version: String(g.version) } });
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe("/approvals");
    const second = await server.fetch(`/gestures/${g.gestureId}`, { method: "POST", cookie: await cookie(s.manager2!), form: { intent: "reject", version: String(g.version), comment: "No" } });
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("already approved by Mona Manager at");
    expect((await row(g.gestureId)).status).toBe("approved");
    expect(await db.select().from(holds).where(eq(holds.gestureId, g.gestureId))).toHaveLength(1);
  });

  it("finance reads a proposal without its card message, justification or signal", async () => {
    const customer = await createCustomer(db, { branchId: s.north.id });
    const signal = await createSignal(db, customer, { kind: "illness", note: "Chemotherapy since May" });
    const g = await propose(db, s.staff, { customerId: customer.id, amount: 6_000, justification: "Private family matter", cardMessage: "Dear Ann", occasion: "illness", signalId: signal.id }, NOW);
    const html = await (await server.fetch(`/gestures/${g.gestureId}`, { cookie: await cookie(s.financeUser) })).text();
    expect(html).toContain("Illness or hospital stay");
    expect(html).not.toContain("Private family matter");
    expect(html).not.toContain("Dear Ann");
    expect(html).not.toContain("Chemotherapy");
    const admin = await server.fetch(`/gestures/${g.gestureId}`, { cookie: await cookie(await (await import("../support/factories")).createUser(db, { role: "admin" })) });
    expect(admin.status).toBe(403);
  });
});

describe("bulk approval over HTTP", () => {
  it("approves what the pool covers and lists each refusal with its reason", async () => {
    const ids: { gestureId: number; version: number }[] = [];
    // Three proposals of $90 each where the pool has $140 left: one fits, then $50 remains.
    const spendDown = (await getPoolBalance(db, s.pools[0]!.id)).available - 14_000;
    expect(spendDown).toBeGreaterThan(0);
    for (const occasion of ["new_baby", "marriage", "tenure_anniversary"] as const) {
      const customer = await createCustomer(db, { branchId: s.north.id });
      ids.push(await propose(db, s.staff2, { customerId: customer.id, amount: 9_000, justification: "x", occasion }, NOW));
    }
    // Spend down to just enough for one more.
    const { placeHold } = await import("~/domain/budget/ledger.server");
    await placeHold(db, { id: null }, { poolId: s.pools[0]!.id, amount: spendDown, idempotencyKey: "bulk-test-spend-down", now: NOW });
    const body = new URLSearchParams([["intent", "bulk-approve"], ...ids.map((g) => ["selected", `${g.gestureId}:${g.version}`] as [string, string])]);
    const response = await server.fetch("/approvals", {
      method: "POST",
      cookie: await cookie(s.manager),
      body: body.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(200);
    // React separates text parts with comments in server-rendered HTML.
    const html = (await response.text()).replaceAll("<!-- -->", "");
    expect(html).toContain("Bulk approval: 1 approved, 2 not approved");
    expect(html).toContain("The pool has $50.00 available; this gesture needs $90.00. Nothing was approved.");
    expect(await mapInSeries(ids, async (g) => (await row(g.gestureId)).status)).toEqual(["approved", "submitted", "submitted"]);
    expect((await getPoolBalance(db, s.pools[0]!.id)).available).toBe(5_000);
  });

  it("an empty selection is refused in words", async () => {
    const response = await server.fetch("/approvals", { method: "POST", cookie: await cookie(s.manager), form: { intent: "bulk-approve" } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Select at least one proposal to approve.");
  });
});
