// Whole-database checks that an operator (backup, restore) and the reliability tests run: SQLite's
// own integrity and foreign keys, the ledger's invariants, the kept report summaries against a
// recomputation (summaries.server.ts), the receipts' bytes against their recorded size and SHA-256,
// and the audit chain. Every check but the receipts' hashes is a set-based query, so it stays fast
// on a large database, and reports at most a few examples.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { isPostgres, sqliteOf, type Db } from "~/utils/database.server";
import { queryRow, queryRows } from "~/utils/query.server";
import { verifyAuditChain, type ChainVerification } from "../core/audit.server";
import { checkSummaries, describeSummaries, type SummaryProblem } from "./summaries.server";

const EXAMPLES = 5;

export type IntegrityReport = {
  ok: boolean;
  integrity: string;
  foreignKeyViolations: number;
  /** Each broken ledger rule with a few example ids. */
  ledgerProblems: { rule: string; examples: number[] }[];
  audit: ChainVerification;
  /** Kept report summaries that differ from a recomputation from the raw rows. */
  summaries: SummaryProblem[];
  /** Receipts (by id) without their bytes, or whose bytes differ from the size and hash recorded at upload. */
  receiptProblems: { rule: string; examples: number[] }[];
  counts: { pools: number; ledgerEntries: number; holds: number; auditEvents: number; receipts: number };
};

/** The ledger's invariants as queries that return the ids breaking them. */
const LEDGER_RULES: { rule: string; sql: string }[] = [
  {
    rule: "a pool's last running balance equals the sum of its entries",
    sql: `select p.pool_id as id from (
            select pool_id, sum(amount) as total, max(id) as last_id from ledger_entries group by pool_id
          ) p join ledger_entries e on e.id = p.last_id where e.balance_after <> p.total limit ${EXAMPLES}`,
  },
  {
    rule: "a pool's entries are numbered 1, 2, 3… in the order they were written (pool_seq)",
    sql: `select id from (
            select id, pool_seq, row_number() over (partition by pool_id order by id) as n from ledger_entries
          ) as numbered where pool_seq <> n limit ${EXAMPLES}`,
  },
  {
    rule: "a pool's kept totals (pool_totals) equal the sums of its entries",
    sql: `select coalesce(e.pool_id, t.pool_id) as id from (
            select pool_id, sum(case when kind = 'allocation' then amount else 0 end) as allocated,
              sum(case when kind = 'adjustment' then amount else 0 end) as adjustments,
              -sum(case when kind in ('hold', 'release') then amount else 0 end) as committed,
              -sum(case when kind = 'capture' then amount else 0 end) as spent, sum(amount) as available
            from ledger_entries group by pool_id
          ) e full outer join pool_totals t on t.pool_id = e.pool_id
          where e.pool_id is null or t.pool_id is null or t.allocated <> e.allocated or t.adjustments <> e.adjustments
            or t.committed <> e.committed or t.spent <> e.spent or t.available <> e.available limit ${EXAMPLES}`,
  },
  {
    rule: "a pool's kept spend by occasion and type (pool_spend_by_type) equals the sums of its entries",
    sql: `select coalesce(e.pool_id, t.pool_id) as id from (
            select le.pool_id, coalesce(g.occasion, '') as occasion, coalesce(g.type_id, 0) as type_id,
              -sum(case when le.kind in ('hold', 'release') then le.amount else 0 end) as committed,
              -sum(case when le.kind = 'capture' then le.amount else 0 end) as spent,
              count(case when le.kind = 'hold' then 1 end) as gestures
            from ledger_entries le left join gestures g on g.id = le.gesture_id
            where le.kind in ('hold', 'release', 'capture') group by 1, 2, 3
          ) e full outer join pool_spend_by_type t on t.pool_id = e.pool_id and t.occasion = e.occasion and t.type_id = e.type_id
          where e.pool_id is null or t.pool_id is null or t.committed <> e.committed or t.spent <> e.spent or t.gestures <> e.gestures
          limit ${EXAMPLES}`,
  },
  {
    rule: "every hold has exactly one hold entry for its amount",
    sql: `select h.id from holds h left join ledger_entries e on e.hold_id = h.id and e.kind = 'hold'
          group by h.id having count(e.id) <> 1 or coalesce(sum(e.amount), 0) <> -h.amount limit ${EXAMPLES}`,
  },
  {
    rule: "an open hold has neither a release nor a capture",
    sql: `select h.id from holds h where h.status = 'open' and exists (
            select 1 from ledger_entries e where e.hold_id = h.id and e.kind in ('release', 'capture')) limit ${EXAMPLES}`,
  },
  {
    rule: "a released or carried hold was released in full once and never captured",
    sql: `select h.id from holds h where h.status in ('released', 'carried') and (
            (select count(*) from ledger_entries e where e.hold_id = h.id and e.kind = 'release' and e.amount = h.amount) <> 1
            or exists (select 1 from ledger_entries e where e.hold_id = h.id and e.kind = 'capture')) limit ${EXAMPLES}`,
  },
  {
    rule: "a captured hold has one full release and one capture",
    sql: `select h.id from holds h where h.status = 'captured' and (
            (select count(*) from ledger_entries e where e.hold_id = h.id and e.kind = 'release' and e.amount = h.amount) <> 1
            or (select count(*) from ledger_entries e where e.hold_id = h.id and e.kind = 'capture') <> 1) limit ${EXAMPLES}`,
  },
  {
    rule: "a carried hold continues as a hold of the same amount",
    sql: `select h.id from holds h left join holds n on n.id = h.carried_to_hold_id
          where h.status = 'carried' and (n.id is null or n.amount <> h.amount) limit ${EXAMPLES}`,
  },
];

/** The ledger's rules alone (no integrity_check, no audit walk): quick enough after a benchmark on a large file. */
export async function checkLedger(db: Db): Promise<IntegrityReport["ledgerProblems"]> {
  const problems: IntegrityReport["ledgerProblems"] = [];
  for (const { rule, sql: query } of LEDGER_RULES) {
    const examples = (await queryRows<{ id: number }>(db, sql.raw(query))).map((row) => row.id);
    if (examples.length > 0) problems.push({ rule, examples });
  }
  return problems;
}

const RECEIPTS_PER_READ = 50;

/**
 * Every receipt has its bytes (receipt_contents), of the size and SHA-256 recorded when it was
 * uploaded: a file changed or lost after the fact shows here. Reads the receipts a few at a time.
 */
export async function checkReceipts(db: Db): Promise<IntegrityReport["receiptProblems"]> {
  const missing = (
    await queryRows<{ id: number }>(db, sql.raw(`select r.id from gesture_receipts r left join receipt_contents c on c.receipt_id = r.id where c.receipt_id is null limit ${EXAMPLES}`))
  ).map((r) => r.id);
  const altered: number[] = [];
  for (let after = 0; altered.length < EXAMPLES; ) {
    const rows = await queryRows<{ id: number; size: number; sha256: string; content: Uint8Array }>(
      db,
      sql`select r.id, r.size, r.sha256, c.content from gesture_receipts r join receipt_contents c on c.receipt_id = r.id
          where r.id > ${after} order by r.id limit ${RECEIPTS_PER_READ}`,
    );
    for (const row of rows) {
      const bytes = Buffer.from(row.content);
      if (altered.length < EXAMPLES && (bytes.byteLength !== row.size || createHash("sha256").update(bytes).digest("hex") !== row.sha256)) altered.push(row.id);
    }
    if (rows.length < RECEIPTS_PER_READ) break;
    after = rows[rows.length - 1]!.id;
  }
  return [
    ...(missing.length > 0 ? [{ rule: "every receipt has its file", examples: missing }] : []),
    ...(altered.length > 0 ? [{ rule: "a receipt's file has the size and SHA-256 recorded at upload", examples: altered }] : []),
  ];
}

/**
 * The engine's own check of its pages and foreign keys. SQLite: integrity_check and
 * foreign_key_check. PostgreSQL enforces foreign keys on every write and checksums its pages
 * itself (its page check, amcheck, is an extension a managed service may not offer): nothing to ask.
 */
function engineIntegrity(db: Db): { integrity: string; foreignKeyViolations: number } {
  if (isPostgres(db)) return { integrity: "ok", foreignKeyViolations: 0 };
  const sqlite = sqliteOf(db);
  return {
    integrity: String(sqlite.pragma("integrity_check", { simple: true })),
    foreignKeyViolations: (sqlite.pragma("foreign_key_check") as unknown[]).length,
  };
}

/** Runs every check; `ok` is true only when all pass. */
export async function checkDatabase(db: Db): Promise<IntegrityReport> {
  const { integrity, foreignKeyViolations } = engineIntegrity(db);
  const ledgerProblems = await checkLedger(db);
  const audit = await verifyAuditChain(db);
  const summaries = await checkSummaries(db);
  const receiptProblems = await checkReceipts(db);
  const count = async (table: string) => (await queryRow<{ n: number }>(db, sql.raw(`select count(*) as n from ${table}`)))!.n;
  return {
    ok: integrity === "ok" && foreignKeyViolations === 0 && ledgerProblems.length === 0 && audit.ok && summaries.length === 0 && receiptProblems.length === 0,
    integrity,
    foreignKeyViolations,
    ledgerProblems,
    audit,
    summaries,
    receiptProblems,
    counts: {
      pools: await count("budget_pools"),
      ledgerEntries: await count("ledger_entries"),
      holds: await count("holds"),
      auditEvents: await count("audit_events"),
      receipts: await count("gesture_receipts"),
    },
  };
}

/** The report in a few plain lines, for the scripts. */
export function describeReport(report: IntegrityReport): string {
  const lines = [
    `integrity_check: ${report.integrity}`,
    `foreign keys: ${report.foreignKeyViolations === 0 ? "ok" : `${report.foreignKeyViolations} violation(s)`}`,
    `ledger: ${report.ledgerProblems.length === 0 ? `ok (${report.counts.ledgerEntries} entries, ${report.counts.holds} holds, ${report.counts.pools} pools)` : "BROKEN"}`,
    ...report.ledgerProblems.map((p) => `  - ${p.rule}: broken for id(s) ${p.examples.join(", ")}`),
    describeSummaries(report.summaries),
    `receipts: ${report.receiptProblems.length === 0 ? `ok (${report.counts.receipts}, each of its recorded size and SHA-256)` : "BROKEN"}`,
    ...report.receiptProblems.map((p) => `  - ${p.rule}: broken for receipt id(s) ${p.examples.join(", ")}`),
    `audit chain: ${report.audit.ok ? `ok (${report.audit.checked} events)` : `BROKEN at event ${report.audit.brokenAt}: ${report.audit.reason}`}`,
  ];
  return lines.join("\n");
}
