// The kept report summaries of issue 19: pool_outcomes (summed over pools in occasion_outcomes; its split by recipients, outcome_groups, issue 21), pool_months, signal_followups with the signals'
// follow-up flags, customer_segments and customer_tenure (triggers of migration 0018; the ledger's
// pool_totals and pool_spend_by_type are checked with the ledger's rules). Each one is recomputed here
// from the raw rows: `checkSummaries` compares the kept rows with the recomputation (db:check, the
// scale seed, the property test), and `rebuildSummaries` replaces the kept rows with it (the scale
// seed, which loads with the keep_* triggers dropped). The recomputations are the migrations'
// backfills, word for word; 180 days is FOLLOW_UP_DAYS of the return on empathy. The SQL runs on
// both engines: what they spell differently comes from rawDialect() (utils/dialect.server.ts).
import { sql } from "drizzle-orm";
import { sqliteOf, writeTransaction, type Db } from "~/utils/database.server";
import { rawDialect } from "~/utils/dialect.server";
import { execute, queryRows } from "~/utils/query.server";

const EXAMPLES = 5;

/** A signal's follow-up flags computed from the raw rows (the same expressions as the triggers), as 0 or 1. */
function signalFlags() {
  const { flag, plusDays } = rawDialect();
  const later = (kind: string) =>
    flag(`EXISTS (SELECT 1 FROM signals l WHERE l.customer_id = s.customer_id AND l.kind = '${kind}' AND l.occurred_on > s.occurred_on AND l.occurred_on <= ${plusDays("s.occurred_on", 180)})`);
  return {
    received_gesture: flag(`EXISTS (SELECT 1 FROM gestures g WHERE g.customer_id = s.customer_id AND g.occasion = s.kind AND g.status IN ('fulfilled', 'closed'))`),
    later_complaint: later("complaint"),
    later_detractor: later("survey_detractor"),
    later_promoter: later("survey_promoter"),
  };
}

/** 1 where the condition holds, else 0 (both engines; SQLite's `x IS 1` has no PostgreSQL twin). */
const countIf = (condition: string) => `CASE WHEN ${condition} THEN 1 ELSE 0 END`;

type Summary = {
  /** The kept table. */
  table: string;
  /** Its key columns and value columns. */
  keys: string[];
  values: string[];
  /** The same rows recomputed from the raw tables, as a SELECT of keys then values. */
  recompute: string;
};

export function summaries(): Summary[] {
  const { utcMonth } = rawDialect();
  const SIGNAL_FLAGS = signalFlags();
  return [
  {
    table: "pool_outcomes",
    keys: ["pool_id", "occasion", "type_id"],
    values: ["fulfilled", "spent", "recorded", "thanked", "positive_feedback", "neutral", "no_response", "negative"],
    recompute: `SELECT pool_id, occasion, type_id, count(*), coalesce(sum(actual_amount), 0), count(outcome), sum(${countIf("outcome = 'thanked'")}),
        sum(${countIf("outcome = 'positive_feedback'")}), sum(${countIf("outcome = 'neutral'")}), sum(${countIf("outcome = 'no_response'")}), sum(${countIf("outcome = 'negative'")})
      FROM gestures WHERE pool_id IS NOT NULL AND status IN ('fulfilled', 'closed') GROUP BY 1, 2, 3`,
  },
  {
    // Issue 19 (migration 0027): pool_outcomes summed over every pool, recomputed from the gestures.
    table: "occasion_outcomes",
    keys: ["occasion", "type_id"],
    values: ["fulfilled", "spent", "recorded", "positive"],
    recompute: `SELECT occasion, type_id, count(*), coalesce(sum(actual_amount), 0), count(outcome), sum(${countIf("outcome IN ('thanked', 'positive_feedback')")})
      FROM gestures WHERE pool_id IS NOT NULL AND status IN ('fulfilled', 'closed') GROUP BY 1, 2`,
  },
  {
    // Issue 21 (migration 0022): pool_outcomes's gestures by their recipient's segment and tenure band.
    table: "outcome_groups",
    keys: ["occasion", "type_id", "dimension", "group_key"],
    values: ["fulfilled", "spent", "recorded", "positive"],
    recompute: `SELECT occasion, type_id, dimension, group_key, count(*), coalesce(sum(actual_amount), 0), count(outcome), sum(${countIf("outcome IN ('thanked', 'positive_feedback')")}) FROM (
        SELECT occasion, type_id, 'segment' AS dimension, recipient_segment AS group_key, actual_amount, outcome FROM gestures
        WHERE pool_id IS NOT NULL AND status IN ('fulfilled', 'closed') AND recipient_segment IS NOT NULL
        UNION ALL
        SELECT occasion, type_id, 'tenure', recipient_tenure_band, actual_amount, outcome FROM gestures
        WHERE pool_id IS NOT NULL AND status IN ('fulfilled', 'closed') AND recipient_tenure_band IS NOT NULL
      ) AS g GROUP BY 1, 2, 3, 4`,
  },
  {
    // Recomputed from the raw rows, not from the kept flags: a wrong flag shows here too.
    table: "signal_followups",
    keys: ["branch_id", "month", "kind", "received"],
    values: ["cases", "complaint", "survey_detractor", "survey_promoter"],
    recompute: `SELECT branch_id, month, kind, received, count(*), sum(complaint), sum(detractor), sum(promoter) FROM (
        SELECT s.branch_id AS branch_id, substr(s.occurred_on, 1, 7) AS month, s.kind AS kind, ${SIGNAL_FLAGS.received_gesture} AS received,
          ${SIGNAL_FLAGS.later_complaint} AS complaint, ${SIGNAL_FLAGS.later_detractor} AS detractor, ${SIGNAL_FLAGS.later_promoter} AS promoter
        FROM signals s) AS f GROUP BY 1, 2, 3, 4`,
  },
  {
    table: "pool_months",
    keys: ["pool_id", "month"],
    values: ["committed", "spent"],
    recompute: `SELECT pool_id, month, sum(committed), sum(spent) FROM (
        SELECT pool_id, ${utcMonth("at")} AS month, 0 AS committed, -amount AS spent FROM ledger_entries WHERE kind = 'capture'
        UNION ALL
        SELECT pool_id, ${utcMonth("created_at")}, amount, 0 FROM holds WHERE status = 'open'
      ) AS m GROUP BY 1, 2`,
  },
  {
    table: "customer_segments",
    keys: ["branch_id", "segment"],
    values: ["customers"],
    recompute: `SELECT branch_id, segment, count(*) FROM customers WHERE erased_at IS NULL GROUP BY 1, 2`,
  },
  {
    table: "customer_tenure",
    keys: ["branch_id", "since_month"],
    values: ["customers"],
    recompute: `SELECT branch_id, substr(customer_since, 1, 7), count(*) FROM customers WHERE erased_at IS NULL GROUP BY 1, 2`,
  },
  ];
}

export type SummaryProblem = { summary: string; mismatches: number; examples: string[] };

/**
 * Every kept summary against its recomputation (a row missing on one side counts as zeros), and
 * every signal's kept flags against their definition. Returns what differs, with a few keys.
 */
export async function checkSummaries(db: Db): Promise<SummaryProblem[]> {
  const problems: SummaryProblem[] = [];
  for (const summary of summaries()) {
    const columns = [...summary.keys, ...summary.values];
    // Rows of zeros are what a kept row becomes when everything it counted left it: the same as no row.
    const nonZero = `NOT (${summary.values.map((v) => `${v} = 0`).join(" AND ")})`;
    const keyOf = summary.keys.map((k) => `CAST(${k} AS TEXT)`).join(" || ':' || ");
    // Set differences both ways (sorts, not a join per row), so that it stays quick on a bank's file.
    const rows = await queryRows<{ key: string }>(
      db,
      sql.raw(
        `WITH r(${columns.join(", ")}) AS (${summary.recompute}),
           kept AS (SELECT ${columns.join(", ")} FROM ${summary.table} WHERE ${nonZero}),
           recomputed AS (SELECT ${columns.join(", ")} FROM r WHERE ${nonZero})
         SELECT ${keyOf} AS key FROM (SELECT * FROM kept EXCEPT SELECT * FROM recomputed) AS only_kept
         UNION
         SELECT ${keyOf} AS key FROM (SELECT * FROM recomputed EXCEPT SELECT * FROM kept) AS only_recomputed`,
      ),
    );
    const keys = rows.map((row) => row.key);
    if (keys.length > 0) problems.push({ summary: summary.table, mismatches: keys.length, examples: keys.slice(0, EXAMPLES) });
  }
  const flags = Object.entries(signalFlags())
    .map(([column, expression]) => `s.${column} <> ${expression}`)
    .join(" OR ");
  const wrongFlags = (await queryRows<{ id: number }>(db, sql.raw(`SELECT s.id AS id FROM signals s WHERE ${flags}`))).map((row) => row.id);
  if (wrongFlags.length > 0) problems.push({ summary: "signals' follow-up flags", mismatches: wrongFlags.length, examples: wrongFlags.slice(0, EXAMPLES).map(String) });
  return problems;
}

/**
 * Replaces every kept summary above (and the signals' flags) with its recomputation:
 * for a database loaded with the keep_* triggers dropped (the scale seed). One transaction.
 */
export async function rebuildSummaries(db: Db): Promise<void> {
  const SIGNAL_FLAGS = signalFlags();
  await writeTransaction(db, async (tx) => {
    await execute(
      tx,
      sql.raw(`UPDATE signals AS t SET ${Object.keys(SIGNAL_FLAGS)
        .map((column) => `${column} = f.${column}`)
        .join(", ")}
      FROM (SELECT s.id AS id, ${Object.entries(SIGNAL_FLAGS)
        .map(([column, expression]) => `${expression} AS ${column}`)
        .join(", ")} FROM signals s) AS f WHERE f.id = t.id`),
    );
    for (const summary of summaries()) {
      await execute(tx, sql.raw(`DELETE FROM ${summary.table}`));
      await execute(tx, sql.raw(`INSERT INTO ${summary.table} (${[...summary.keys, ...summary.values].join(", ")}) ${summary.recompute}`));
    }
  });
}

/** The triggers that keep the summaries of migration 0018, as SQL to drop them and to create them again. */
export function summaryTriggers(db: Db): { name: string; sql: string }[] {
  return sqliteOf(db).prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'keep\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string; sql: string }[];
}

export function describeSummaries(problems: SummaryProblem[]): string {
  if (problems.length === 0) return `kept summaries: ok (${summaries().map((s) => s.table).join(", ")}, signals' follow-up flags)`;
  return ["kept summaries: BROKEN", ...problems.map((p) => `  - ${p.summary}: ${p.mismatches} row(s) differ from a recomputation, e.g. ${p.examples.join(", ")}`)].join("\n");
}
