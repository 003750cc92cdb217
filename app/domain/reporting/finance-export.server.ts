// Finance's CSV exports of gestures and ledger entries for a period (issue 7). The columns are a
// published contract (README, "Exports"): add new columns at the end, never rename or reorder.
// Rows come one keyset page at a time, in (time, id) order on an index bounded to the period, so a
// million rows stream with flat memory and a late page costs what the first does.
//
// Never exported: a customer's name or notes, the card message, the justification, the outcome
// note, decision comments. Customers appear by their CRM reference.
import { sql, type SQL } from "drizzle-orm";
import type { CsvColumn } from "../core/csv-export.server";
import { moneyInputText } from "../core/money";
import type { ReportRange, ReportScope } from "./report-filter.server";
import type { DbOrTx } from "~/utils/db.server";
import { indexedBy } from "~/utils/dialect.server";
import { queryRows } from "~/utils/query.server";

export type ExportKey = { at: number; id: number };

function scopeCondition(scope: ReportScope, branchColumn: SQL): SQL {
  if (scope.branchId !== null) return sql`${branchColumn} = ${scope.branchId}`;
  if (scope.region !== null) return sql`${branchColumn} in (select id from branches where region = ${scope.region})`;
  return sql`1 = 1`;
}

const afterCondition = (after: ExportKey | null, atColumn: SQL, idColumn: SQL) => (after ? sql`(${atColumn}, ${idColumn}) > (${after.at}, ${after.id})` : sql`1 = 1`);

export type GestureExportRow = {
  id: number;
  submittedAt: number;
  status: string;
  branchCode: string;
  branchName: string;
  region: string;
  customerRef: string;
  proposerId: number;
  proposerName: string;
  occasion: string;
  typeCode: string;
  typeName: string;
  deliveryMethod: string;
  requestedAmount: number;
  approvedAmount: number | null;
  actualAmount: number | null;
  vendor: string | null;
  fulfilledOn: string | null;
  outcome: string | null;
  approvedAt: number | null;
  decidedAt: number | null;
};

/**
 * The names an export writes beside ids (branches, users, gesture types, pools with their branch and
 * period), read once per export instead of joined on every row: the joins were most of an export's
 * time (issue 19). Branches and types are read whole (hundreds of rows); users and pools as the
 * pages name them.
 */
async function exportNames(db: DbOrTx) {
  const branches = new Map((await queryRows<{ id: number; code: string; name: string; region: string }>(db, sql`select id, code, name, region from branches`)).map((b) => [b.id, b]));
  const types = new Map((await queryRows<{ id: number; code: string; name: string }>(db, sql`select id, code, name from gesture_types`)).map((t) => [t.id, t]));
  const users = new Map<number, string>();
  const pools = new Map<number, { branchId: number; periodStartsOn: string }>();
  const missing = (ids: Iterable<number | null>, known: Map<number, unknown>) => [...new Set([...ids].filter((id): id is number => id !== null && !known.has(id)))];
  const inList = (ids: number[]) =>
    sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
  return {
    branches,
    types,
    users,
    pools,
    /** Reads the names of the users in `ids` not read yet, 500 at a time. */
    async loadUsers(ids: Iterable<number | null>) {
      const wanted = missing(ids, users);
      for (let i = 0; i < wanted.length; i += 500) {
        for (const u of await queryRows<{ id: number; name: string }>(db, sql`select id, name from users where id in (${inList(wanted.slice(i, i + 500))})`)) users.set(u.id, u.name);
      }
    },
    async loadPools(ids: Iterable<number | null>) {
      const wanted = missing(ids, pools);
      for (let i = 0; i < wanted.length; i += 500) {
        const rows = await queryRows<{ id: number; branchId: number; periodStartsOn: string }>(
          db,
          sql`
          select p.id as id, p.branch_id as "branchId", pe.starts_on as "periodStartsOn" from budget_pools p join budget_periods pe on pe.id = p.period_id
          where p.id in (${inList(wanted.slice(i, i + 500))})`,
        );
        for (const p of rows) pools.set(p.id, { branchId: p.branchId, periodStartsOn: p.periodStartsOn });
      }
    },
  };
}

type GestureExportBase = Omit<GestureExportRow, "branchCode" | "branchName" | "region" | "proposerName" | "typeCode" | "typeName"> & { branchId: number; typeId: number };

/**
 * Gestures submitted in the period (drafts are never submitted, so never exported), oldest first:
 * a reader of one export, which reads the names it writes once and then one page at a time.
 */
export async function gestureExportReader(db: DbOrTx, input: { scope: ReportScope; range: ReportRange }) {
  const { scope, range } = input;
  const names = await exportNames(db);
  return async (after: ExportKey | null, limit: number): Promise<GestureExportRow[]> => {
    const rows = await queryRows<GestureExportBase>(
      db,
      sql`
      select g.id as id, g.submitted_at as "submittedAt", g.status as status, g.branch_id as "branchId", c.crm_ref as "customerRef",
        g.proposer_id as "proposerId", g.occasion as occasion, g.type_id as "typeId", g.delivery_method as "deliveryMethod",
        g.requested_amount as "requestedAmount", g.approved_amount as "approvedAmount", g.actual_amount as "actualAmount",
        g.vendor as vendor, g.fulfilled_on as "fulfilledOn", g.outcome as outcome, g.approved_at as "approvedAt", g.decided_at as "decidedAt"
      from gestures g ${indexedBy("gestures_submitted_idx")}
      join customers c on c.id = g.customer_id
      where g.submitted_at >= ${range.from.getTime()} and g.submitted_at < ${range.until.getTime()}
        and ${afterCondition(after, sql`g.submitted_at`, sql`g.id`)}
        and ${scopeCondition(scope, sql`g.branch_id`)}
      order by g.submitted_at, g.id
      limit ${limit}`,
    );
    await names.loadUsers(rows.map((r) => r.proposerId));
    return rows.map(({ branchId, typeId, ...g }) => {
      const branch = names.branches.get(branchId)!;
      const type = names.types.get(typeId)!;
      return {
        id: g.id,
        submittedAt: g.submittedAt,
        status: g.status,
        branchCode: branch.code,
        branchName: branch.name,
        region: branch.region,
        customerRef: g.customerRef,
        proposerId: g.proposerId,
        proposerName: names.users.get(g.proposerId)!,
        occasion: g.occasion,
        typeCode: type.code,
        typeName: type.name,
        deliveryMethod: g.deliveryMethod,
        requestedAmount: g.requestedAmount,
        approvedAmount: g.approvedAmount,
        actualAmount: g.actualAmount,
        vendor: g.vendor,
        fulfilledOn: g.fulfilledOn,
        outcome: g.outcome,
        approvedAt: g.approvedAt,
        decidedAt: g.decidedAt,
      };
    });
  };
}

/** One page of the gestures export (a reader for a single page). */
export async function gestureExportPage(db: DbOrTx, input: { scope: ReportScope; range: ReportRange; after: ExportKey | null; limit: number }): Promise<GestureExportRow[]> {
  return (await gestureExportReader(db, input))(input.after, input.limit);
}

export type LedgerExportRow = {
  id: number;
  at: number;
  kind: string;
  branchCode: string;
  branchName: string;
  region: string;
  periodStartsOn: string;
  poolId: number;
  amount: number;
  balanceAfter: number;
  holdId: number | null;
  gestureId: number | null;
  actorId: number | null;
  actorName: string | null;
  memo: string | null;
};

type LedgerExportBase = Omit<LedgerExportRow, "branchCode" | "branchName" | "region" | "periodStartsOn" | "actorName">;

/** Ledger entries written in the period, oldest first: a reader of one export, as for gestures. */
export async function ledgerExportReader(db: DbOrTx, input: { scope: ReportScope; range: ReportRange }) {
  const { scope, range } = input;
  const names = await exportNames(db);
  return async (after: ExportKey | null, limit: number): Promise<LedgerExportRow[]> => {
    const rows = await queryRows<LedgerExportBase>(
      db,
      sql`
      select e.id as id, e.at as at, e.kind as kind, e.pool_id as "poolId", e.amount as amount, e.balance_after as "balanceAfter",
        e.hold_id as "holdId", e.gesture_id as "gestureId", e.actor_id as "actorId", e.memo as memo
      from ledger_entries e ${indexedBy("ledger_entries_at_idx")}
      where e.at >= ${range.from.getTime()} and e.at < ${range.until.getTime()}
        and ${afterCondition(after, sql`e.at`, sql`e.id`)}
        and ${scope.branchId === null && scope.region === null ? sql`1 = 1` : sql`e.pool_id in (select id from budget_pools where ${scopeCondition(scope, sql`branch_id`)})`}
      order by e.at, e.id
      limit ${limit}`,
    );
    await names.loadPools(rows.map((r) => r.poolId));
    await names.loadUsers(rows.map((r) => r.actorId));
    return rows.map((e) => {
      const pool = names.pools.get(e.poolId)!;
      const branch = names.branches.get(pool.branchId)!;
      return {
        id: e.id,
        at: e.at,
        kind: e.kind,
        branchCode: branch.code,
        branchName: branch.name,
        region: branch.region,
        periodStartsOn: pool.periodStartsOn,
        poolId: e.poolId,
        amount: e.amount,
        balanceAfter: e.balanceAfter,
        holdId: e.holdId,
        gestureId: e.gestureId,
        actorId: e.actorId,
        actorName: e.actorId === null ? null : names.users.get(e.actorId) ?? null,
        memo: e.memo,
      };
    });
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** Amounts twice: integer minor units, and decimal major units ("-40.00"), which spreadsheets read as numbers. */
const amount = (minor: number | null) => (minor === null ? null : moneyInputText(minor));

export function gestureExportColumns(currency: string): CsvColumn<GestureExportRow>[] {
  return [
    { header: "gesture_id", value: (g) => g.id },
    { header: "submitted_at", value: (g) => iso(g.submittedAt) },
    { header: "status", value: (g) => g.status },
    { header: "branch_code", value: (g) => g.branchCode },
    { header: "branch_name", value: (g) => g.branchName },
    { header: "region", value: (g) => g.region },
    { header: "customer_ref", value: (g) => g.customerRef },
    { header: "proposer_id", value: (g) => g.proposerId },
    { header: "proposer_name", value: (g) => g.proposerName },
    { header: "occasion", value: (g) => g.occasion },
    { header: "type_code", value: (g) => g.typeCode },
    { header: "type_name", value: (g) => g.typeName },
    { header: "delivery_method", value: (g) => g.deliveryMethod },
    { header: "currency", value: () => currency },
    { header: "requested_minor", value: (g) => g.requestedAmount },
    { header: "requested", value: (g) => amount(g.requestedAmount) },
    { header: "approved_minor", value: (g) => g.approvedAmount },
    { header: "approved", value: (g) => amount(g.approvedAmount) },
    { header: "actual_minor", value: (g) => g.actualAmount },
    { header: "actual", value: (g) => amount(g.actualAmount) },
    { header: "vendor", value: (g) => g.vendor },
    { header: "fulfilled_on", value: (g) => g.fulfilledOn },
    { header: "outcome", value: (g) => g.outcome },
    { header: "approved_at", value: (g) => iso(g.approvedAt) },
    { header: "decided_at", value: (g) => iso(g.decidedAt) },
  ];
}

export function ledgerExportColumns(currency: string): CsvColumn<LedgerExportRow>[] {
  return [
    { header: "entry_id", value: (e) => e.id },
    { header: "at", value: (e) => iso(e.at) },
    { header: "kind", value: (e) => e.kind },
    { header: "branch_code", value: (e) => e.branchCode },
    { header: "branch_name", value: (e) => e.branchName },
    { header: "region", value: (e) => e.region },
    { header: "period_starts_on", value: (e) => e.periodStartsOn },
    { header: "pool_id", value: (e) => e.poolId },
    { header: "currency", value: () => currency },
    { header: "amount_minor", value: (e) => e.amount },
    { header: "amount", value: (e) => amount(e.amount) },
    { header: "balance_after_minor", value: (e) => e.balanceAfter },
    { header: "balance_after", value: (e) => amount(e.balanceAfter) },
    { header: "hold_id", value: (e) => e.holdId },
    { header: "gesture_id", value: (e) => e.gestureId },
    { header: "actor_id", value: (e) => e.actorId },
    { header: "actor_name", value: (e) => e.actorName },
    { header: "memo", value: (e) => e.memo },
  ];
}
