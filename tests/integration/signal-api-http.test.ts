import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, signals, type User } from "../../db/schema";
import { createApiKey, revokeApiKey } from "~/domain/customers/api-keys.server";
import { API_RATE_LIMIT } from "~/domain/customers/signal-api.server";
import { createBranch, createCustomer, createOrganisation, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { db } from "~/utils/db.server";
import { localDaysAgo, localToday } from "../support/calendar";

let server: TestServer;
let admin: User;
let key: string;
let customerId: number;

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  admin = await createUser(db, { role: "admin" });
  customerId = (await createCustomer(db, { branchId: (await createBranch(db)).id, crmRef: "API-CUST-1" })).id;
  key = (await createApiKey(db, admin, { name: "Test CRM" }, new Date())).key;
});
afterAll(() => server.close());

const send = (body: unknown, apiKey: string | null = key) =>
  server.fetch("/api/signals", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const today = localToday();
const yesterday = localDaysAgo(2);

describe("POST /api/signals", () => {
  it("refuses a request without a key, with an unknown key, and with a revoked key, in JSON", async () => {
    for (const apiKey of [null, "ef_not-a-real-key", "garbage"]) {
      const response = await send({ crm_ref: "API-CUST-1", kind: "complaint", date: yesterday }, apiKey);
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
      expect(await response.json()).toMatchObject({ error: "unauthorized" });
    }
    const revoked = await createApiKey(db, admin, { name: "Old CRM" }, new Date());
    await revokeApiKey(db, admin, { keyId: revoked.id }, new Date());
    expect((await send({ crm_ref: "API-CUST-1", kind: "complaint", date: yesterday }, revoked.key)).status).toBe(401);
  });

  it("stores only a hash of the key", async () => {
    const rows = await db.select().from(apiKeys);
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it("accepts one signal or many, and a second delivery stores nothing new", async () => {
    const batch = [
      { signal_ref: "API-1", crm_ref: "API-CUST-1", kind: "long_wait", date: yesterday, severity: 3, note: "Waited an hour" },
      { crm_ref: "API-CUST-1", kind: "complaint", date: yesterday, severity: "low" },
    ];
    const first = await send({ signals: batch });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ created: 2, unchanged: 0 });
    const again = await send(batch);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ created: 0, unchanged: 2 });
    expect(await db.select().from(signals).where(eq(signals.customerId, customerId))).toHaveLength(2);
  });

  it("refuses invalid signals with clear JSON errors per item and stores none of the request", async () => {
    const response = await send([
      { crm_ref: "API-CUST-1", kind: "birthday", date: today },
      { crm_ref: "API-CUST-1", kind: "funeral", date: today },
      { crm_ref: "NOBODY", kind: "complaint", date: today },
      { crm_ref: "API-CUST-1", kind: "complaint", date: "yesterday", note: "x".repeat(501) },
      "not an object",
    ]);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; errors: { index: number; field: string }[] };
    expect(body.error).toBe("invalid_signals");
    expect(body.errors.map((e) => [e.index, e.field])).toEqual([
      [1, "kind"],
      [2, "crm_ref"],
      [3, "date"],
      [3, "note"],
      [4, null],
    ]);
    expect(await db.select().from(signals).where(eq(signals.kind, "birthday"))).toHaveLength(0);
  });

  it("refuses a body that is not JSON", async () => {
    const response = await send("{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_json" });
  });

  it("limits the rate per key and says when to try again", async () => {
    const limited = (await createApiKey(db, admin, { name: "Chatty CRM" }, new Date())).key;
    let last: Response | null = null;
    for (let i = 0; i <= API_RATE_LIMIT.requests; i++) last = await send([], limited);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({ error: "rate_limited" });
    expect((await send([], key)).status).toBe(400); // another key is not affected
  });

  it("an admin creates a key on the API keys page and sees it once", async () => {
    const cookie = (await sessionCookieFor(db, admin)).cookie;
    const response = await server.fetch("/api-keys", { method: "POST", cookie, form: { intent: "create", name: "Page-made key" }, headers: { Origin: server.origin } });
    expect(response.status).toBe(200);
    const html = await response.text();
    const shown = /ef_[A-Za-z0-9_-]{20,}/.exec(html)?.[0];
    expect(shown).toBeDefined();
    expect((await send({ crm_ref: "API-CUST-1", kind: "other", date: yesterday, note: "via page key" }, shown!)).status).toBe(201);
    const list = await (await server.fetch("/api-keys", { cookie })).text();
    expect(list).toContain("Page-made key");
    expect(list).not.toContain(shown!);
  });
});
