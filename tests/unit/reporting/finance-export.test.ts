// The gestures and ledger exports read their names (branches, users, types, pools and periods) once
// per export instead of joining them on every row (issue 19). An auditor must receive exactly the
// rows the joins gave: on the demo bank (five branches in two regions, a year of gestures and
// ledger), every scope and any page size, the readers return what the plain joined query returns.
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seed } from "../../../db/seed";
import { placeHold } from "~/domain/budget/ledger.server";
import { startOfLocalDay } from "~/domain/core/dates";
import { gestureExportReader, ledgerExportReader, type ExportKey, type GestureExportRow, type LedgerExportRow } from "~/domain/reporting/finance-export.server";
import type { ReportRange, ReportScope } from "~/domain/reporting/report-filter.server";
import type { Db } from "~/utils/db.server";
import { localDaysAgo, localToday, TEST_TIME_ZONE } from "../../support/calendar";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { queryRows, queryRow } from "~/utils/query.server";

let db: Db;
let scopes: ReportScope[];
let range: ReportRange;

beforeAll(async () => {
  db = createTestDatabase();
  await seed(db);
  // An entry written by no one (as the periodic jobs write them): its actor name is empty.
  const open = (await queryRow<{ id: number }>(
    db,
    sql`select p.id as id from budget_pools p join budget_periods pe on pe.id = p.period_id join pool_totals t on t.pool_id = p.id where pe.status = 'open' and t.available >= 100 limit 1`,
  ))!;
  await placeHold(db, { id: null }, { poolId: open.id, amount: 100, idempotencyKey: "export-test-hold", now: new Date() });
  const branches = await queryRows<{ id: number; region: string }>(db, sql`select id, region from branches order by id`);
  scopes = [
    { branchId: null, region: null },
    ...branches.map((b) => ({ branchId: b.id, region: b.region })),
    ...[...new Set(branches.map((b) => b.region))].map((region) => ({ branchId: null, region })),
  ];
  const fromDate = localDaysAgo(400);
  const toDate = localToday();
  range = { fromDate, toDate, from: startOfLocalDay(fromDate, TEST_TIME_ZONE), until: new Date(Date.now() + 86_400_000) };
}, 60_000);
afterAll(() => closeDatabase(db));

/** The gestures export as it was written before: every name joined on every row. */
async function gesturesJoined(scope: ReportScope): Promise<GestureExportRow[]> {
  const inScope = scope.branchId !== null ? sql`g.branch_id = ${scope.branchId}` : scope.region !== null ? sql`b.region = ${scope.region}` : sql`1 = 1`;
  return await queryRows<GestureExportRow>(
    db,
    sql`
    select g.id as id, g.submitted_at as "submittedAt", g.status as status, b.code as "branchCode", b.name as "branchName",
      b.region as region, c.crm_ref as "customerRef", g.proposer_id as "proposerId", u.name as "proposerName",
      g.occasion as occasion, t.code as "typeCode", t.name as "typeName", g.delivery_method as "deliveryMethod",
      g.requested_amount as "requestedAmount", g.approved_amount as "approvedAmount", g.actual_amount as "actualAmount",
      g.vendor as vendor, g.fulfilled_on as "fulfilledOn", g.outcome as outcome, g.approved_at as "approvedAt", g.decided_at as "decidedAt"
    from gestures g join branches b on b.id = g.branch_id join customers c on c.id = g.customer_id
    join users u on u.id = g.proposer_id join gesture_types t on t.id = g.type_id
    where g.submitted_at >= ${range.from.getTime()} and g.submitted_at < ${range.until.getTime()} and ${inScope}
    order by g.submitted_at, g.id`,
  );
}

async function ledgerJoined(scope: ReportScope): Promise<LedgerExportRow[]> {
  const inScope = scope.branchId !== null ? sql`p.branch_id = ${scope.branchId}` : scope.region !== null ? sql`b.region = ${scope.region}` : sql`1 = 1`;
  return await queryRows<LedgerExportRow>(
    db,
    sql`
    select e.id as id, e.at as at, e.kind as kind, b.code as "branchCode", b.name as "branchName", b.region as region,
      pe.starts_on as "periodStartsOn", e.pool_id as "poolId", e.amount as amount, e.balance_after as "balanceAfter",
      e.hold_id as "holdId", e.gesture_id as "gestureId", e.actor_id as "actorId", u.name as "actorName", e.memo as memo
    from ledger_entries e join budget_pools p on p.id = e.pool_id join budget_periods pe on pe.id = p.period_id
    join branches b on b.id = p.branch_id left join users u on u.id = e.actor_id
    where e.at >= ${range.from.getTime()} and e.at < ${range.until.getTime()} and ${inScope}
    order by e.at, e.id`,
  );
}

async function readAll<Row>(read: (after: ExportKey | null, limit: number) => Promise<Row[]>, keyOf: (row: Row) => ExportKey, pageSize: number): Promise<Row[]> {
  const out: Row[] = [];
  let after: ExportKey | null = null;
  for (;;) {
    const page = await read(after, pageSize);
    out.push(...page);
    if (page.length < pageSize) return out;
    after = keyOf(page[page.length - 1]!);
  }
}

describe("the finance exports read names once", () => {
  it("the demo holds enough to compare: gestures and ledger entries in every branch, entries without an actor", async () => {
    expect((await gesturesJoined(scopes[0]!)).length).toBeGreaterThan(100);
    expect((await ledgerJoined(scopes[0]!)).length).toBeGreaterThan(300);
    expect((await ledgerJoined(scopes[0]!)).some((e) => e.actorName === null)).toBe(true);
  });

  it("give exactly the rows of the joined query, for every scope and any page size", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1_000 }), fc.integer({ min: 1, max: 60 }), async (pick, pageSize) => {
        const scope = scopes[pick % scopes.length]!;
        expect(await readAll(await gestureExportReader(db, { scope, range }), (g) => ({ at: g.submittedAt, id: g.id }), pageSize)).toEqual(await gesturesJoined(scope));
        expect(await readAll(await ledgerExportReader(db, { scope, range }), (e) => ({ at: e.at, id: e.id }), pageSize)).toEqual(await ledgerJoined(scope));
      }),
      { numRuns: 40 },
    );
  });
});
