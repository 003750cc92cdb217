// The spend ledger of the budget pools: allocate, adjust, place a hold, release it, capture it.
//
// Every function is one synchronous write transaction (BEGIN IMMEDIATE, or a savepoint inside the
// caller's immediate transaction, so the gesture workflow can change a gesture and its hold
// together). The balance is checked inside that transaction: SQLite lets one writer in at a time,
// so check-then-write cannot overspend. Each call writes an audit event and is idempotent by its
// key: the same key again returns the first result and moves no money; the same key with other
// details is refused.
//
// Entry amounts are signed by their effect on the available balance (see db/schema.ts): a hold
// takes its amount, a release gives back the WHOLE hold, a capture takes the actual amount. So a
// capture of 80 against a hold of 100 writes "release +100, capture −80": the remainder (20) is
// back in the pool, and the entries of a pool always sum to its available balance.
import type { BudgetAlertThreshold } from "./budget-alerts";
import { raiseBudgetAlerts } from "./budget-alerts.server";
import { and, count, desc, eq, sql } from "drizzle-orm";
import { branches, budgetPeriods, budgetPools, holds, ledgerEntries, poolTotals, users, type LedgerEntry, type LedgerKind } from "../../../db/schema";
import { writeTransaction, type Db, type DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { IDEMPOTENCY_KEY_PATTERN, MEMO_MAX, REASON_MAX } from "./budget-schemas";
import { DomainError } from "../core/errors";
import { formatMoney, MAX_MONEY, type Money } from "../core/money";
import { getOrganisation } from "../core/organisation.server";
import { periodLabel, periodRange } from "./periods";
import { localDate } from "../core/dates";
import { can, type Role } from "../core/permissions";
import { firstRow, returnedRow } from "~/utils/query.server";

/** Who moves money: a user, or the system (null id) for scheduled work such as approval expiry. */
export type LedgerActor = { id: number | null };
/** Allocations, adjustments and period changes are finance's: the role is checked again here. */
export type FinanceActor = { id: number; role: Role };

export type PoolBalance = {
  /** Sum of allocations. */
  allocated: number;
  /** Sum of adjustments (may be negative). */
  adjustments: number;
  /** Open holds. */
  committed: number;
  /** Captures. */
  spent: number;
  /** allocated + adjustments − committed − spent; never negative. */
  available: number;
};

export type PoolContext = {
  id: number;
  branchId: number;
  branchName: string;
  branchCode: string;
  region: string;
  periodId: number;
  startsOn: string;
  endsOn: string;
  periodStatus: "open" | "closed";
  label: string;
};

// ---------------------------------------------------------------------------------------------
// Reading

export async function findPool(db: DbOrTx, poolId: number): Promise<PoolContext | null> {
  const row = await firstRow(
    db
      .select({
        id: budgetPools.id,
        branchId: budgetPools.branchId,
        branchName: branches.name,
        branchCode: branches.code,
        region: branches.region,
        periodId: budgetPools.periodId,
        startsOn: budgetPeriods.startsOn,
        endsOn: budgetPeriods.endsOn,
        periodStatus: budgetPeriods.status,
      })
      .from(budgetPools)
      .innerJoin(branches, eq(branches.id, budgetPools.branchId))
      .innerJoin(budgetPeriods, eq(budgetPeriods.id, budgetPools.periodId))
      .where(eq(budgetPools.id, poolId))
      .limit(1),
  );
  return row ? { ...row, label: periodLabel(row) } : null;
}

export async function getPool(db: DbOrTx, poolId: number): Promise<PoolContext> {
  const pool = await findPool(db, poolId);
  if (!pool) throw new DomainError("NOT_FOUND", "This budget pool does not exist.");
  return pool;
}

/** Sums by kind, as SQL columns, over the entries joined in a query (see listPeriodPools). */
export const balanceColumns = {
  allocated: sql<number>`coalesce(sum(case when ${ledgerEntries.kind} = 'allocation' then ${ledgerEntries.amount} end), 0)`,
  adjustments: sql<number>`coalesce(sum(case when ${ledgerEntries.kind} = 'adjustment' then ${ledgerEntries.amount} end), 0)`,
  // Every resolved hold has exactly one release of its whole amount, so holds plus releases is
  // minus the amount of the holds still open.
  committed: sql<number>`coalesce(-sum(case when ${ledgerEntries.kind} in ('hold', 'release') then ${ledgerEntries.amount} end), 0)`,
  spent: sql<number>`coalesce(-sum(case when ${ledgerEntries.kind} = 'capture' then ${ledgerEntries.amount} end), 0)`,
  available: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)`,
};

/** The same sums, as kept in pool_totals by the ledger's trigger (zero for a pool with no entry yet), over a left join of it. */
export const totalsColumns = {
  allocated: sql<number>`coalesce(${poolTotals.allocated}, 0)`,
  adjustments: sql<number>`coalesce(${poolTotals.adjustments}, 0)`,
  committed: sql<number>`coalesce(${poolTotals.committed}, 0)`,
  spent: sql<number>`coalesce(${poolTotals.spent}, 0)`,
  available: sql<number>`coalesce(${poolTotals.available}, 0)`,
};

/** A pool's balance: one row of pool_totals, which the ledger's trigger keeps in the same transaction as each entry. */
export async function getPoolBalance(db: DbOrTx, poolId: number): Promise<PoolBalance> {
  const row = await firstRow(
    db
      .select({ allocated: poolTotals.allocated, adjustments: poolTotals.adjustments, committed: poolTotals.committed, spent: poolTotals.spent, available: poolTotals.available })
      .from(poolTotals)
      .where(eq(poolTotals.poolId, poolId))
      .limit(1),
  );
  return row ?? { allocated: 0, adjustments: 0, committed: 0, spent: 0, available: 0 };
}

/** The pool's last entry: its running balance (the available balance) and its number, in one index lookup. */
async function lastEntryOf(tx: DbOrTx, poolId: number): Promise<{ balanceAfter: number; poolSeq: number }> {
  const last = await firstRow(
    tx.select({ balanceAfter: ledgerEntries.balanceAfter, poolSeq: ledgerEntries.poolSeq }).from(ledgerEntries).where(eq(ledgerEntries.poolId, poolId)).orderBy(desc(ledgerEntries.id)).limit(1),
  );
  return last ?? { balanceAfter: 0, poolSeq: 0 };
}

async function availableOf(tx: DbOrTx, poolId: number): Promise<number> {
  return (await lastEntryOf(tx, poolId)).balanceAfter;
}

/** The pool of a branch for the period that contains `now` (in the organisation's time zone), if one is open or closed. */
export async function currentPoolFor(db: DbOrTx, branchId: number, now: Date): Promise<PoolContext | null> {
  const today = localDate(now, (await getOrganisation(db)).timeZone);
  const row = await firstRow(
    db
      .select({ id: budgetPools.id })
      .from(budgetPools)
      .innerJoin(budgetPeriods, eq(budgetPeriods.id, budgetPools.periodId))
      .where(and(eq(budgetPools.branchId, branchId), sql`${budgetPeriods.startsOn} <= ${today}`, sql`${budgetPeriods.endsOn} > ${today}`))
      .limit(1),
  );
  return row ? await findPool(db, row.id) : null;
}

/** Who may see a pool: finance any pool (and change it), a branch manager their own branch's (read only). */
export function poolAccess(viewer: { role: Role; branchId: number | null }, pool: Pick<PoolContext, "branchId">): "manage" | "view" | null {
  if (can(viewer.role, "budgets:manage")) return "manage";
  if (can(viewer.role, "reports:branch") && viewer.branchId === pool.branchId) return "view";
  return null;
}

/** A branch's current pool with its balance, for the branch home page. */
export async function branchPoolSummary(db: DbOrTx, branchId: number, now: Date) {
  const pool = await currentPoolFor(db, branchId, now);
  if (!pool) return null;
  return { poolId: pool.id, label: pool.label, range: periodRange(pool), periodStatus: pool.periodStatus, ...(await getPoolBalance(db, pool.id)) };
}

export type LedgerListFilter = { kind?: LedgerKind; page: number; pageSize: number };

/** A page of a pool's ledger, newest first, each entry with the balance after it. */
export async function listPoolLedger(db: Db, poolId: number, filter: LedgerListFilter) {
  const where = filter.kind ? and(eq(ledgerEntries.poolId, poolId), eq(ledgerEntries.kind, filter.kind)) : eq(ledgerEntries.poolId, poolId);
  const rows = await db
    .select({
      id: ledgerEntries.id,
      at: ledgerEntries.at,
      kind: ledgerEntries.kind,
      amount: ledgerEntries.amount,
      balanceAfter: ledgerEntries.balanceAfter,
      holdId: ledgerEntries.holdId,
      gestureId: ledgerEntries.gestureId,
      memo: ledgerEntries.memo,
      actorName: users.name,
    })
    .from(ledgerEntries)
    .leftJoin(users, eq(users.id, ledgerEntries.actorId))
    .where(where)
    .orderBy(desc(ledgerEntries.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  const total = (await firstRow(db.select({ n: count() }).from(ledgerEntries).where(where).limit(1)))?.n ?? 0;
  return { rows, total };
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the writers

export function assertIdempotencyKey(key: string): void {
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new DomainError("VALIDATION", "This form is missing its request key. Reload the page and try again.");
  }
}

function assertAmount(amount: number, what: string, options: { allowNegative?: boolean } = {}): asserts amount is Money {
  if (!Number.isSafeInteger(amount)) throw new DomainError("VALIDATION", `${what} must be a whole number of cents.`, { field: "amount" });
  if (amount === 0) throw new DomainError("VALIDATION", `${what} cannot be zero.`, { field: "amount" });
  if (amount < 0 && !options.allowNegative) throw new DomainError("VALIDATION", `${what} cannot be negative.`, { field: "amount" });
  if (Math.abs(amount) > MAX_MONEY) throw new DomainError("VALIDATION", `${what} is beyond the largest amount allowed.`, { field: "amount" });
}

export function assertFinance(actor: FinanceActor, what: string): void {
  if (!can(actor.role, "budgets:manage")) throw new DomainError("FORBIDDEN", `Only finance can ${what}.`);
}

function assertPoolOpen(pool: PoolContext, what: string): void {
  if (pool.periodStatus === "closed") {
    throw new DomainError("INVALID_STATE", `${pool.label} is closed: ${pool.branchName}'s pool takes no ${what}.`);
  }
}

type Expected = { kind: LedgerKind; poolId?: number; holdId?: number; amount?: number; gestureId?: number | null };

/** The entry written earlier under this key, if any; refuses a key reused for another request. */
async function replayOf(tx: DbOrTx, key: string, expected: Expected): Promise<LedgerEntry | null> {
  const entry = await firstRow(tx.select().from(ledgerEntries).where(eq(ledgerEntries.idempotencyKey, key)).limit(1));
  if (!entry) return null;
  const same =
    entry.kind === expected.kind &&
    (expected.poolId === undefined || entry.poolId === expected.poolId) &&
    (expected.holdId === undefined || entry.holdId === expected.holdId) &&
    (expected.amount === undefined || entry.amount === expected.amount) &&
    (expected.gestureId === undefined || entry.gestureId === expected.gestureId);
  if (!same) {
    throw new DomainError("CONFLICT", "This request was already made with a different amount or for something else, so it was refused and nothing changed. Reload the page and enter it again.");
  }
  return entry;
}

type NewEntry = {
  poolId: number;
  kind: LedgerKind;
  amount: number;
  holdId?: number | null;
  gestureId?: number | null;
  actorId: number | null;
  at: Date;
  memo?: string | null;
  idempotencyKey?: string | null;
};

/** Appends an entry with its running balance. Callers check the balance first to say why in words. */
export async function appendEntry(tx: DbOrTx, entry: NewEntry): Promise<LedgerEntry> {
  const last = await lastEntryOf(tx, entry.poolId);
  const balanceAfter = last.balanceAfter + entry.amount;
  if (balanceAfter < 0) throw new DomainError("INSUFFICIENT_FUNDS", "The pool cannot cover this amount.");
  return await returnedRow(
    tx
      .insert(ledgerEntries)
      .values({
        poolId: entry.poolId,
        kind: entry.kind,
        amount: entry.amount,
        balanceAfter,
        poolSeq: last.poolSeq + 1,
        holdId: entry.holdId ?? null,
        gestureId: entry.gestureId ?? null,
        actorId: entry.actorId,
        at: entry.at,
        memo: entry.memo ?? null,
        idempotencyKey: entry.idempotencyKey ?? null,
      })
      .returning(),
  );
}

async function money(db: DbOrTx, amount: number): Promise<string> {
  return formatMoney(amount, (await getOrganisation(db)).currency);
}

function cleanText(text: string | null | undefined, max: number): string | null {
  const trimmed = text?.trim().replace(/\s+/g, " ") ?? "";
  return trimmed === "" ? null : trimmed.slice(0, max);
}

// ---------------------------------------------------------------------------------------------
// Allocate and adjust (finance)

export type EntryResult = { entryId: number; available: number; replayed: boolean };

export type AllocateInput = { poolId: number; amount: number; memo?: string | null; idempotencyKey: string; now: Date };

export async function allocate(db: DbOrTx, actor: FinanceActor, input: AllocateInput): Promise<EntryResult> {
  assertFinance(actor, "allocate budgets");
  assertIdempotencyKey(input.idempotencyKey);
  assertAmount(input.amount, "An allocation");
  return await writeTransaction(db, async (tx) => {
    const replay = await replayOf(tx, input.idempotencyKey, { kind: "allocation", poolId: input.poolId, amount: input.amount });
    if (replay) return { entryId: replay.id, available: await availableOf(tx, input.poolId), replayed: true };
    const pool = await getPool(tx, input.poolId);
    assertPoolOpen(pool, "new allocations");
    if ((await availableOf(tx, pool.id)) + input.amount > Number.MAX_SAFE_INTEGER / 2) {
      throw new DomainError("VALIDATION", "That would make the pool larger than the ledger can hold.", { field: "amount" });
    }
    const entry = await appendEntry(tx, {
      poolId: pool.id,
      kind: "allocation",
      amount: input.amount,
      actorId: actor.id,
      at: input.now,
      memo: cleanText(input.memo, MEMO_MAX),
      idempotencyKey: input.idempotencyKey,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "budget.allocated",
      entity: "budget_pool",
      entityId: pool.id,
      detail: { entryId: entry.id, amount: entry.amount, balanceAfter: entry.balanceAfter },
      at: input.now,
    });
    return { entryId: entry.id, available: entry.balanceAfter, replayed: false };
  });
}

export type AdjustInput = {
  poolId: number;
  amount: number;
  reason: string;
  idempotencyKey: string;
  now: Date;
  /** The branch policy's budget alert thresholds: a cut can take the pool's use past one. */
  alertThresholds?: readonly BudgetAlertThreshold[];
};

/** A correction or top-up: positive or negative, always with a reason. It cannot take more than is available. */
export async function adjust(db: DbOrTx, actor: FinanceActor, input: AdjustInput): Promise<EntryResult> {
  assertFinance(actor, "adjust budgets");
  assertIdempotencyKey(input.idempotencyKey);
  assertAmount(input.amount, "An adjustment", { allowNegative: true });
  const reason = cleanText(input.reason, REASON_MAX + 1);
  if (!reason) throw new DomainError("VALIDATION", "Give the reason for this adjustment.", { field: "reason" });
  if (reason.length > REASON_MAX) throw new DomainError("VALIDATION", `Keep the reason under ${REASON_MAX} characters.`, { field: "reason" });
  return await writeTransaction(db, async (tx) => {
    const replay = await replayOf(tx, input.idempotencyKey, { kind: "adjustment", poolId: input.poolId, amount: input.amount });
    if (replay) return { entryId: replay.id, available: await availableOf(tx, input.poolId), replayed: true };
    const pool = await getPool(tx, input.poolId);
    assertPoolOpen(pool, "adjustments");
    const available = await availableOf(tx, pool.id);
    if (available + input.amount < 0) {
      throw new DomainError(
        "INSUFFICIENT_FUNDS",
        `${pool.branchName} has ${await money(tx, available)} available in ${pool.label}; an adjustment of ${await money(tx, input.amount)} would take it below zero. Nothing was changed.`,
        { field: "amount" },
      );
    }
    const entry = await appendEntry(tx, {
      poolId: pool.id,
      kind: "adjustment",
      amount: input.amount,
      actorId: actor.id,
      at: input.now,
      memo: reason,
      idempotencyKey: input.idempotencyKey,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "budget.adjusted",
      entity: "budget_pool",
      entityId: pool.id,
      detail: { entryId: entry.id, amount: entry.amount, balanceAfter: entry.balanceAfter },
      at: input.now,
    });
    if (input.alertThresholds) await raiseBudgetAlerts(tx, pool.id, input.alertThresholds, input.now);
    if (input.alertThresholds) await raiseBudgetAlerts(tx, pool.id, input.alertThresholds, input.now);
    return { entryId: entry.id, available: entry.balanceAfter, replayed: false };
  });
}

// ---------------------------------------------------------------------------------------------
// Holds (the gesture workflow)

export type PlaceHoldInput = {
  poolId: number;
  /** The gesture the money is set aside for (no foreign key until the gestures table exists). */
  gestureId?: number | null;
  amount: number;
  memo?: string | null;
  idempotencyKey: string;
  now: Date;
};
export type HoldResult = { holdId: number; entryId: number; available: number; replayed: boolean };

/** Sets money aside for a gesture. Refused, changing nothing, when the pool's available balance cannot cover it or its period is closed. */
export async function placeHold(db: DbOrTx, actor: LedgerActor, input: PlaceHoldInput): Promise<HoldResult> {
  assertIdempotencyKey(input.idempotencyKey);
  assertAmount(input.amount, "A hold");
  return await writeTransaction(db, async (tx) => {
    const replay = await replayOf(tx, input.idempotencyKey, {
      kind: "hold",
      poolId: input.poolId,
      amount: -input.amount,
      gestureId: input.gestureId ?? null,
    });
    if (replay) return { holdId: replay.holdId!, entryId: replay.id, available: await availableOf(tx, input.poolId), replayed: true };
    const pool = await getPool(tx, input.poolId);
    assertPoolOpen(pool, "new holds");
    const result = await insertHold(tx, actor, pool, {
      amount: input.amount,
      gestureId: input.gestureId ?? null,
      memo: cleanText(input.memo, MEMO_MAX),
      idempotencyKey: input.idempotencyKey,
      now: input.now,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "budget.hold_placed",
      entity: "hold",
      entityId: result.holdId,
      detail: { poolId: pool.id, gestureId: input.gestureId ?? null, amount: input.amount, balanceAfter: result.available },
      at: input.now,
    });
    return { ...result, replayed: false };
  });
}

/** The hold row and its entry, after checking the pool can cover it. Used by placeHold and by period close. */
export async function insertHold(
  tx: DbOrTx,
  actor: LedgerActor,
  pool: PoolContext,
  hold: { amount: number; gestureId: number | null; memo: string | null; idempotencyKey: string | null; now: Date },
): Promise<{ holdId: number; entryId: number; available: number }> {
  const available = await availableOf(tx, pool.id);
  if (hold.amount > available) {
    throw new DomainError(
      "INSUFFICIENT_FUNDS",
      `${pool.branchName}'s budget for ${pool.label} has ${await money(tx, available)} available, which cannot cover ${await money(tx, hold.amount)}. Nothing was set aside.`,
      { field: "amount" },
    );
  }
  const row = await returnedRow(tx.insert(holds).values({ poolId: pool.id, gestureId: hold.gestureId, amount: hold.amount, memo: hold.memo, createdAt: hold.now }).returning({ id: holds.id }));
  const entry = await appendEntry(tx, {
    poolId: pool.id,
    kind: "hold",
    amount: -hold.amount,
    holdId: row.id,
    gestureId: hold.gestureId,
    actorId: actor.id,
    at: hold.now,
    memo: hold.memo,
    idempotencyKey: hold.idempotencyKey,
  });
  return { holdId: row.id, entryId: entry.id, available: entry.balanceAfter };
}

async function getOpenHold(tx: DbOrTx, holdId: number) {
  const hold = await firstRow(tx.select().from(holds).where(eq(holds.id, holdId)).limit(1));
  if (!hold) throw new DomainError("NOT_FOUND", "This hold does not exist.");
  if (hold.status !== "open") {
    throw new DomainError("INVALID_STATE", `This hold was already ${hold.status}; a hold resolves only once.`);
  }
  return hold;
}

/** Marks an open hold resolved. The WHERE on status makes a second resolution change nothing (and the trigger refuses it). */
export async function resolveHold(tx: DbOrTx, holdId: number, status: "released" | "captured" | "carried", now: Date, carriedToHoldId: number | null = null) {
  const result = await tx
    .update(holds)
    .set({ status, resolvedAt: now, carriedToHoldId })
    .where(and(eq(holds.id, holdId), eq(holds.status, "open")));
  if (result.changes !== 1) throw new DomainError("INVALID_STATE", "This hold was already resolved; a hold resolves only once.");
}

export type ReleaseHoldInput = { holdId: number; memo?: string | null; idempotencyKey: string; now: Date };
export type ReleaseResult = { entryId: number; released: number; available: number; replayed: boolean };

/** Gives a hold's whole amount back to its pool (rejection, cancellation, expiry). */
export async function releaseHold(db: DbOrTx, actor: LedgerActor, input: ReleaseHoldInput): Promise<ReleaseResult> {
  assertIdempotencyKey(input.idempotencyKey);
  return await writeTransaction(db, async (tx) => {
    const replay = await replayOf(tx, input.idempotencyKey, { kind: "release", holdId: input.holdId });
    if (replay) return { entryId: replay.id, released: replay.amount, available: await availableOf(tx, replay.poolId), replayed: true };
    const hold = await getOpenHold(tx, input.holdId);
    const entry = await appendEntry(tx, {
      poolId: hold.poolId,
      kind: "release",
      amount: hold.amount,
      holdId: hold.id,
      gestureId: hold.gestureId,
      actorId: actor.id,
      at: input.now,
      memo: cleanText(input.memo, MEMO_MAX),
      idempotencyKey: input.idempotencyKey,
    });
    await resolveHold(tx, hold.id, "released", input.now);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "budget.hold_released",
      entity: "hold",
      entityId: hold.id,
      detail: { poolId: hold.poolId, gestureId: hold.gestureId, amount: hold.amount, balanceAfter: entry.balanceAfter },
      at: input.now,
    });
    return { entryId: entry.id, released: hold.amount, available: entry.balanceAfter, replayed: false };
  });
}

export type CaptureHoldInput = { holdId: number; actualAmount: number; memo?: string | null; idempotencyKey: string; now: Date };
export type CaptureResult = {
  entryId: number;
  captured: number;
  /** What went back to the pool: the hold minus the actual amount, or 0 when the actual was higher. */
  remainderReleased: number;
  available: number;
  replayed: boolean;
};

/**
 * Records what a gesture actually cost: the hold is released in full and the actual amount
 * captured, so any remainder returns to the pool. An actual above the hold must fit in what the
 * pool has available (the variance policy itself is the workflow's).
 */
export async function captureHold(db: DbOrTx, actor: LedgerActor, input: CaptureHoldInput): Promise<CaptureResult> {
  assertIdempotencyKey(input.idempotencyKey);
  assertAmount(input.actualAmount, "The actual amount");
  return await writeTransaction(db, async (tx) => {
    const replay = await replayOf(tx, input.idempotencyKey, { kind: "capture", holdId: input.holdId, amount: -input.actualAmount });
    if (replay) {
      const hold = (await firstRow(tx.select({ amount: holds.amount }).from(holds).where(eq(holds.id, input.holdId)).limit(1)))!;
      return {
        entryId: replay.id,
        captured: input.actualAmount,
        remainderReleased: Math.max(0, hold.amount - input.actualAmount),
        available: await availableOf(tx, replay.poolId),
        replayed: true,
      };
    }
    const hold = await getOpenHold(tx, input.holdId);
    const pool = await getPool(tx, hold.poolId);
    const available = await availableOf(tx, pool.id);
    if (available + hold.amount - input.actualAmount < 0) {
      throw new DomainError(
        "INSUFFICIENT_FUNDS",
        `The actual amount ${await money(tx, input.actualAmount)} is more than the ${await money(tx, hold.amount)} held plus the ${await money(tx, available)} available in ${
          pool.branchName
        }'s budget for ${pool.label}. Nothing was recorded.`,
        { field: "actualAmount" },
      );
    }
    const memo = cleanText(input.memo, MEMO_MAX) ?? hold.memo;
    await appendEntry(tx, {
      poolId: pool.id,
      kind: "release",
      amount: hold.amount,
      holdId: hold.id,
      gestureId: hold.gestureId,
      actorId: actor.id,
      at: input.now,
      memo: `Hold released at capture`,
    });
    const entry = await appendEntry(tx, {
      poolId: pool.id,
      kind: "capture",
      amount: -input.actualAmount,
      holdId: hold.id,
      gestureId: hold.gestureId,
      actorId: actor.id,
      at: input.now,
      memo,
      idempotencyKey: input.idempotencyKey,
    });
    await resolveHold(tx, hold.id, "captured", input.now);
    const remainderReleased = Math.max(0, hold.amount - input.actualAmount);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "budget.hold_captured",
      entity: "hold",
      entityId: hold.id,
      detail: { poolId: pool.id, gestureId: hold.gestureId, held: hold.amount, captured: input.actualAmount, remainderReleased, balanceAfter: entry.balanceAfter },
      at: input.now,
    });
    return { entryId: entry.id, captured: input.actualAmount, remainderReleased, available: entry.balanceAfter, replayed: false };
  });
}
