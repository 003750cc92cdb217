// The audit log viewer and its export over real HTTP: filters by person, action, subject and date
// (in the organisation's time zone), keyset pages, and a CSV that matches the page and opens safely.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../db/schema";
import { recordAudit } from "~/domain/core/audit.server";
import { db, writeTransaction } from "~/utils/db.server";
import { createOrganisation, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

let server: TestServer;
let finance: User;
let alice: User;
let mallory: User;
let cookie: string;

// Times in New York (the test organisation's zone): 2026-11-02 is a Monday, EST (UTC-5).
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  finance = await createUser(db, { role: "finance", name: "Fiona Finance" });
  alice = await createUser(db, { role: "admin", name: "Alice Auditor", email: "alice.auditor@test.example" });
  // A name a spreadsheet would run as a formula if the export did not neutralise it.
  mallory = await createUser(db, { role: "admin", name: '=HYPERLINK("http://evil.example")', email: "mallory@test.example" });
  await writeTransaction(db, async (tx) => {
    await recordAudit(tx, { actorId: alice.id, action: "branch.created", entity: "branch", entityId: 1, detail: { code: "NTH" }, at: at("2026-11-02T04:59:00Z") }); // Nov 1, 23:59 local
    await recordAudit(tx, { actorId: alice.id, action: "branch.renamed", entity: "branch", entityId: 1, detail: {}, at: at("2026-11-02T05:00:00Z") }); // Nov 2, 00:00 local
    await recordAudit(tx, { actorId: mallory.id, action: "budget.allocated", entity: "budget_pool", entityId: 9, detail: { amount: 12_345, balanceAfter: 12_345 }, at: at("2026-11-03T15:00:00Z") });
    for (let i = 0; i < 60; i++) await recordAudit(tx, { actorId: finance.id, action: "auth.sign_in", entity: "user", entityId: finance.id, detail: {}, at: at("2026-11-10T15:00:00Z") });
  });
  cookie = (await sessionCookieFor(db, finance)).cookie;
});
afterAll(() => server.close());

const page = async (query: string) => {
  const response = await server.fetch(`/audit${query}`, { cookie });
  expect(response.status).toBe(200);
  return response.text();
};
const exported = async (query: string) => {
  const response = await server.fetch(`/audit/export${query}`, { cookie });
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
};

describe("the audit log viewer", () => {
  it("filters by who did it, and shows amounts as money rather than cents", async () => {
    const html = await page("?who=mallory");
    expect(html).toContain("budget.allocated");
    expect(html).not.toContain("branch.created");
    expect(html).toContain("$123.45");
    expect(html).not.toContain("12345");
    expect(html).toContain("1 person match");
  });

  it("filters by dates in the organisation's time zone, both ends included", async () => {
    const html = await page("?from=2026-11-02&to=2026-11-03&entity=branch");
    expect(html).toContain("branch.renamed");
    expect(html).not.toContain("branch.created"); // 23:59 on November 1 in New York
    const dayOne = await page("?from=2026-11-01&to=2026-11-01");
    expect(dayOne).toContain("branch.created");
    expect(dayOne).not.toContain("branch.renamed");
  });

  it("says what is wrong with a filter beside the field and still shows the log", async () => {
    const html = await page("?from=2026-02-30&who=nobody-like-this&entity=nonsense");
    expect(html).toContain("Enter a date like 2026-11-23.");
    expect(html).toContain("Nobody&#x27;s name or e-mail starts with that.");
    expect(html).toContain("Choose a subject from the list.");
  });

  it("pages by event id: the older page continues exactly where the first stopped", async () => {
    const first = await page("?action=auth.");
    const ids = [...first.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(ids).toHaveLength(50);
    const older = first.match(/href="\/audit\?action=auth.&amp;before=(\d+)"/);
    expect(Number(older?.[1])).toBe(ids[49]);
    const second = await page(`?action=auth.&before=${older![1]}`);
    const secondIds = [...second.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(secondIds).toHaveLength(10);
    expect(Math.max(...secondIds)).toBeLessThan(Math.min(...ids));
  });
});

describe("the audit export", () => {
  it("holds exactly the filtered events with their hashes, newest first", async () => {
    const rows = parse(await exported("?action=branch."), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.action)).toEqual(["branch.renamed", "branch.created"]);
    expect(rows[0]).toMatchObject({ actor: "Alice Auditor", entity: "branch", entity_id: "1", at: "2026-11-02T05:00:00.000Z" });
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[1]!.hash).toBe(rows[0]!.prev_hash);
  });

  it("neutralises a formula in any cell and adds a byte-order mark when asked", async () => {
    const text = await exported("?who=mallory&bom=1");
    expect(text.startsWith("\uFEFFid,at,actor_id,actor,")).toBe(true);
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe('\'=HYPERLINK("http://evil.example")');
    const plain = await exported("?who=mallory");
    expect(plain.startsWith("id,")).toBe(true);
  });

  it("is refused to staff and to visitors who are not signed in", async () => {
    const staff = await createUser(db, { role: "staff" });
    const refused = await server.fetch("/audit/export", { cookie: (await sessionCookieFor(db, staff)).cookie });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("auth.sign_in");
    const anonymous = await server.fetch("/audit/export");
    expect(anonymous.status).toBe(302);
  });
});
