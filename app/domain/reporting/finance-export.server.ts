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

export type ExportKey = { at: number; id: number };

function scopeCondition(scope: ReportScope, branchColumn: SQL): SQL {
  if (scope.branchId !== null) return sql`${branchColumn} = ${scope.branchId}`;
  if (scope.region !== null) return sql`${branchColumn} in (select id from branches where region = ${scope.region})`;
  return sql`1`;
}

const afterCondition = (after: ExportKey | null, atColumn: SQL, idColumn: SQL) =>
  after ? sql`(${atColumn}, ${idColumn}) > (${after.at}, ${after.id})` : sql`1`;

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

/** Gestures submitted in the period (drafts are never submitted, so never exported), oldest first. */
export function gestureExportPage(db: DbOrTx, input: { scope: ReportScope; range: ReportRange; after: ExportKey | null; limit: number }): GestureExportRow[] {
  const { scope, range, after, limit } = input;
  return db.all<GestureExportRow>(sql`
    select g.id as id, g.submitted_at as submittedAt, g.status as status, b.code as branchCode, b.name as branchName,
      b.region as region, c.crm_ref as customerRef, g.proposer_id as proposerId, u.name as proposerName,
      g.occasion as occasion, t.code as typeCode, t.name as typeName, g.delivery_method as deliveryMethod,
      g.requested_amount as requestedAmount, g.approved_amount as approvedAmount, g.actual_amount as actualAmount,
      g.vendor as vendor, g.fulfilled_on as fulfilledOn, g.outcome as outcome, g.approved_at as approvedAt, g.decided_at as decidedAt
    from gestures g indexed by gestures_submitted_idx
    join branches b on b.id = g.branch_id
    join customers c on c.id = g.customer_id
    join users u on u.id = g.proposer_id
    join gesture_types t on t.id = g.type_id
    where g.submitted_at >= ${range.from.getTime()} and g.submitted_at < ${range.until.getTime()}
      and ${afterCondition(after, sql`g.submitted_at`, sql`g.id`)}
      and ${scopeCondition(scope, sql`g.branch_id`)}
    order by g.submitted_at, g.id
    limit ${limit}`);
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

/** Ledger entries written in the period, oldest first. */
export function ledgerExportPage(db: DbOrTx, input: { scope: ReportScope; range: ReportRange; after: ExportKey | null; limit: number }): LedgerExportRow[] {
  const { scope, range, after, limit } = input;
  return db.all<LedgerExportRow>(sql`
    select e.id as id, e.at as at, e.kind as kind, b.code as branchCode, b.name as branchName, b.region as region,
      pe.starts_on as periodStartsOn, e.pool_id as poolId, e.amount as amount, e.balance_after as balanceAfter,
      e.hold_id as holdId, e.gesture_id as gestureId, e.actor_id as actorId, u.name as actorName, e.memo as memo
    from ledger_entries e indexed by ledger_entries_at_idx
    join budget_pools p on p.id = e.pool_id
    join budget_periods pe on pe.id = p.period_id
    join branches b on b.id = p.branch_id
    left join users u on u.id = e.actor_id
    where e.at >= ${range.from.getTime()} and e.at < ${range.until.getTime()}
      and ${afterCondition(after, sql`e.at`, sql`e.id`)}
      and ${scopeCondition(scope, sql`p.branch_id`)}
    order by e.at, e.id
    limit ${limit}`);
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
