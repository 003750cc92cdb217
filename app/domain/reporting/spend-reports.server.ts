// Spend and outcome reports: the branch spend page, the spend dashboard (finance for any branch,
// managers for their own) and the return on empathy. Every whole-bank figure is one GROUP BY over
// summaries kept by triggers (pool_totals, pool_spend_by_type, pool_outcomes, signal_followups):
// rows per pool or branch and category, never per gesture or signal, so the work grows with the
// branches and period chosen, never with the whole history. No query here reads a note, card message or justification: these
// reports go to finance.
import { and, asc, count, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { branches, budgetPools, poolTotals, customers, gestures, gestureTypes, OUTCOMES, type GestureStatus, type Occasion, type Outcome } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import type { PeriodSummary } from "../budget/budget-periods.server";
import { getPoolBalance, totalsColumns, type PoolBalance } from "../budget/ledger.server";
import { getOrganisation } from "../core/organisation.server";
import { addMonths, startOfLocalDay } from "../core/dates";
import type { ReportScope } from "./report-filter.server";
import { LATER_SIGNALS, POSITIVE_OUTCOMES } from "./spend-reports";
import { indexedBy } from "~/utils/dialect.server";
import { firstRow, queryRows, queryRow } from "~/utils/query.server";

export type ReportBranch = { id: number; code: string; name: string; region: string };

const branchColumns = { id: branches.id, code: branches.code, name: branches.name, region: branches.region };

/** SQL condition on a branches row (aliased `b`) for the scope's region or branch. */
function branchCondition(scope: ReportScope): SQL {
  if (scope.branchId !== null) return sql`b.id = ${scope.branchId}`;
  if (scope.region) return sql`b.region = ${scope.region}`;
  return sql`1 = 1`;
}

/** The ids of the pools in scope, as a subquery. */
function scopePools(scope: ReportScope, periodId: number): SQL {
  return sql`(select p.id from budget_pools p join branches b on b.id = p.branch_id where p.period_id = ${periodId} and ${branchCondition(scope)})`;
}

export type SpendRow = { label: string; committed: number; spent: number; gestures: number };
export type BranchSpendRow = PoolBalance & ReportBranch & { budget: number };
export type RegionSpendRow = PoolBalance & { region: string; budget: number; branches: number };

export type SpendDashboard = {
  totals: PoolBalance & { budget: number; pools: number };
  byRegion: RegionSpendRow[];
  byBranch: BranchSpendRow[];
  byOccasion: (SpendRow & { occasion: Occasion | null })[];
  byType: SpendRow[];
  byMonth: { month: string; label: string; committed: number; spent: number }[];
};

/**
 * Spend against budget for a scope: budget (allocations and adjustments), committed (open holds),
 * spent (captures) and available, by region, branch, occasion, gesture type and month. Committed by
 * month is by the month the hold was placed; spent by the month of the capture (organisation time zone).
 */
export async function spendDashboard(db: DbOrTx, scope: ReportScope, period: PeriodSummary | null): Promise<SpendDashboard | null> {
  if (!period) return null;
  const pools = scopePools(scope, period.id);

  // A pool's sums are kept in pool_totals by the ledger's trigger: one row per pool, not its entries.
  const byBranch: BranchSpendRow[] = (
    await db
      .select({ ...branchColumns, ...totalsColumns })
      .from(budgetPools)
      .innerJoin(branches, eq(branches.id, budgetPools.branchId))
      .leftJoin(poolTotals, eq(poolTotals.poolId, budgetPools.id))
      .where(sql`${budgetPools.id} in ${pools}`)
      .orderBy(asc(branches.region), asc(branches.name))
  ).map((row) => ({ ...row, budget: row.allocated + row.adjustments }));

  const regions = new Map<string, RegionSpendRow>();
  const totals = { allocated: 0, adjustments: 0, committed: 0, spent: 0, available: 0, budget: 0, pools: byBranch.length };
  for (const row of byBranch) {
    const region = regions.get(row.region) ?? { region: row.region, allocated: 0, adjustments: 0, committed: 0, spent: 0, available: 0, budget: 0, branches: 0 };
    for (const key of ["allocated", "adjustments", "committed", "spent", "available", "budget"] as const) {
      region[key] += row[key];
      totals[key] += row[key];
    }
    region.branches += 1;
    regions.set(row.region, region);
  }

  // Committed and spent by the gesture's occasion and type, from pool_spend_by_type (kept by the
  // ledger's trigger: hold and release entries net to the open holds, captures are the spend; a
  // gesture counts once, by its hold). Entries without a gesture (none today) group under ''/0.
  type GroupRow = { key: string | number; label: string | null; committed: number; spent: number; gestures: number };
  const grouped = async (key: SQL, label: SQL, join: SQL) =>
    await queryRows<GroupRow>(
      db,
      sql`
      select ${key} as key, ${label} as label, sum(s.committed) as committed, sum(s.spent) as spent, sum(s.gestures) as gestures
      from pool_spend_by_type s
      ${join}
      where s.pool_id in ${pools}
      group by 1, 2
      having sum(s.committed) <> 0 or sum(s.spent) <> 0 or sum(s.gestures) <> 0
      order by spent desc, committed desc, label`,
    );
  const byOccasion = (await grouped(sql`s.occasion`, sql`s.occasion`, sql``)).map((r) => ({
    occasion: r.key === "" ? null : (r.key as Occasion),
    label: String(r.key),
    committed: r.committed,
    spent: r.spent,
    gestures: r.gestures,
  }));
  const byType = (await grouped(sql`s.type_id`, sql`t.name`, sql`left join gesture_types t on t.id = s.type_id`)).map((r) => ({
    label: r.label ?? "Holds without a gesture",
    committed: r.committed,
    spent: r.spent,
    gestures: r.gestures,
  }));

  // Months of the period, cut at local midnight in the organisation's time zone.
  const timeZone = (await getOrganisation(db)).timeZone;
  const months: { month: string; start: number }[] = [];
  for (let m = period.startsOn; m < period.endsOn; m = addMonths(m, 1)) months.push({ month: m.slice(0, 7), start: startOfLocalDay(m, timeZone).getTime() });
  // Committed and spent by month from pool_months (kept by triggers, migration 0018), which holds
  // them by UTC calendar month. A UTC month starts a few hours before or after the local one: what
  // lies between the two midnights is read from the raw rows (hours of entries, on an index) and
  // moved to the month it belongs to. Before the period's second month counts in its first, from
  // its last month on in its last, as entries of a pool dated outside its period always have.
  const last = months.length - 1;
  const committed = months.map(() => 0);
  const spent = months.map(() => 0);
  const add = (list: number[], index: number, amount: number) => {
    list[index] = list[index]! + amount;
  };
  const kept = await queryRows<{ month: string; committed: number; spent: number }>(
    db,
    sql`
    select m.month as month, sum(m.committed) as committed, sum(m.spent) as spent from pool_months m where m.pool_id in ${pools} group by 1`,
  );
  for (const row of kept) {
    const index = row.month <= months[0]!.month ? 0 : row.month >= months[last]!.month ? last : months.findIndex((m) => m.month === row.month);
    add(committed, index, row.committed);
    add(spent, index, row.spent);
  }
  for (let k = 1; k <= last; k++) {
    const local = months[k]!.start;
    const utc = Date.UTC(Number(months[k]!.month.slice(0, 4)), Number(months[k]!.month.slice(5, 7)) - 1, 1);
    if (local === utc) continue;
    // Later local midnight: [utc, local) was counted in month k but is month k-1's; earlier: the reverse.
    const [from, until, sign] = local > utc ? [utc, local, 1] : [local, utc, -1];
    const moved = (await queryRow<{ committed: number; spent: number }>(
      db,
      sql`
      select
        (select coalesce(sum(h.amount), 0) from holds h ${indexedBy("holds_open_created_idx")}
          where h.status = 'open' and h.created_at >= ${from} and h.created_at < ${until} and h.pool_id in ${pools}) as committed,
        (select coalesce(-sum(le.amount), 0) from ledger_entries le ${indexedBy("ledger_entries_at_idx")}
          where le.at >= ${from} and le.at < ${until} and le.kind = 'capture' and le.pool_id in ${pools}) as spent`,
    ))!;
    if (moved.committed !== 0) {
      add(committed, k - 1, sign * moved.committed);
      add(committed, k, -sign * moved.committed);
    }
    if (moved.spent !== 0) {
      add(spent, k - 1, sign * moved.spent);
      add(spent, k, -sign * moved.spent);
    }
  }
  const monthLabel = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  const byMonth = months.map(({ month }, index) => ({
    month,
    label: monthLabel.format(new Date(`${month}-01T12:00:00Z`)),
    committed: committed[index]!,
    spent: spent[index]!,
  }));

  return { totals, byRegion: [...regions.values()], byBranch, byOccasion, byType, byMonth };
}

// ---------------------------------------------------------------------------------------------
// Return on empathy

export type OutcomeRow = {
  label: string;
  fulfilled: number;
  spent: number;
  recorded: number;
  positive: number;
  counts: Record<Outcome, number>;
};

export type SignalComparisonRow = {
  kind: Occasion;
  received: { cases: number; later: Record<(typeof LATER_SIGNALS)[number], number> };
  notReceived: { cases: number; later: Record<(typeof LATER_SIGNALS)[number], number> };
};

export type OutcomeReport = {
  totals: OutcomeRow;
  byOccasion: (OutcomeRow & { occasion: Occasion })[];
  byType: OutcomeRow[];
  byBranch: OutcomeRow[];
  comparison: SignalComparisonRow[];
};

/**
 * Outcomes of the gestures fulfilled from the pools in scope (by occasion, type and branch, with
 * the spend), and, for the signals dated in the period, how often a later complaint or survey
 * answer followed within FOLLOW_UP_DAYS, for customers who received a gesture for that kind of
 * signal and for those who did not.
 */
export async function outcomeReport(db: DbOrTx, scope: ReportScope, period: PeriodSummary | null): Promise<OutcomeReport | null> {
  if (!period) return null;
  const pools = scopePools(scope, period.id);
  // From pool_outcomes (kept by triggers on gestures, migration 0018): one row per pool, occasion and
  // type rather than one per gesture. A row whose gestures all left fulfilment is kept as zeros.
  const outcomeColumns = sql.join(
    OUTCOMES.map((o) => sql`sum(o.${sql.identifier(o)}) as ${sql.identifier(o)}`),
    sql`, `,
  );
  const positive = sql.join(
    POSITIVE_OUTCOMES.map((o) => sql`o.${sql.identifier(o)}`),
    sql` + `,
  );
  type Raw = { key: string | number | null; label: string; fulfilled: number; spent: number; recorded: number; positive: number } & Record<Outcome, number>;
  const grouped = async (key: SQL, label: SQL, join: SQL) =>
    await queryRows<Raw>(
      db,
      sql`
      select ${key} as key, ${label} as label, sum(o.fulfilled) as fulfilled, sum(o.spent) as spent,
        sum(o.recorded) as recorded, sum(${positive}) as positive, ${outcomeColumns}
      from pool_outcomes o ${join}
      where o.pool_id in ${pools}
      group by 1, 2 having sum(o.fulfilled) > 0 order by spent desc, label`,
    );
  const shape = (r: Raw): OutcomeRow => ({
    label: r.label ?? "",
    fulfilled: r.fulfilled,
    spent: r.spent,
    recorded: r.recorded,
    positive: r.positive,
    counts: Object.fromEntries(OUTCOMES.map((o) => [o, r[o] ?? 0])) as Record<Outcome, number>,
  });
  const byOccasion = (await grouped(sql`o.occasion`, sql`o.occasion`, sql``)).map((r) => ({ ...shape(r), occasion: r.key as Occasion }));
  const byType = (await grouped(sql`o.type_id`, sql`t.name`, sql`join gesture_types t on t.id = o.type_id`)).map(shape);
  const byBranch = (await grouped(sql`p.branch_id`, sql`b.name`, sql`join budget_pools p on p.id = o.pool_id join branches b on b.id = p.branch_id`)).map(shape);
  const totals = byOccasion.reduce<OutcomeRow>(
    (sum, row) => ({
      label: "All",
      fulfilled: sum.fulfilled + row.fulfilled,
      spent: sum.spent + row.spent,
      recorded: sum.recorded + row.recorded,
      positive: sum.positive + row.positive,
      counts: Object.fromEntries(OUTCOMES.map((o) => [o, sum.counts[o] + row.counts[o]])) as Record<Outcome, number>,
    }),
    { label: "All", fulfilled: 0, spent: 0, recorded: 0, positive: 0, counts: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number> },
  );

  // Signals of the period in the scope's branches, of kinds that gestures answer; a case "received"
  // a gesture when the customer has a fulfilled gesture for that occasion. Read from
  // signal_followups (kept by triggers on signals and gestures, migration 0018): a row per branch,
  // month, kind and received, with how many cases a complaint or survey answer followed within
  // FOLLOW_UP_DAYS. Periods are whole months, so the period is a range of months.
  const later = sql.join(
    LATER_SIGNALS.map((kind) => sql`sum(f.${sql.identifier(kind)}) as ${sql.identifier(kind)}`),
    sql`, `,
  );
  const rows = await queryRows<{ kind: Occasion; received: number; cases: number } & Record<(typeof LATER_SIGNALS)[number], number>>(
    db,
    sql`
    select f.kind as kind, f.received as received, sum(f.cases) as cases, ${later}
    from signal_followups f join branches b on b.id = f.branch_id
    where ${branchCondition(scope)} and f.month >= ${period.startsOn.slice(0, 7)} and f.month < ${period.endsOn.slice(0, 7)}
      and f.kind not in (${sql.join(
        LATER_SIGNALS.map((k) => sql`${k}`),
        sql`, `,
      )})
    group by 1, 2 order by 1`,
  );
  const empty = () => ({ cases: 0, later: { complaint: 0, survey_detractor: 0, survey_promoter: 0 } });
  const comparison = new Map<Occasion, SignalComparisonRow>();
  for (const row of rows) {
    const entry = comparison.get(row.kind) ?? { kind: row.kind, received: empty(), notReceived: empty() };
    const side = row.received ? entry.received : entry.notReceived;
    side.cases += row.cases;
    for (const kind of LATER_SIGNALS) side.later[kind] += row[kind];
    comparison.set(row.kind, entry);
  }
  return { totals, byOccasion, byType, byBranch, comparison: [...comparison.values()].filter((r) => r.received.cases > 0) };
}

// ---------------------------------------------------------------------------------------------
// The branch spend page (staff and managers of the branch)

export type BranchSpendFilter = { status?: GestureStatus; occasion?: Occasion; typeId?: number; page: number; pageSize: number };

/**
 * A branch's pool for the period (committed against spent) and its gestures of the period: those
 * paid from the pool, and those not yet approved (or never) submitted within the period's dates.
 */
export async function branchSpend(db: DbOrTx, branchId: number, period: PeriodSummary, filter: BranchSpendFilter) {
  const pool = await firstRow(
    db
      .select({ id: budgetPools.id })
      .from(budgetPools)
      .where(and(eq(budgetPools.branchId, branchId), eq(budgetPools.periodId, period.id)))
      .limit(1),
  );
  const balance = pool ? await getPoolBalance(db, pool.id) : null;
  const timeZone = (await getOrganisation(db)).timeZone;
  const from = startOfLocalDay(period.startsOn, timeZone);
  const to = startOfLocalDay(period.endsOn, timeZone);
  const when = sql<number>`coalesce(${gestures.submittedAt}, ${gestures.createdAt})`;
  const inPeriod = or(pool ? eq(gestures.poolId, pool.id) : sql`1 = 0`, and(isNull(gestures.poolId), sql`${when} >= ${from.getTime()}`, sql`${when} < ${to.getTime()}`));
  const where = and(
    eq(gestures.branchId, branchId),
    inPeriod,
    filter.status ? eq(gestures.status, filter.status) : undefined,
    filter.occasion ? eq(gestures.occasion, filter.occasion) : undefined,
    filter.typeId ? eq(gestures.typeId, filter.typeId) : undefined,
  );
  const rows = await db
    .select({
      id: gestures.id,
      status: gestures.status,
      occasion: gestures.occasion,
      typeName: gestureTypes.name,
      customerId: gestures.customerId,
      customerName: customers.name,
      requestedAmount: gestures.requestedAmount,
      approvedAmount: gestures.approvedAmount,
      actualAmount: gestures.actualAmount,
      outcome: gestures.outcome,
      at: when,
    })
    .from(gestures)
    .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
    .innerJoin(customers, eq(customers.id, gestures.customerId))
    .where(where)
    .orderBy(desc(when), desc(gestures.id))
    .limit(filter.pageSize + 1)
    .offset((filter.page - 1) * filter.pageSize);
  const total = (await firstRow(db.select({ n: count() }).from(gestures).where(where).limit(1)))?.n ?? 0;
  return { poolId: pool?.id ?? null, balance, rows: rows.slice(0, filter.pageSize), hasNext: rows.length > filter.pageSize, total };
}

/** Types that gestures can name, for the spend page's filter. */
export async function typeOptions(db: DbOrTx) {
  return await db.select({ id: gestureTypes.id, name: gestureTypes.name }).from(gestureTypes).orderBy(asc(gestureTypes.name));
}
