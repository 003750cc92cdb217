// Budget periods: finance opens the next period with a pool and an allocation for every active
// branch in one go, and closes a period once it has ended. Closing moves open holds (if finance
// asks) and the unspent balance (by the organisation's rule) with explicit, audited entries.
import { and, asc, count, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { branches, budgetPeriods, budgetPools, holds, ledgerEntries, poolTotals, type BudgetPeriod } from "../../../db/schema";
import { writeTransaction, type Db, type DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { DomainError } from "../core/errors";
import { appendEntry, assertFinance, assertIdempotencyKey, totalsColumns, getPool, getPoolBalance, insertHold, resolveHold, type FinanceActor, type PoolBalance } from "./ledger.server";
import { formatMoney, MAX_MONEY } from "../core/money";
import { getOrganisation } from "../core/organisation.server";
import { MONTHS_IN, periodAfter, periodContaining, periodLabel, periodRange, type PeriodDates } from "./periods";
import { addMonths, formatIsoDate, localDate } from "../core/dates";
import { firstRow, returnedRow } from "~/utils/query.server";

export type PeriodSummary = Pick<BudgetPeriod, "id" | "startsOn" | "endsOn" | "length" | "status" | "closedAt"> & { label: string };

const summarise = (period: Pick<BudgetPeriod, "id" | "startsOn" | "endsOn" | "length" | "status" | "closedAt">): PeriodSummary => ({
  id: period.id,
  startsOn: period.startsOn,
  endsOn: period.endsOn,
  length: period.length,
  status: period.status,
  closedAt: period.closedAt,
  label: periodLabel(period),
});

const periodColumns = {
  id: budgetPeriods.id,
  startsOn: budgetPeriods.startsOn,
  endsOn: budgetPeriods.endsOn,
  length: budgetPeriods.length,
  status: budgetPeriods.status,
  closedAt: budgetPeriods.closedAt,
};

/** Every period, newest first (a handful a year). */
export async function listPeriods(db: DbOrTx, limit = 200): Promise<PeriodSummary[]> {
  return (await db.select(periodColumns).from(budgetPeriods).orderBy(desc(budgetPeriods.startsOn)).limit(limit)).map(summarise);
}

export async function findPeriod(db: DbOrTx, periodId: number): Promise<PeriodSummary | null> {
  const row = await firstRow(db.select(periodColumns).from(budgetPeriods).where(eq(budgetPeriods.id, periodId)).limit(1));
  return row ? summarise(row) : null;
}

/** The period containing `now`, if it was opened. */
export async function currentPeriod(db: DbOrTx, now: Date): Promise<PeriodSummary | null> {
  const today = localDate(now, (await getOrganisation(db)).timeZone);
  const row = await firstRow(
    db
      .select(periodColumns)
      .from(budgetPeriods)
      .where(and(sql`${budgetPeriods.startsOn} <= ${today}`, sql`${budgetPeriods.endsOn} > ${today}`))
      .limit(1),
  );
  return row ? summarise(row) : null;
}

export type NextPeriod = PeriodDates & {
  label: string;
  range: string;
  /** The latest period opened so far, whose allocations can be copied. */
  previous: PeriodSummary | null;
  canOpen: boolean;
  /** Why it cannot be opened yet. */
  reason: string | null;
};

/**
 * The period finance would open next: right after the latest one, with the organisation's
 * current period length; or the period containing today when there is none yet (or the latest
 * one ended before the current period began). Never more than one period ahead of today.
 */
export async function nextPeriod(db: DbOrTx, now: Date): Promise<NextPeriod> {
  const org = await getOrganisation(db);
  const current = periodContaining(localDate(now, org.timeZone), org.periodLength);
  const latest = await firstRow(db.select(periodColumns).from(budgetPeriods).orderBy(desc(budgetPeriods.startsOn)).limit(1));
  const startsOn = latest && latest.endsOn > current.startsOn ? latest.endsOn : current.startsOn;
  const dates = periodAfter(startsOn, org.periodLength);
  const canOpen = dates.startsOn <= current.endsOn;
  return {
    ...dates,
    label: periodLabel(dates),
    range: periodRange(dates),
    previous: latest ? summarise(latest) : null,
    canOpen,
    reason: canOpen ? null : `${periodLabel(dates)} is more than one period ahead of today; it can be opened from ${formatIsoDate(addMonths(dates.startsOn, -MONTHS_IN[org.periodLength]))}.`,
  };
}

export type OpenPeriodInput = {
  /** Amount per active branch, in minor units; branches left out get a pool with nothing allocated. */
  amounts: ReadonlyArray<{ branchId: number; amount: number }>;
  idempotencyKey: string;
  now: Date;
};
export type OpenPeriodResult = { periodId: number; label: string; pools: number; total: number; replayed: boolean };

export async function openPeriod(db: DbOrTx, actor: FinanceActor, input: OpenPeriodInput): Promise<OpenPeriodResult> {
  assertFinance(actor, "open budget periods");
  assertIdempotencyKey(input.idempotencyKey);
  return await writeTransaction(db, async (tx) => {
    const replay = await firstRow(tx.select(periodColumns).from(budgetPeriods).where(eq(budgetPeriods.openKey, input.idempotencyKey)).limit(1));
    if (replay) {
      // The opening allocations were keyed "<key>:<branch id>": the same request must ask for the same amounts.
      const stored = await tx
        .select({ key: ledgerEntries.idempotencyKey, amount: ledgerEntries.amount })
        .from(ledgerEntries)
        .where(and(gte(ledgerEntries.idempotencyKey, `${input.idempotencyKey}:`), lt(ledgerEntries.idempotencyKey, `${input.idempotencyKey};`)));
      const asked = input.amounts.filter((row) => row.amount > 0);
      const same = stored.length === asked.length && asked.every((row) => stored.some((entry) => entry.key === `${input.idempotencyKey}:${row.branchId}` && entry.amount === row.amount));
      if (!same) {
        throw new DomainError("CONFLICT", "This period was already opened by this form with other amounts, so nothing changed. Open its pools to allocate more.");
      }
      const pools = (await firstRow(tx.select({ n: count() }).from(budgetPools).where(eq(budgetPools.periodId, replay.id)).limit(1)))?.n ?? 0;
      const total = asked.reduce((sum, row) => sum + row.amount, 0);
      return { periodId: replay.id, label: periodLabel(replay), pools, total, replayed: true };
    }
    const next = await nextPeriod(tx, input.now);
    if (!next.canOpen) throw new DomainError("INVALID_STATE", next.reason ?? "This period cannot be opened yet.");
    const active = await tx.select({ id: branches.id, code: branches.code }).from(branches).where(eq(branches.active, true)).orderBy(asc(branches.id));
    if (active.length === 0) throw new DomainError("INVALID_STATE", "There are no active branches to open budgets for.");
    const amounts = new Map<number, number>();
    for (const { branchId, amount } of input.amounts) {
      if (!active.some((b) => b.id === branchId)) throw new DomainError("VALIDATION", "An amount was given for a branch that is not active.");
      if (amounts.has(branchId)) throw new DomainError("VALIDATION", "A branch was given two amounts.");
      if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_MONEY) {
        throw new DomainError("VALIDATION", "Every amount must be a whole number of cents, zero or more, within the largest amount allowed.");
      }
      amounts.set(branchId, amount);
    }
    const period = await returnedRow(
      tx.insert(budgetPeriods).values({ startsOn: next.startsOn, endsOn: next.endsOn, length: next.length, openedAt: input.now, openedBy: actor.id, openKey: input.idempotencyKey }).returning(),
    );
    let total = 0;
    for (const branch of active) {
      const pool = await returnedRow(tx.insert(budgetPools).values({ periodId: period.id, branchId: branch.id, createdAt: input.now }).returning({ id: budgetPools.id }));
      const amount = amounts.get(branch.id) ?? 0;
      if (amount === 0) continue;
      total += amount;
      const entry = await appendEntry(tx, {
        poolId: pool.id,
        kind: "allocation",
        amount,
        actorId: actor.id,
        at: input.now,
        memo: `Opening allocation for ${next.label}`,
        idempotencyKey: `${input.idempotencyKey}:${branch.id}`,
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "budget.allocated",
        entity: "budget_pool",
        entityId: pool.id,
        detail: { entryId: entry.id, amount, balanceAfter: entry.balanceAfter },
        at: input.now,
      });
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "budget.period_opened",
      entity: "budget_period",
      entityId: period.id,
      detail: { startsOn: period.startsOn, endsOn: period.endsOn, pools: active.length, total },
      at: input.now,
    });
    return { periodId: period.id, label: next.label, pools: active.length, total, replayed: false };
  });
}

export type CloseSummary = {
  period: PeriodSummary;
  range: string;
  /** The period that open holds and carried-over balances go to, if opened, and its label either way. */
  next: PeriodSummary | null;
  nextLabel: string;
  openHolds: { count: number; total: number };
  unspent: number;
  rule: "lapse" | "carry_over";
  /** Why it cannot close at all (already closed, not ended yet); null when it can. */
  blocked: string | null;
};

/** What closing a period would do, for the confirmation page. */
export async function closeSummary(db: DbOrTx, periodId: number, now: Date): Promise<CloseSummary> {
  const period = await findPeriod(db, periodId);
  if (!period) throw new DomainError("NOT_FOUND", "This budget period does not exist.");
  const org = await getOrganisation(db);
  const poolIds = db.select({ id: budgetPools.id }).from(budgetPools).where(eq(budgetPools.periodId, periodId));
  const open = await firstRow(
    db
      .select({ n: count(), total: sql<number>`coalesce(sum(${holds.amount}), 0)` })
      .from(holds)
      .where(and(inArray(holds.poolId, poolIds), eq(holds.status, "open")))
      .limit(1),
  );
  const unspent = await firstRow(
    db
      .select({ total: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)` })
      .from(ledgerEntries)
      .where(inArray(ledgerEntries.poolId, poolIds))
      .limit(1),
  );
  const nextRow = await firstRow(db.select(periodColumns).from(budgetPeriods).where(eq(budgetPeriods.startsOn, period.endsOn)).limit(1));
  return {
    period,
    range: periodRange(period),
    next: nextRow ? summarise(nextRow) : null,
    nextLabel: periodLabel(periodAfter(period.endsOn, nextRow?.length ?? org.periodLength)),
    openHolds: { count: open?.n ?? 0, total: open?.total ?? 0 },
    unspent: unspent?.total ?? 0,
    rule: org.unspentBalanceRule,
    blocked: closeBlocker(period, localDate(now, org.timeZone)),
  };
}

function closeBlocker(period: PeriodSummary, today: string): string | null {
  if (period.status === "closed") return `${period.label} is already closed.`;
  if (today < period.endsOn) return `${period.label} runs until ${formatIsoDate(period.endsOn, -1)}; it can be closed once it has ended.`;
  return null;
}

export type ClosePeriodInput = {
  periodId: number;
  /** Move open holds into the next period's pools (a release here and a new hold there). */
  carryOpenHolds: boolean;
  now: Date;
};
export type ClosePeriodResult = { label: string; carriedHolds: number; lapsed: number; carriedOver: number };

export async function closePeriod(db: DbOrTx, actor: FinanceActor, input: ClosePeriodInput): Promise<ClosePeriodResult> {
  assertFinance(actor, "close budget periods");
  return await writeTransaction(db, async (tx) => {
    const summary = await closeSummary(tx, input.periodId, input.now);
    const { period, next } = summary;
    if (summary.blocked) throw new DomainError("INVALID_STATE", summary.blocked);
    const currency = (await getOrganisation(tx)).currency;
    if (summary.openHolds.count > 0 && !input.carryOpenHolds) {
      throw new DomainError(
        "INVALID_STATE",
        `${summary.openHolds.count} ${summary.openHolds.count === 1 ? "hold is" : "holds are"} still open in ${period.label} (${formatMoney(
          summary.openHolds.total,
          currency,
        )}). Resolve them first, or carry them into the next period.`,
      );
    }
    const needsNext = summary.openHolds.count > 0 || (summary.rule === "carry_over" && summary.unspent > 0);
    if (needsNext && (!next || next.status !== "open")) {
      throw new DomainError(
        "INVALID_STATE",
        next
          ? `${next.label} is closed, so nothing can be carried into it.`
          : `Open the next period (${summary.nextLabel}) first: ${summary.openHolds.count > 0 ? "the open holds" : "the unspent balance"} of ${period.label} move${
              summary.openHolds.count > 0 ? "" : "s"
            } into it.`,
      );
    }

    const pools = await tx.select({ id: budgetPools.id, branchId: budgetPools.branchId }).from(budgetPools).where(eq(budgetPools.periodId, period.id)).orderBy(asc(budgetPools.id));
    let carriedHolds = 0;
    let lapsed = 0;
    let carriedOver = 0;
    for (const { id: poolId, branchId } of pools) {
      const pool = await getPool(tx, poolId);
      const open = await tx
        .select()
        .from(holds)
        .where(and(eq(holds.poolId, poolId), eq(holds.status, "open")))
        .orderBy(asc(holds.id));
      // 1. Release the open holds here (each comes back as a new hold in the next period below).
      for (const hold of open) {
        const entry = await appendEntry(tx, {
          poolId,
          kind: "release",
          amount: hold.amount,
          holdId: hold.id,
          gestureId: hold.gestureId,
          actorId: actor.id,
          at: input.now,
          memo: `Carried to ${next!.label}`,
        });
        await recordAudit(tx, {
          actorId: actor.id,
          action: "budget.hold_released",
          entity: "hold",
          entityId: hold.id,
          detail: { poolId, gestureId: hold.gestureId, amount: hold.amount, balanceAfter: entry.balanceAfter, reason: "carried" },
          at: input.now,
        });
      }
      // 2. The unspent balance lapses, or moves to the branch's pool in the next period.
      const unspent = (await getPoolBalance(tx, poolId)).available;
      let nextPoolId: number | null = null;
      if (unspent > 0 && summary.rule === "lapse") {
        const entry = await appendEntry(tx, {
          poolId,
          kind: "adjustment",
          amount: -unspent,
          actorId: actor.id,
          at: input.now,
          memo: `Unspent balance lapsed at the close of ${period.label}`,
        });
        await recordAudit(tx, {
          actorId: actor.id,
          action: "budget.unspent_lapsed",
          entity: "budget_pool",
          entityId: poolId,
          detail: { entryId: entry.id, amount: unspent },
          at: input.now,
        });
        lapsed += unspent;
      } else if (unspent > 0) {
        nextPoolId = await ensurePool(tx, next!.id, branchId, input.now);
        const out = await appendEntry(tx, {
          poolId,
          kind: "adjustment",
          amount: -unspent,
          actorId: actor.id,
          at: input.now,
          memo: `Unspent balance carried over to ${next!.label}`,
        });
        const into = await appendEntry(tx, {
          poolId: nextPoolId,
          kind: "adjustment",
          amount: unspent,
          actorId: actor.id,
          at: input.now,
          memo: `Unspent balance carried over from ${period.label}`,
        });
        await recordAudit(tx, {
          actorId: actor.id,
          action: "budget.unspent_carried_over",
          entity: "budget_pool",
          entityId: poolId,
          detail: { fromEntryId: out.id, toPoolId: nextPoolId, toEntryId: into.id, amount: unspent },
          at: input.now,
        });
        carriedOver += unspent;
      }
      // 3. A new hold in the next period's pool for each hold released in step 1.
      if (open.length > 0) {
        nextPoolId ??= await ensurePool(tx, next!.id, branchId, input.now);
        const nextPool = await getPool(tx, nextPoolId);
        const needed = open.reduce((sum, hold) => sum + hold.amount, 0);
        const room = (await getPoolBalance(tx, nextPoolId)).available;
        if (needed > room) {
          throw new DomainError(
            "INSUFFICIENT_FUNDS",
            `${pool.branchName}'s pool for ${nextPool.label} has ${formatMoney(room, currency)} available and cannot take its ${open.length} carried ${
              open.length === 1 ? "hold" : "holds"
            } (${formatMoney(needed, currency)}). Allocate more to it first, or resolve the holds. Nothing was closed.`,
          );
        }
        for (const hold of open) {
          const carried = await insertHold(tx, actor, nextPool, {
            amount: hold.amount,
            gestureId: hold.gestureId,
            memo: hold.memo ?? `Carried from ${period.label}`,
            idempotencyKey: null,
            now: input.now,
          });
          await resolveHold(tx, hold.id, "carried", input.now, carried.holdId);
          await recordAudit(tx, {
            actorId: actor.id,
            action: "budget.hold_placed",
            entity: "hold",
            entityId: carried.holdId,
            detail: { poolId: nextPoolId, gestureId: hold.gestureId, amount: hold.amount, balanceAfter: carried.available, carriedFromHoldId: hold.id },
            at: input.now,
          });
          carriedHolds++;
        }
      }
    }
    await tx.update(budgetPeriods).set({ status: "closed", closedAt: input.now, closedBy: actor.id }).where(eq(budgetPeriods.id, period.id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "budget.period_closed",
      entity: "budget_period",
      entityId: period.id,
      detail: { carriedHolds, lapsed, carriedOver, rule: summary.rule },
      at: input.now,
    });
    return { label: period.label, carriedHolds, lapsed, carriedOver };
  });
}

/** The branch's pool in a period, created when the branch had none (a branch added mid-period). */
async function ensurePool(tx: DbOrTx, periodId: number, branchId: number, now: Date): Promise<number> {
  const existing = await firstRow(
    tx
      .select({ id: budgetPools.id })
      .from(budgetPools)
      .where(and(eq(budgetPools.periodId, periodId), eq(budgetPools.branchId, branchId)))
      .limit(1),
  );
  if (existing) return existing.id;
  return (await returnedRow(tx.insert(budgetPools).values({ periodId, branchId, createdAt: now }).returning({ id: budgetPools.id }))).id;
}

// ---------------------------------------------------------------------------------------------
// Lists for finance

export type PoolRow = PoolBalance & { poolId: number; branchId: number; code: string; name: string; region: string };

/** All branches' pools of a period with their balances, by region and name; paginated. */
export async function listPeriodPools(db: Db, periodId: number, filter: { region?: string; page: number; pageSize: number }) {
  const where = filter.region ? and(eq(budgetPools.periodId, periodId), eq(branches.region, filter.region)) : eq(budgetPools.periodId, periodId);
  // Reads pool_totals (kept by the ledger's trigger): one row per pool, not the period's whole ledger.
  const rows: PoolRow[] = await db
    .select({ poolId: budgetPools.id, branchId: branches.id, code: branches.code, name: branches.name, region: branches.region, ...totalsColumns })
    .from(budgetPools)
    .innerJoin(branches, eq(branches.id, budgetPools.branchId))
    .leftJoin(poolTotals, eq(poolTotals.poolId, budgetPools.id))
    .where(where)
    .orderBy(asc(branches.region), asc(branches.name), asc(budgetPools.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  const totals = (await firstRow(
    db
      .select({
        pools: sql<number>`count(*)`,
        allocated: sql<number>`coalesce(sum(${poolTotals.allocated}), 0)`,
        adjustments: sql<number>`coalesce(sum(${poolTotals.adjustments}), 0)`,
        committed: sql<number>`coalesce(sum(${poolTotals.committed}), 0)`,
        spent: sql<number>`coalesce(sum(${poolTotals.spent}), 0)`,
        available: sql<number>`coalesce(sum(${poolTotals.available}), 0)`,
      })
      .from(budgetPools)
      .innerJoin(branches, eq(branches.id, budgetPools.branchId))
      .leftJoin(poolTotals, eq(poolTotals.poolId, budgetPools.id))
      .where(where)
      .limit(1),
  ))!;
  return { rows, totals };
}

export async function listRegions(db: Db): Promise<string[]> {
  return (await db.selectDistinct({ region: branches.region }).from(branches).orderBy(asc(branches.region))).map((r) => r.region);
}

/** Active branches with what each was allocated in a period (to copy into the next one). */
export async function branchesWithAllocations(db: Db, fromPeriodId: number | null) {
  const allocated = fromPeriodId
    ? await db
        .select({ branchId: budgetPools.branchId, amount: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)` })
        .from(budgetPools)
        .innerJoin(ledgerEntries, and(eq(ledgerEntries.poolId, budgetPools.id), eq(ledgerEntries.kind, "allocation")))
        .where(eq(budgetPools.periodId, fromPeriodId))
        .groupBy(budgetPools.branchId)
    : [];
  const byBranch = new Map(allocated.map((row) => [row.branchId, row.amount]));
  return (
    await db
      .select({ id: branches.id, code: branches.code, name: branches.name, region: branches.region })
      .from(branches)
      .where(eq(branches.active, true))
      .orderBy(asc(branches.region), asc(branches.name))
  ).map((branch) => ({ ...branch, previousAmount: byBranch.get(branch.id) ?? 0 }));
}
