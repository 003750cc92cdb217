// Who receives gestures (issue 7): by segment, tenure and branch, against the customer base of the
// branches in scope, and where one person's or one branch's gestures concentrate on a few customers
// or on one segment. Only gestures that were granted count (approved, fulfilled, closed, or waiting
// for re-approval after fulfilment), by the date they were submitted; the customer base is every
// customer of the branches in scope who has not been erased, today.
import { sql, type SQL } from "drizzle-orm";
import { SEGMENTS } from "../../../db/schema";
import { addDays, addMonths } from "../core/dates";
import { TENURE_BANDS, yearsBefore } from "../customers/tenure";
import type { ReportRange, ReportScope } from "./report-filter.server";
import type { DbOrTx } from "~/utils/db.server";
import { indexedBy } from "~/utils/dialect.server";
import { queryRows, queryRow } from "~/utils/query.server";

export const FAIRNESS_LIMITS = {
  /** A group is flagged when its share of gestures is more than this multiple of its share of customers. */
  shareMultiple: 2,
  /** … and it received at least this many gestures (a few gestures prove nothing). */
  minimumGestures: 5,
  /** A person or branch is flagged when their three most frequent customers received more than this share … */
  topCustomersShare: 0.5,
  /** … of at least this many gestures. */
  minimumForConcentration: 10,
} as const;

export const FAIRNESS_RULES = [
  `A segment, tenure band or branch is flagged when its share of the gestures is more than ${FAIRNESS_LIMITS.shareMultiple} times its share of the customers, with at least ${FAIRNESS_LIMITS.minimumGestures} gestures.`,
  `A proposer or a branch is flagged when their three most frequent customers received more than ${FAIRNESS_LIMITS.topCustomersShare * 100}% of their gestures, with at least ${
    FAIRNESS_LIMITS.minimumForConcentration
  } gestures; or when one segment received more than ${FAIRNESS_LIMITS.shareMultiple} times its share of their branch's customers, with at least ${FAIRNESS_LIMITS.minimumForConcentration} gestures.`,
];

export const SEGMENT_LABELS: Record<(typeof SEGMENTS)[number], string> = { retail: "Retail", premier: "Premier", business: "Business", private: "Private" };

export type ShareRow = { key: string; label: string; gestures: number; gestureShare: number; customers: number; customerShare: number; flagged: boolean };

/** Share of gestures against share of customers per group, flagged by the rule above. */
export function shareTable(groups: { key: string; label: string }[], gestures: Map<string, number>, customers: Map<string, number>): ShareRow[] {
  const totalGestures = [...gestures.values()].reduce((a, b) => a + b, 0);
  const totalCustomers = [...customers.values()].reduce((a, b) => a + b, 0);
  return groups.map(({ key, label }) => {
    const g = gestures.get(key) ?? 0;
    const c = customers.get(key) ?? 0;
    const gestureShare = totalGestures ? g / totalGestures : 0;
    const customerShare = totalCustomers ? c / totalCustomers : 0;
    return { key, label, gestures: g, gestureShare, customers: c, customerShare, flagged: g >= FAIRNESS_LIMITS.minimumGestures && gestureShare > FAIRNESS_LIMITS.shareMultiple * customerShare };
  });
}

const RECEIVED = sql`g.status in ('approved', 'needs_reapproval', 'fulfilled', 'closed')`;

function scopeOf(scope: ReportScope, column: SQL): SQL {
  if (scope.branchId !== null) return sql`${column} = ${scope.branchId}`;
  if (scope.region !== null) return sql`${column} in (select id from branches where region = ${scope.region})`;
  return sql`1 = 1`;
}

/** The tenure band of a customer as of a date, as SQL over customer_since (ISO dates compare as text). */
function tenureBand(asOf: string): SQL {
  return sql`case when c.customer_since > ${yearsBefore(asOf, 1)} then 'under_1' when c.customer_since > ${yearsBefore(asOf, 3)} then '1_to_3'
    when c.customer_since > ${yearsBefore(asOf, 10)} then '3_to_10' else '10_plus' end`;
}

/**
 * The customers in scope in each tenure band as of `asOf`: the kept counts by starting month
 * (customer_tenure) after each band's first month, plus the exact count of that boundary month from
 * the customers themselves (one month of customers, on customers_since_idx).
 */
async function tenureBase(db: DbOrTx, scope: ReportScope, asOf: string, total: number): Promise<Map<string, number>> {
  const startedAfter = async (years: number) => {
    const boundary = yearsBefore(asOf, years);
    const month = boundary.slice(0, 7);
    const nextMonth = addMonths(`${month}-01`, 1);
    const kept = await queryRow<{ n: number | null }>(db, sql`select sum(t.customers) as n from customer_tenure t where t.since_month > ${month} and ${scopeOf(scope, sql`t.branch_id`)}`);
    const boundaryMonth = await queryRow<{ n: number }>(
      db,
      sql`
      select count(*) as n from customers c ${indexedBy("customers_since_idx")}
      where c.erased_at is null and c.customer_since > ${boundary} and c.customer_since < ${nextMonth} and ${scopeOf(scope, sql`c.branch_id`)}`,
    );
    return (kept?.n ?? 0) + (boundaryMonth?.n ?? 0);
  };
  const [one, three, ten] = [await startedAfter(1), await startedAfter(3), await startedAfter(10)];
  return new Map([
    ["under_1", one],
    ["1_to_3", three - one],
    ["3_to_10", ten - three],
    ["10_plus", total - ten],
  ]);
}

export type Concentration = {
  kind: "proposer" | "branch";
  id: number;
  name: string;
  branchName: string;
  gestures: number;
  customers: number;
  topCustomers: number;
  topShare: number;
  topSegment: string;
  topSegmentShare: number;
  segmentBaseShare: number;
  flaggedCustomers: boolean;
  flaggedSegment: boolean;
};

export async function fairnessReport(db: DbOrTx, input: { scope: ReportScope; range: ReportRange }) {
  const { scope, range } = input;
  const period = sql`g.submitted_at >= ${range.from.getTime()} and g.submitted_at < ${range.until.getTime()} and ${RECEIVED} and ${scopeOf(scope, sql`g.branch_id`)}`;
  const asOf = addDays(range.toDate, 1);

  // The period's granted gestures by proposer, branch, customer, segment and tenure band, and the
  // customer base by branch and segment. Every table is summed from these in memory.
  const perCustomer = await queryRows<PerCustomer & { band: string }>(
    db,
    sql`
    select g.proposer_id as "proposerId", g.branch_id as "branchId", g.customer_id as "customerId", c.segment as segment,
      ${tenureBand(asOf)} as band, count(*) as n
    from gestures g ${indexedBy("gestures_submitted_idx")} join customers c on c.id = g.customer_id
    where ${period} group by g.proposer_id, g.branch_id, g.customer_id, c.id`,
  );
  // The customer base from the kept counts (migration 0018): customers by branch and segment, and by
  // branch and starting month, so that it costs rows per branch, not per customer.
  const base = await queryRows<{ branchId: number; segment: string; n: number }>(
    db,
    sql`
    select c.branch_id as "branchId", c.segment as segment, c.customers as n from customer_segments c where ${scopeOf(scope, sql`c.branch_id`)} and c.customers <> 0`,
  );
  const sum = <Row extends { n: number }>(rows: Row[], keyOf: (row: Row) => string | number) => {
    const totals = new Map<string, number>();
    for (const row of rows) totals.set(String(keyOf(row)), (totals.get(String(keyOf(row))) ?? 0) + row.n);
    return totals;
  };

  const segments = shareTable(
    SEGMENTS.map((s) => ({ key: s, label: SEGMENT_LABELS[s] })),
    sum(perCustomer, (r) => r.segment),
    sum(base, (r) => r.segment),
  );
  const tenure = shareTable(
    [...TENURE_BANDS],
    sum(perCustomer, (r) => r.band),
    await tenureBase(
      db,
      scope,
      asOf,
      [...base].reduce((total, r) => total + r.n, 0),
    ),
  );
  const branchList = await queryRows<{ id: number; name: string }>(db, sql`select id, name from branches b where ${scopeOf(scope, sql`b.id`)} order by region, name`);
  const branchesTable =
    scope.branchId === null
      ? shareTable(
          branchList.map((b) => ({ key: String(b.id), label: b.name })),
          sum(perCustomer, (r) => r.branchId),
          sum(base, (r) => r.branchId),
        ).filter((row) => row.gestures > 0 || row.customers > 0)
      : [];

  // Concentration: per proposer and per branch, the gestures of their three most frequent customers
  // and of their most frequent segment.
  const segmentBase = [...sum(base, (r) => `${r.branchId}:${r.segment}`)].map(([key, n]) => ({ branchId: Number(key.split(":")[0]), segment: key.split(":")[1]!, n }));
  const proposerIds = [...new Set(perCustomer.map((r) => r.proposerId))];
  const names = new Map<number, string>();
  for (let i = 0; i < proposerIds.length; i += 500) {
    const chunk = proposerIds.slice(i, i + 500);
    for (const u of await queryRows<{ id: number; name: string }>(
      db,
      sql`select id, name from users where id in (${sql.join(
        chunk.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    ))
      names.set(u.id, u.name);
  }
  const branchNames = new Map(branchList.map((b) => [b.id, b.name]));
  const concentration = [
    ...concentrations(
      perCustomer,
      segmentBase,
      "proposer",
      (r) => r.proposerId,
      (id) => names.get(id) ?? `#${id}`,
      branchNames,
    ),
    ...(scope.branchId === null
      ? concentrations(
          perCustomer,
          segmentBase,
          "branch",
          (r) => r.branchId,
          (id) => branchNames.get(id) ?? `#${id}`,
          branchNames,
        )
      : []),
  ];
  const totalGestures = segments.reduce((sum, row) => sum + row.gestures, 0);
  const totalCustomers = segments.reduce((sum, row) => sum + row.customers, 0);
  return { segments, tenure, branches: branchesTable, concentration, totals: { gestures: totalGestures, customers: totalCustomers } };
}

type PerCustomer = { proposerId: number; branchId: number; customerId: number; segment: string; n: number };

export function concentrations(
  rows: PerCustomer[],
  segmentBase: { branchId: number; segment: string; n: number }[],
  kind: "proposer" | "branch",
  idOf: (row: PerCustomer) => number,
  nameOf: (id: number) => string,
  branchNames: Map<number, string>,
): Concentration[] {
  const groups = new Map<number, PerCustomer[]>();
  for (const row of rows) {
    const list = groups.get(idOf(row));
    if (list) list.push(row);
    else groups.set(idOf(row), [row]);
  }
  const baseByBranch = new Map<number, { segment: string; n: number }[]>();
  for (const row of segmentBase) {
    const list = baseByBranch.get(row.branchId);
    if (list) list.push(row);
    else baseByBranch.set(row.branchId, [row]);
  }
  const result: Concentration[] = [];
  for (const [id, list] of groups) {
    const byCustomer = new Map<number, number>();
    const bySegment = new Map<string, number>();
    for (const row of list) {
      byCustomer.set(row.customerId, (byCustomer.get(row.customerId) ?? 0) + row.n);
      bySegment.set(row.segment, (bySegment.get(row.segment) ?? 0) + row.n);
    }
    const gestures = list.reduce((sum, row) => sum + row.n, 0);
    const topCustomers = [...byCustomer.values()]
      .sort((a, b) => b - a)
      .slice(0, 3)
      .reduce((a, b) => a + b, 0);
    const [topSegment, topSegmentCount] = [...bySegment].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    // The base of the segment: the customers of the branches this person or branch gave gestures in.
    const branchIds = new Set(list.map((row) => row.branchId));
    const base = [...branchIds].flatMap((branchId) => baseByBranch.get(branchId) ?? []);
    const baseTotal = base.reduce((sum, row) => sum + row.n, 0);
    const baseSegment = base.filter((row) => row.segment === topSegment).reduce((sum, row) => sum + row.n, 0);
    const topShare = topCustomers / gestures;
    const topSegmentShare = topSegmentCount / gestures;
    const segmentBaseShare = baseTotal ? baseSegment / baseTotal : 0;
    const enough = gestures >= FAIRNESS_LIMITS.minimumForConcentration;
    result.push({
      kind,
      id,
      name: nameOf(id),
      branchName: [...branchIds].map((b) => branchNames.get(b) ?? `#${b}`).join(", "),
      gestures,
      customers: byCustomer.size,
      topCustomers,
      topShare,
      topSegment,
      topSegmentShare,
      segmentBaseShare,
      flaggedCustomers: enough && topShare > FAIRNESS_LIMITS.topCustomersShare,
      flaggedSegment: enough && topSegmentShare > FAIRNESS_LIMITS.shareMultiple * segmentBaseShare,
    });
  }
  // Flagged first, then by number of gestures.
  return result.sort((a, b) => Number(b.flaggedCustomers || b.flaggedSegment) - Number(a.flaggedCustomers || a.flaggedSegment) || b.gestures - a.gestures || a.id - b.id);
}
