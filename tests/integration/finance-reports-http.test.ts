// Finance's exports, fairness and flags over real HTTP on the production build: CSV columns,
// escaping and the byte-order mark, who may export what, a large export streamed by keyset, flag
// reviews, and the canary: note text seeded everywhere never reaches finance.
import { parse } from "csv-parse/sync";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, flagReviews, gestures, type User } from "../../db/schema";
import { csvStream } from "~/domain/core/csv-export.server";
import { gestureExportColumns, gestureExportPage, type ExportKey, type GestureExportRow } from "~/domain/reporting/finance-export.server";
import { readRange } from "~/domain/reporting/report-filter.server";
import { db, isPostgres, sqliteOf } from "~/utils/db.server";
import { setupBudget } from "../support/budget";
import { createCustomer, createSignal, createUser } from "../support/factories";
import { createGesture } from "../support/gesture-factory";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { firstRow, execute } from "~/utils/query.server";

const CANARY = "CANARY-7b-do-not-leak";
const GESTURE_HEADER =
  "gesture_id,submitted_at,status,branch_code,branch_name,region,customer_ref,proposer_id,proposer_name,occasion,type_code,type_name,delivery_method,currency,requested_minor,requested,approved_minor,approved,actual_minor,actual,vendor,fulfilled_on,outcome,approved_at,decided_at";
const LEDGER_HEADER =
  "entry_id,at,kind,branch_code,branch_name,region,period_starts_on,pool_id,currency,amount_minor,amount,balance_after_minor,balance_after,hold_id,gesture_id,actor_id,actor_name,memo";
const BULK = 4_500;

let server: TestServer;
let finance: User;
let manager: User;
let staff: User;
let cookies: { finance: string; manager: string; staff: string };
let northId: number;
let southId: number;
const ids: { fulfilled: number; southGesture: number } = { fulfilled: 0, southGesture: 0 };

beforeAll(async () => {
  server = await startTestServer();
  const now = new Date("2026-02-10T15:00:00Z");
  const budget = await setupBudget(db, { branches: 2, now, amounts: [500_000, 300_000] });
  finance = budget.financeUser;
  [northId, southId] = [budget.branches[0]!.id, budget.branches[1]!.id];
  // A branch name with a comma and quotes, so that the CSV must quote it.
  await db.update(branches).set({ name: 'North, "Main"', region: "Northern", code: "NTH" }).where(eq(branches.id, northId));
  await db.update(branches).set({ name: "South", region: "Southern", code: "STH" }).where(eq(branches.id, southId));
  manager = await createUser(db, { role: "manager", branchId: northId, name: "Maria Manager" });
  staff = await createUser(db, { role: "staff", branchId: northId, name: "Sam Staff" });
  const southStaff = await createUser(db, { role: "staff", branchId: southId, name: "Sol Staff" });
  const customer = await createCustomer(db, { branchId: northId, crmRef: "CRM-NTH-1", segment: "premier" });
  const southCustomer = await createCustomer(db, { branchId: southId, crmRef: "CRM-STH-1" });
  await createSignal(db, customer, { kind: "bereavement", note: `${CANARY} signal note` });
  const fulfilled = await createGesture(db, {
    customerId: customer.id,
    branchId: northId,
    proposerId: staff.id,
    status: "fulfilled",
    requestedAmount: 8_000,
    approvedAmount: 8_000,
    submittedAt: new Date("2026-02-02T15:00:00Z"),
  });
  await db
    .update(gestures)
    .set({
      actualAmount: 7_550,
      vendor: '=HYPERLINK("http://evil.example")',
      fulfilledOn: "2026-02-05",
      outcome: "thanked",
      outcomeNote: `${CANARY} outcome note`,
      cardMessage: `${CANARY} card message`,
      justification: `${CANARY} justification`,
      approvedAt: new Date("2026-02-03T15:00:00Z"),
    })
    .where(eq(gestures.id, fulfilled.id));
  ids.fulfilled = fulfilled.id;
  // A split for the flags: a second gesture by Sam within 7 days, together over $150.00.
  await createGesture(db, { customerId: customer.id, branchId: northId, proposerId: staff.id, requestedAmount: 9_000, submittedAt: new Date("2026-02-04T15:00:00Z") });
  ids.southGesture = (await createGesture(db, { customerId: southCustomer.id, branchId: southId, proposerId: southStaff.id, submittedAt: new Date("2026-02-03T15:00:00Z") })).id;
  // Outside the quarter, and a draft: never exported.
  await createGesture(db, { customerId: customer.id, branchId: northId, proposerId: staff.id, submittedAt: new Date("2026-04-03T15:00:00Z") });
  await createGesture(db, { customerId: customer.id, branchId: northId, proposerId: staff.id, status: "draft" });
  cookies = { finance: (await sessionCookieFor(db, finance)).cookie, manager: (await sessionCookieFor(db, manager)).cookie, staff: (await sessionCookieFor(db, staff)).cookie };
});
afterAll(() => server.close());

async function download(path: string, cookie: string) {
  const response = await server.fetch(path, { cookie });
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, bytes, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
}
/** A page as the browser ends up showing it, following an old bookmark's redirect. */
async function followed(path: string, cookie: string): Promise<Response> {
  const response = await server.fetch(path, { cookie });
  const location = response.status === 302 ? response.headers.get("Location") : null;
  return location ? await followed(location, cookie) : response;
}
const rowsOf = (text: string) => parse(text.replace(/^\uFEFF/, ""), { columns: true }) as Record<string, string>[];
const Q1 = "from=2026-01-01&to=2026-03-31";

describe("gesture export", () => {
  it("has the documented columns, ISO dates, amounts twice, quoting and formula escaping", async () => {
    const { response, text } = await download(`/finance/export/gestures?${Q1}`, cookies.finance);
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="gestures-2026-01-01-to-2026-03-31.csv"');
    expect(text.split("\r\n")[0]).toBe(GESTURE_HEADER);
    const rows = rowsOf(text);
    expect(rows.map((r) => Number(r.gesture_id)).sort((a, b) => a - b)).toHaveLength(3);
    const row = rows.find((r) => Number(r.gesture_id) === ids.fulfilled)!;
    expect(row).toMatchObject({
      submitted_at: "2026-02-02T15:00:00.000Z",
      status: "fulfilled",
      branch_code: "NTH",
      branch_name: 'North, "Main"',
      region: "Northern",
      customer_ref: "CRM-NTH-1",
      proposer_name: "Sam Staff",
      currency: "USD",
      requested_minor: "8000",
      requested: "80.00",
      approved_minor: "8000",
      actual_minor: "7550",
      actual: "75.50",
      vendor: `'=HYPERLINK("http://evil.example")`,
      fulfilled_on: "2026-02-05",
      outcome: "thanked",
      approved_at: "2026-02-03T15:00:00.000Z",
    });
    expect(text).toContain('"North, ""Main"""');
    expect(text).not.toContain(CANARY);
  });

  it("adds a byte-order mark only when asked", async () => {
    const withBom = await download(`/finance/export/gestures?${Q1}&bom=1`, cookies.finance);
    expect([...withBom.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const without = await download(`/finance/export/gestures?${Q1}`, cookies.finance);
    expect(without.bytes[0]).toBe("g".charCodeAt(0));
  });

  it("filters by region and branch for finance; a manager gets their own branch whatever they ask", async () => {
    const south = rowsOf((await download(`/finance/export/gestures?${Q1}&region=Southern`, cookies.finance)).text);
    expect(south.map((r) => Number(r.gesture_id))).toEqual([ids.southGesture]);
    const managers = rowsOf((await download(`/finance/export/gestures?${Q1}&branch=STH`, cookies.manager)).text);
    expect(managers).toHaveLength(2);
    expect(new Set(managers.map((r) => r.branch_code))).toEqual(new Set(["NTH"]));
  });

  it("refuses staff, and sends a period that cannot be read back to the export page", async () => {
    expect((await server.fetch(`/finance/export/gestures?${Q1}`, { cookie: cookies.staff })).status).toBe(403);
    const bad = await server.fetch("/finance/export/gestures?from=2026-02-30&to=2026-03-31", { cookie: cookies.finance });
    expect(bad.status).toBe(302);
    expect(bad.headers.get("Location")).toBe("/finance/exports?from=2026-02-30&to=2026-03-31");
    const page = await (await server.fetch("/finance/exports?from=2026-02-30&to=2026-03-31", { cookie: cookies.finance })).text();
    expect(page).toContain("Enter a date like 2026-01-01.");
  });
});

describe("ledger export", () => {
  it("lists the period's entries with their branch, and a manager only their branch's", async () => {
    const { text } = await download(`/finance/export/ledger?${Q1}`, cookies.finance);
    expect(text.split("\r\n")[0]).toBe(LEDGER_HEADER);
    const rows = rowsOf(text);
    expect(rows.map((r) => [r.kind, r.branch_code, r.amount_minor, r.amount, r.balance_after])).toEqual(
      expect.arrayContaining([
        ["allocation", "NTH", "500000", "5000.00", "5000.00"],
        ["allocation", "STH", "300000", "3000.00", "3000.00"],
      ]),
    );
    expect(rows.every((r) => r.period_starts_on === "2026-01-01" && /^\d{4}-\d\d-\d\dT/.test(r.at!))).toBe(true);
    const managers = rowsOf((await download(`/finance/export/ledger?${Q1}`, cookies.manager)).text);
    expect(managers.length).toBeGreaterThan(0);
    expect(managers.every((r) => r.branch_code === "NTH")).toBe(true);
  });
});

describe("a large export", () => {
  it("streams every row once, in order, fetching keyset pages (never an offset)", async () => {
    const customer = await createCustomer(db, { branchId: southId, crmRef: "CRM-BULK" });
    const base = Date.parse("2026-03-01T15:00:00Z");
    // Pairs share a submission time, so the key must include the id to keep its place. One insert
    // per 500 rows (PostgreSQL takes at most 65,535 parameters in a statement).
    for (let from = 0; from < BULK; from += 500) {
      const rows = Array.from({ length: Math.min(500, BULK - from) }, (_, k) => {
        const at = base + Math.floor((from + k) / 2) * 1000;
        return sql`(${customer.id}, ${southId}, ${staff.id}, 'birthday', (select id from gesture_types where code = 'flowers'), 5000, 'in_branch', 'approved', ${base}, ${base}, ${at})`;
      });
      await execute(
        db,
        sql`insert into gestures (customer_id, branch_id, proposer_id, occasion, type_id, requested_amount, delivery_method, status, created_at, updated_at, submitted_at) values ${sql.join(rows, sql`, `)}`,
      );
    }
    const { text } = await download(`/finance/export/gestures?${Q1}&branch=STH`, cookies.finance);
    const rows = rowsOf(text);
    expect(rows).toHaveLength(BULK + 1);
    const exported = rows.map((r) => Number(r.gesture_id));
    expect(new Set(exported).size).toBe(exported.length);
    const times = rows.map((r) => Date.parse(r.submitted_at!));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);

    // The same stream at the domain level: each page asks for the rows after the previous page's last key.
    const range = readRange(new URLSearchParams(Q1), "America/New_York", new Date("2026-04-01T00:00:00Z")).range;
    const asked: (ExportKey | null)[] = [];
    const returned: GestureExportRow[][] = [];
    const stream = csvStream<GestureExportRow, ExportKey>({
      columns: gestureExportColumns("USD"),
      fetchPage: async (after, limit) => {
        asked.push(after);
        const page = await gestureExportPage(db, { scope: { branchId: southId, region: null }, range, after, limit });
        returned.push(page);
        return page;
      },
      keyOf: (row) => ({ at: row.submittedAt, id: row.id }),
      pageSize: 1_000,
    });
    await new Response(stream).text();
    expect(asked).toHaveLength(Math.ceil((BULK + 1) / 1_000));
    expect(asked[0]).toBeNull();
    for (let i = 1; i < asked.length; i++) {
      const last = returned[i - 1]!.at(-1)!;
      expect(asked[i]).toEqual({ at: last.submittedAt, id: last.id });
    }
    // The query reads the period on the submission index, with no OFFSET (SQLite's pinned plan;
    // PostgreSQL's planner chooses by its statistics, which a test table does not have).
    if (isPostgres(db)) return;
    const plan = sqliteOf(db)
      .prepare(
        "explain query plan select id from gestures indexed by gestures_submitted_idx where submitted_at >= ? and submitted_at < ? and (submitted_at, id) > (?, ?) order by submitted_at, id limit 10",
      )
      .all(0, 1, 0, 0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toMatch(/SEARCH gestures USING (COVERING )?INDEX gestures_submitted_idx/);
    expect(plan.map((p) => p.detail).join(" ")).not.toMatch(/TEMP B-TREE/);
    await execute(db, sql`delete from gestures where customer_id = ${customer.id}`);
  });
});

describe("flags and fairness over HTTP", () => {
  it("finance reviews a flag with a note; an empty note is refused beside the field", async () => {
    const page = await (await followed("/finance/flags?quarter=2026-Q1", cookies.finance)).text();
    expect(page).toContain("Split requests (same proposer)");
    expect(page).toContain(`href="/gestures/${ids.fulfilled}"`);
    const flagKey = /name="flagKey" value="(split_proposer:[^"]+)"/.exec(page)![1]!;
    const empty = await server.fetch("/finance/flags?from=2026-01-01", { cookie: cookies.finance, method: "POST", form: { flagKey, quarter: "2026-Q1", note: "  " } });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Write what you found");
    const done = await server.fetch("/finance/flags?from=2026-01-01", { cookie: cookies.finance, method: "POST", form: { flagKey, quarter: "2026-Q1", note: "Checked with the branch." } });
    expect(done.status).toBe(302);
    expect(await firstRow(db.select().from(flagReviews).where(eq(flagReviews.flagKey, flagKey)).limit(1))).toMatchObject({ note: "Checked with the branch.", reviewedById: finance.id });
    const reviewed = await (await followed("/finance/flags?quarter=2026-Q1&status=reviewed", cookies.finance)).text();
    expect(reviewed).toContain("Checked with the branch.");
    const again = await server.fetch("/finance/flags?from=2026-01-01", { cookie: cookies.finance, method: "POST", form: { flagKey, quarter: "2026-Q1", note: "Twice" } });
    expect(again.status).toBe(409);
  });

  it("flags name their quarter by its first day; an old ?quarter= bookmark goes on to it", async () => {
    const old = await server.fetch("/finance/flags?quarter=2026-Q1&status=all", { cookie: cookies.finance });
    expect(old.status).toBe(302);
    expect(old.headers.get("Location")).toBe("/finance/flags?status=all&from=2026-01-01");
    const html = await (await server.fetch("/finance/flags?status=all&from=2026-01-01", { cookie: cookies.finance })).text();
    expect(html).toContain('<option value="2026-01-01" selected="">2026-Q1</option>');
    expect(html).toContain("Split requests (same proposer)");
    // A range other than the whole quarter is refused beside the choice, not silently narrowed.
    const partial = await (await server.fetch("/finance/flags?from=2026-01-01&to=2026-02-01", { cookie: cookies.finance })).text();
    expect(partial).toContain("this report covers a whole quarter");
  });

  it("fairness and the exports share the vocabulary: dates, region, branch code; a quarter link keeps the scope", async () => {
    const html = await (await server.fetch("/finance/exports?region=Southern", { cookie: cookies.finance })).text();
    expect(html).toMatch(/href="\/finance\/exports\?from=\d{4}-\d\d-01&amp;to=\d{4}-\d\d-\d\d&amp;region=Southern"/);
    // A branch code is read whatever its case, and the branch names its region.
    const fairness = (await (await server.fetch("/finance/fairness?from=2026-01-01&to=2026-03-31&branch=sth&_data=routes/_app.finance_.fairness", { cookie: cookies.finance })).json()) as any;
    expect(fairness.range).toEqual({ fromDate: "2026-01-01", toDate: "2026-03-31" });
    expect(fairness.scope).toMatchObject({ label: "South", region: "Southern", form: { branch: "STH", region: "Southern" }, errors: {} });
  });

  it("a manager sees fairness for their own branch only", async () => {
    const html = await (await server.fetch("/finance/fairness?from=2026-01-01&to=2026-03-31&branch=STH", { cookie: cookies.manager })).text();
    expect(html).toContain("North, &quot;Main&quot;");
    expect(html).not.toContain("All branches");
    expect((await server.fetch("/finance/flags", { cookie: cookies.manager })).status).toBe(403);
  });

  it("canary: no note text in any finance page or export, nor in a flagged gesture opened by finance", async () => {
    const paths = [
      "/finance/fairness?from=2026-01-01&to=2026-03-31",
      "/finance/flags?quarter=2026-Q1&status=all",
      "/finance/exports",
      `/finance/export/gestures?${Q1}`,
      `/finance/export/ledger?${Q1}`,
      `/gestures/${ids.fulfilled}`,
    ];
    for (const path of paths) {
      const response = await followed(path, cookies.finance);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).not.toContain(CANARY);
    }
  });
});
