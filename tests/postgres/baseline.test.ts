// The PostgreSQL baseline on a throwaway cluster (issue 20): it migrates; every guard trigger refuses
// what its SQLite twin refuses, with the same message, and accepts the same valid writes; the kept
// summaries hold the same sums as SQLite's after the same scripted writes; int8 columns read back as
// JS numbers (and a value a number cannot hold is refused, not rounded). Each statement below is
// plain SQL that both engines run unchanged; SQLite runs it on a file migrated by db/migrations.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { asc, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, openPostgres, syncIdentitySequences } from "../../db/postgres/migrate";
import * as pgSchema from "../../db/postgres/schema";
import { closeDatabase, openDatabase, sqliteOf } from "../../app/utils/database.server";
import { domainErrorOf } from "../../app/domain/core/errors";
import { reportIdleConnectionErrors } from "../../app/utils/database-postgres.server";
import * as schema from "../../db/schema";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster";

interface Engine {
  name: "sqlite" | "postgres";
  exec(sql: string): Promise<void>;
  /** exec, committed, for rows that may carry explicit ids (PostgreSQL then moves its identity sequences past them). */
  load(sql: string): Promise<void>;
  all(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function sqliteEngine(file: string): Engine {
  const raw: Database.Database = sqliteOf(openDatabase(file));
  return {
    name: "sqlite",
    exec: async (sql) => void raw.exec(sql),
    load: async (sql) => void raw.exec(sql),
    all: async (sql) => raw.prepare(sql).all() as Record<string, unknown>[],
    close: async () => void raw.close(),
  };
}

function postgresEngine(url: string): Engine {
  const { pool } = openPostgres(url, { max: 1 });
  return {
    name: "postgres",
    exec: async (sql) => void (await pool.query(sql)),
    load: async (sql) => {
      await pool.query(sql);
      await syncIdentitySequences(pool);
    },
    all: async (sql) => (await pool.query(sql)).rows as Record<string, unknown>[],
    close: () => pool.end(),
  };
}

const utc = (y: number, m: number, d: number, h = 12) => Date.UTC(y, m - 1, d, h);
const T0 = utc(2026, 9, 28);
const GENESIS = "0".repeat(64);

/** Branches, people, an open period with two pools, a closed period with one, money, one open hold, a gesture, a decision, an audit event. */
const FIXTURE = `
INSERT INTO branches (id, code, name, region, active, created_at) VALUES
  (1, 'B01', 'Harbour Street', 'North', TRUE, ${T0}), (2, 'B02', 'Mill Lane', 'South', TRUE, ${T0});
INSERT INTO users (id, email, name, role, branch_id, active, password_hash, must_change_password, created_at) VALUES
  (1, 'finance@example.test', 'Fin Ance', 'finance', NULL, TRUE, 'x', FALSE, ${T0}),
  (2, 'sam@example.test', 'Sam Carter', 'staff', 1, TRUE, 'x', FALSE, ${T0}),
  (3, 'maria@example.test', 'Maria Lopez', 'manager', 1, TRUE, 'x', FALSE, ${T0});
INSERT INTO budget_periods (id, starts_on, ends_on, length, status, opened_at) VALUES
  (1, '2026-10-01', '2027-01-01', 'quarter', 'open', ${T0}),
  (2, '2026-07-01', '2026-10-01', 'quarter', 'open', ${T0});
INSERT INTO budget_pools (id, period_id, branch_id, created_at) VALUES (1, 1, 1, ${T0}), (2, 1, 2, ${T0}), (3, 2, 1, ${T0});
UPDATE budget_periods SET status = 'closed', closed_at = ${T0}, closed_by = 1 WHERE id = 2;
INSERT INTO customers (id, crm_ref, name, name_key, surname_key, branch_id, customer_since, segment, do_not_contact, created_at, updated_at) VALUES
  (1, 'CRM-1', 'Ada Byron', 'ada byron', 'byron', 1, '2019-03-14', 'retail', FALSE, ${T0}, ${T0});
INSERT INTO gestures (id, customer_id, branch_id, pool_id, proposer_id, occasion, type_id, requested_amount, delivery_method, status, approved_amount, created_at, updated_at, submitted_at, approved_at) VALUES
  (1, 1, 1, 1, 2, 'bereavement', 1, 3000, 'in_branch', 'approved', 3000, ${T0}, ${T0}, ${T0}, ${T0});
INSERT INTO gesture_decisions (id, gesture_id, approver_id, level, decision, amount, comment, at) VALUES (1, 1, 3, 'manager', 'approve', 3000, '', ${T0});
INSERT INTO ledger_entries (id, pool_id, kind, amount, balance_after, actor_id, at, pool_seq) VALUES
  (1, 1, 'allocation', 100000, 100000, 1, ${utc(2026, 10, 1)}, 1),
  (2, 2, 'allocation', 50000, 50000, 1, ${utc(2026, 10, 1)}, 1);
INSERT INTO holds (id, pool_id, gesture_id, amount, status, created_at) VALUES (1, 1, 1, 3000, 'open', ${utc(2026, 10, 2)});
INSERT INTO ledger_entries (id, pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES
  (3, 1, 'hold', -3000, 97000, 1, 1, 3, ${utc(2026, 10, 2)}, 2);
INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, detail, prev_hash, hash) VALUES
  (1, ${T0}, 1, 'period.open', 'budget_period', '1', '{}', '${GENESIS}', '${"a".repeat(64)}');
`;

/** What each SQLite guard refuses (from db/migrations 0001, 0005, 0007), and the message both engines give. */
const REFUSED: { guard: string; sql: string; message: string }[] = [
  { guard: "audit_events_no_update", sql: "UPDATE audit_events SET action = 'forged' WHERE id = 1", message: "audit_events is append-only: updates are refused" },
  { guard: "audit_events_no_delete", sql: "DELETE FROM audit_events WHERE id = 1", message: "audit_events is append-only: deletes are refused" },
  { guard: "ledger_entries_no_update", sql: "UPDATE ledger_entries SET amount = 200000, balance_after = 200000 WHERE id = 1", message: "ledger_entries is append-only: updates are refused" },
  { guard: "ledger_entries_no_delete", sql: "DELETE FROM ledger_entries WHERE id = 3", message: "ledger_entries is append-only: deletes are refused" },
  {
    guard: "ledger_entries_pool_sequence: a second entry after the same one",
    sql: `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, actor_id, at, memo, pool_seq) VALUES (1, 'adjustment', 500, 97500, 1, ${T0}, 'top-up', 2)`,
    message: "ledger_entries.pool_seq must be the number of the pool's previous entry plus one",
  },
  {
    guard: "ledger_entries_running_balance",
    sql: `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, actor_id, at, memo, pool_seq) VALUES (1, 'adjustment', 500, 100500, 1, ${T0}, 'top-up', (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
    message: "ledger_entries.balance_after must be the previous balance of the pool plus the amount",
  },
  {
    guard: "ledger_entries_balance (CHECK): a pool never goes below zero",
    sql: `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'capture', -120000, -23000, 1, 1, 3, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
    message: "ledger_entries_balance",
  },
  {
    guard: "ledger_entries_hold_consistent (amount)",
    sql: `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'release', 2999, 99999, 1, 1, 3, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
    message: "a hold entry must be on the hold's pool and move exactly the hold's amount",
  },
  {
    guard: "ledger_entries_hold_consistent (pool)",
    sql: `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (2, 'release', 3000, 53000, 1, 1, 3, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 2))`,
    message: "a hold entry must be on the hold's pool and move exactly the hold's amount",
  },
  {
    guard: "ledger_entries_open_period",
    sql: `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, actor_id, at, pool_seq) VALUES (3, 'allocation', 100, 100, 1, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 3))`,
    message: "the period of this pool is closed",
  },
  {
    guard: "holds_open_period",
    sql: `INSERT INTO holds (pool_id, gesture_id, amount, status, created_at) VALUES (3, 1, 100, 'open', ${T0})`,
    message: "the period of this pool is closed",
  },
  { guard: "budget_pools_open_period", sql: `INSERT INTO budget_pools (period_id, branch_id, created_at) VALUES (2, 2, ${T0})`, message: "the period is closed" },
  {
    guard: "holds_resolve_once (other columns)",
    sql: `UPDATE holds SET status = 'released', resolved_at = ${T0}, amount = 1 WHERE id = 1`,
    message: "a hold resolves exactly once: only an open hold may be released, captured or carried",
  },
  {
    guard: "holds_resolve_once (twice)",
    sql: `UPDATE holds SET status = 'released', resolved_at = ${T0} WHERE id = 1; UPDATE holds SET status = 'captured', resolved_at = ${T0} WHERE id = 1`,
    message: "a hold resolves exactly once: only an open hold may be released, captured or carried",
  },
  { guard: "holds_no_delete", sql: "DELETE FROM holds WHERE id = 1", message: "holds are kept: deletes are refused" },
  {
    guard: "budget_periods_close_once (dates)",
    sql: "UPDATE budget_periods SET ends_on = '2027-02-01' WHERE id = 1",
    message: "a closed period stays closed, and a period's dates never change",
  },
  {
    guard: "budget_periods_close_once (reopen)",
    sql: "UPDATE budget_periods SET status = 'open', closed_at = NULL, closed_by = NULL WHERE id = 2",
    message: "a closed period stays closed, and a period's dates never change",
  },
  {
    guard: "budget_periods_no_open_holds",
    sql: `UPDATE budget_periods SET status = 'closed', closed_at = ${T0}, closed_by = 1 WHERE id = 1`,
    message: "a period with open holds cannot close",
  },
  { guard: "budget_periods_no_delete", sql: "DELETE FROM budget_periods WHERE id = 2", message: "budget periods are kept: deletes are refused" },
  { guard: "gesture_decisions_no_update", sql: "UPDATE gesture_decisions SET comment = 'edited' WHERE id = 1", message: "gesture_decisions is append-only: updates are refused" },
  { guard: "gesture_decisions_no_delete", sql: "DELETE FROM gesture_decisions WHERE id = 1", message: "gesture_decisions is append-only: deletes are refused" },
];

/** Valid writes next to those guards, accepted by both engines. */
const ACCEPTED: { what: string; sql: string }[] = [
  { what: "an allocation with the right running balance", sql: `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, actor_id, at, pool_seq) VALUES (1, 'allocation', 500, 97500, 1, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))` },
  {
    what: "a new hold and its entry of exactly its amount",
    sql: `INSERT INTO holds (id, pool_id, gesture_id, amount, status, created_at) VALUES (2, 2, 1, 1200, 'open', ${T0});
      INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (2, 'hold', -1200, 48800, 2, 1, 3, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 2))`,
  },
  {
    what: "resolving an open hold once (release, then capture of the actual amount)",
    sql: `UPDATE holds SET status = 'captured', resolved_at = ${T0} WHERE id = 1;
      INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'release', 3000, 100000, 1, 1, 3, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1));
      INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'capture', -2800, 97200, 1, 1, 3, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
  },
  {
    what: "closing a period once its holds are resolved",
    sql: `UPDATE holds SET status = 'released', resolved_at = ${T0} WHERE id = 1;
      INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'release', 3000, 100000, 1, 1, 3, ${T0}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1));
      UPDATE budget_periods SET status = 'closed', closed_at = ${T0}, closed_by = 1 WHERE id = 1`,
  },
  { what: "a new pool in an open period", sql: `INSERT INTO budget_periods (id, starts_on, ends_on, length, status, opened_at) VALUES (3, '2027-01-01', '2027-04-01', 'quarter', 'open', ${T0}); INSERT INTO budget_pools (period_id, branch_id, created_at) VALUES (3, 2, ${T0})` },
  {
    what: "the next audit event in the chain",
    sql: `INSERT INTO audit_events (at, actor_id, action, entity, entity_id, detail, prev_hash, hash) VALUES (${T0}, 1, 'pool.allocate', 'budget_pool', '1', '{}', '${"a".repeat(64)}', '${"b".repeat(64)}')`,
  },
  { what: "a decision appended", sql: `INSERT INTO gesture_decisions (gesture_id, approver_id, level, decision, amount, comment, at) VALUES (1, 1, 'finance', 'approve', 3000, '', ${T0})` },
];

async function attempt(engine: Engine, sql: string): Promise<string | null> {
  await engine.exec("BEGIN");
  try {
    await engine.exec(sql);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await engine.exec("ROLLBACK");
  }
}

let cluster: PostgresCluster;
let dir: string;
const engines: Engine[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
  dir = mkdtempSync(join(tmpdir(), "empathy-pg-parity-"));
});

afterAll(async () => {
  for (const engine of engines) await engine.close();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function bothEngines(name: string, options: { icuLocale?: string } = {}): Promise<{ sqlite: Engine; postgres: Engine; url: string }> {
  const url = await cluster.createDatabase(name, options);
  await migratePostgres(url);
  const sqlite = sqliteEngine(join(dir, `${name}.sqlite`));
  const postgres = postgresEngine(url);
  engines.push(sqlite, postgres);
  return { sqlite, postgres, url };
}

describe("the PostgreSQL baseline migration", () => {
  it("creates every table of the schema, the standard catalogue and policy, and records itself", async () => {
    const url = await cluster.createDatabase("baseline_tables");
    await migratePostgres(url);
    await migratePostgres(url); // a second run applies nothing and fails nothing
    const engine = postgresEngine(url);
    engines.push(engine);
    const tables = (await engine.all("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((r) => r.tablename);
    const expected = Object.values(pgSchema)
      .filter((v): v is typeof pgSchema.users => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v)
      .map((t) => (t as unknown as Record<symbol, string>)[Symbol.for("drizzle:Name")])
      .sort();
    expect(expected.length).toBeGreaterThan(40);
    expect(tables).toEqual(expected);
    const applied = await engine.all('SELECT count(*)::int AS n FROM drizzle."__drizzle_migrations"');
    expect(applied[0]?.n).toBe(JSON.parse(readFileSync("db/postgres/migrations/meta/_journal.json", "utf8")).entries.length);
    const catalogue = await engine.all("SELECT code FROM gesture_types ORDER BY id");
    expect(catalogue.map((r) => r.code)).toEqual(["flowers", "condolence_card", "get_well_card", "gift_basket", "voucher", "donation", "handwritten_note"]);
    const policy = await engine.all("SELECT discretion_limit, leave_alone_months FROM policy_defaults");
    // int8 comes back as a checked JS number (the app's type parser, app/utils/database-postgres.server.ts).
    expect(policy).toEqual([{ discretion_limit: 5000, leave_alone_months: 12 }]);
  });
});

describe("guards: PostgreSQL refuses what SQLite refuses", () => {
  let sqlite: Engine;
  let postgres: Engine;

  beforeAll(async () => {
    ({ sqlite, postgres } = await bothEngines("guards"));
    await sqlite.load(FIXTURE);
    await postgres.load(FIXTURE);
  });

  it.each(REFUSED)("$guard", async ({ sql, message }) => {
    const onSqlite = await attempt(sqlite, sql);
    const onPostgres = await attempt(postgres, sql);
    expect(onSqlite, "SQLite").toContain(message);
    expect(onPostgres, "PostgreSQL").toContain(message);
  });

  it.each(ACCEPTED)("accepts $what", async ({ sql }) => {
    expect(await attempt(sqlite, sql), "SQLite").toBeNull();
    expect(await attempt(postgres, sql), "PostgreSQL").toBeNull();
  });

  it("refuses TRUNCATE of the append-only tables (PostgreSQL only: row triggers do not see it)", async () => {
    for (const table of ["audit_events", "ledger_entries", "holds", "budget_periods", "gesture_decisions"]) {
      expect(await attempt(postgres, `TRUNCATE ${table} CASCADE`), table).toMatch(/refused/);
    }
  });

  it("refuses a fork of the audit chain: two events after the same one (UNIQUE prev_hash, PostgreSQL first)", async () => {
    const fork = `INSERT INTO audit_events (at, actor_id, action, entity, entity_id, detail, prev_hash, hash) VALUES (${T0}, 1, 'x', 'y', NULL, '{}', '${GENESIS}', '${"c".repeat(64)}')`;
    expect(await attempt(postgres, fork)).toContain("audit_events_prev_hash_unique");
  });
});

describe("two writers at once on PostgreSQL, with no lock of the app's", () => {
  it("READ COMMITTED transactions that both read a pool's last entry cannot both append after it: the second waits, then is refused", async () => {
    const { postgres, url } = await bothEngines("append_race");
    await postgres.load(FIXTURE);
    const [one, two] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([one.connect(), two.connect()]);
    try {
      const readLast = async (client: pg.Client) => {
        await client.query("BEGIN"); // READ COMMITTED, PostgreSQL's default
        const { rows } = await client.query<{ balance_after: string; pool_seq: number }>("SELECT balance_after, pool_seq FROM ledger_entries WHERE pool_id = 1 ORDER BY id DESC LIMIT 1");
        return { balance: Number(rows[0]!.balance_after), seq: rows[0]!.pool_seq };
      };
      const append = (client: pg.Client, last: { balance: number; seq: number }) =>
        client.query(`INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, actor_id, at, memo, pool_seq) VALUES (1, 'adjustment', -500, $1, 1, ${T0}, 'Race', $2)`, [last.balance - 500, last.seq + 1]);
      const [seenByOne, seenByTwo] = [await readLast(one), await readLast(two)];
      expect(seenByTwo).toEqual(seenByOne); // both believe they append after the same entry
      await append(one, seenByOne);
      const second = append(two, seenByTwo);
      // Its triggers saw no new entry (the first one's is not committed), so it reached the unique
      // index, where it waits for the first transaction to end.
      for (let i = 0; i < 200 && Number((await postgres.all("SELECT count(*) AS n FROM pg_locks WHERE NOT granted"))[0]!.n) === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(Number((await postgres.all("SELECT count(*) AS n FROM pg_locks WHERE NOT granted"))[0]!.n)).toBeGreaterThan(0);
      await one.query("COMMIT");
      await expect(second).rejects.toThrow(/ledger_entries_pool_seq_unique/);
      await two.query("ROLLBACK");
      const entries = await postgres.all("SELECT pool_seq, balance_after FROM ledger_entries WHERE pool_id = 1 ORDER BY id");
      expect(entries.map((e) => [e.pool_seq, Number(e.balance_after)])).toEqual([
        [1, 100_000],
        [2, 97_000],
        [3, 96_500],
      ]);
    } finally {
      await Promise.all([one.end(), two.end()]);
    }
  });
});

/** A scripted sequence of writes touching every kept summary (the keep_* triggers, pool_totals, pool_spend_by_type). */
const SCRIPT: string[] = [
  FIXTURE,
  `INSERT INTO customers (id, crm_ref, name, name_key, surname_key, branch_id, customer_since, segment, do_not_contact, created_at, updated_at) VALUES
    (2, 'CRM-2', 'Grace Hopper', 'grace hopper', 'hopper', 1, '2021-06-30', 'premier', FALSE, ${T0}, ${T0}),
    (3, 'CRM-3', 'Alan Turing', 'alan turing', 'turing', 2, '2024-01-02', 'business', FALSE, ${T0}, ${T0}),
    (4, 'CRM-4', 'Joan Clarke', 'joan clarke', 'clarke', 2, '2024-01-20', 'retail', FALSE, ${T0}, ${T0})`,
  `INSERT INTO signals (id, customer_id, branch_id, kind, occurred_on, source, severity, created_at) VALUES
    (1, 1, 1, 'bereavement', '2026-10-05', 'staff', 3, ${T0}),
    (2, 1, 1, 'complaint', '2026-11-01', 'crm', 2, ${T0}),
    (3, 1, 1, 'survey_promoter', '2027-06-01', 'survey', 1, ${T0}),
    (4, 2, 1, 'illness', '2026-10-10', 'staff', 2, ${T0}),
    (5, 2, 1, 'survey_detractor', '2026-12-01', 'survey', 2, ${T0}),
    (6, 3, 2, 'new_baby', '2026-10-20', 'crm', 1, ${T0}),
    (7, 4, 2, 'long_wait', '2026-11-15', 'staff', 1, ${T0})`,
  // Gesture 1 (already approved with its hold) is fulfilled: release the hold, capture the actual amount.
  `UPDATE holds SET status = 'captured', resolved_at = ${utc(2026, 11, 3)} WHERE id = 1`,
  `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'release', 3000, 100000, 1, 1, 2, ${utc(2026, 11, 3)}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
  `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'capture', -2800, 97200, 1, 1, 2, ${utc(2026, 11, 3)}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
  `UPDATE gestures SET status = 'fulfilled', actual_amount = 2800, fulfilled_on = '2026-11-03', fulfilled_at = ${utc(2026, 11, 3)}, version = 2 WHERE id = 1`,
  `UPDATE gestures SET status = 'closed', outcome = 'thanked', outcome_recorded_at = ${utc(2026, 11, 20)}, version = 3 WHERE id = 1`,
  // Gesture 2 for Grace (illness) on pool 1, approved, held, fulfilled in December, response negative.
  `INSERT INTO gestures (id, customer_id, branch_id, pool_id, proposer_id, occasion, type_id, requested_amount, delivery_method, status, approved_amount, created_at, updated_at, submitted_at, approved_at) VALUES
    (2, 2, 1, 1, 2, 'illness', 3, 1200, 'post', 'approved', 1200, ${utc(2026, 11, 30)}, ${utc(2026, 11, 30)}, ${utc(2026, 11, 30)}, ${utc(2026, 11, 30)})`,
  `INSERT INTO holds (id, pool_id, gesture_id, amount, status, created_at) VALUES (2, 1, 2, 1200, 'open', ${utc(2026, 11, 30, 23)})`,
  `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'hold', -1200, 96000, 2, 2, 3, ${utc(2026, 11, 30, 23)}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
  `UPDATE holds SET status = 'captured', resolved_at = ${utc(2026, 12, 2)} WHERE id = 2`,
  `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'release', 1200, 97200, 2, 2, 2, ${utc(2026, 12, 2)}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
  `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (1, 'capture', -1350, 95850, 2, 2, 2, ${utc(2026, 12, 2)}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 1))`,
  `UPDATE gestures SET status = 'fulfilled', actual_amount = 1350, version = 2 WHERE id = 2`,
  `UPDATE gestures SET status = 'closed', outcome = 'negative', version = 3 WHERE id = 2`,
  // Gesture 3 for Alan on pool 2, approved and still held (an open hold in December), then a correction.
  `INSERT INTO gestures (id, customer_id, branch_id, pool_id, proposer_id, occasion, type_id, requested_amount, delivery_method, status, approved_amount, created_at, updated_at, submitted_at, approved_at) VALUES
    (3, 3, 2, 2, 2, 'new_baby', 4, 7000, 'courier', 'approved', 7000, ${utc(2026, 12, 5)}, ${utc(2026, 12, 5)}, ${utc(2026, 12, 5)}, ${utc(2026, 12, 5)})`,
  `INSERT INTO holds (id, pool_id, gesture_id, amount, status, created_at) VALUES (3, 2, 3, 7000, 'open', ${utc(2026, 12, 5)})`,
  `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, hold_id, gesture_id, actor_id, at, pool_seq) VALUES (2, 'hold', -7000, 43000, 3, 3, 3, ${utc(2026, 12, 5)}, (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 2))`,
  `INSERT INTO ledger_entries (pool_id, kind, amount, balance_after, actor_id, at, memo, pool_seq) VALUES (2, 'adjustment', -1000, 42000, 1, ${utc(2026, 12, 6)}, 'Duplicate allocation reversed', (SELECT coalesce(max(pool_seq), 0) + 1 FROM ledger_entries WHERE pool_id = 2))`,
  // A draft that never counts, then signal and customer corrections.
  `INSERT INTO gestures (id, customer_id, branch_id, proposer_id, occasion, type_id, requested_amount, delivery_method, status, created_at, updated_at) VALUES
    (4, 4, 2, 2, 'long_wait', 5, 2500, 'in_branch', 'draft', ${T0}, ${T0})`,
  `UPDATE signals SET occurred_on = '2026-12-20' WHERE id = 2`,
  `UPDATE signals SET customer_id = 2 WHERE id = 5`,
  `UPDATE customers SET branch_id = 2, updated_at = ${T0} WHERE id = 2`,
  `UPDATE customers SET segment = 'premier', customer_since = '2024-02-01', updated_at = ${T0} WHERE id = 3`,
  `UPDATE customers SET erased_at = ${utc(2026, 12, 10)}, name = 'Erased', updated_at = ${T0} WHERE id = 4`,
  `DELETE FROM signals WHERE id = 7`,
];

/** Each kept table with its key columns; rows whose counters are all zero are the same as no row. */
const SUMMARIES: { table: string; keys: string[] }[] = [
  { table: "pool_totals", keys: ["pool_id"] },
  { table: "pool_spend_by_type", keys: ["pool_id", "occasion", "type_id"] },
  { table: "pool_outcomes", keys: ["pool_id", "occasion", "type_id"] },
  { table: "pool_months", keys: ["pool_id", "month"] },
  { table: "signal_followups", keys: ["branch_id", "month", "kind", "received"] },
  { table: "customer_segments", keys: ["branch_id", "segment"] },
  { table: "customer_tenure", keys: ["branch_id", "since_month"] },
  { table: "signals", keys: ["id", "customer_id", "kind", "occurred_on"] },
];

async function summary(engine: Engine, table: string, keys: string[]) {
  const rows = await engine.all(`SELECT * FROM ${table} ORDER BY ${keys.join(", ")}`);
  return rows
    .map((row) => {
      const out: Record<string, string | number> = {};
      for (const [key, value] of Object.entries(row)) {
        if (table === "signals" && !keys.includes(key) && !["received_gesture", "later_complaint", "later_detractor", "later_promoter"].includes(key)) continue;
        out[key] = keys.includes(key) && typeof value === "string" && !/^\d+$/.test(value) ? value : Number(value);
      }
      return out;
    })
    .filter((row) => table === "signals" || Object.entries(row).some(([key, value]) => !keys.includes(key) && value !== 0));
}

describe("kept summaries: the same sums on both engines", () => {
  it("after a scripted sequence of gestures, holds, captures, signals and customer changes", async () => {
    const { sqlite, postgres } = await bothEngines("summaries");
    for (const statement of SCRIPT) {
      await sqlite.load(statement);
      await postgres.load(statement);
    }
    for (const { table, keys } of SUMMARIES) {
      const onSqlite = await summary(sqlite, table, keys);
      const onPostgres = await summary(postgres, table, keys);
      expect(onSqlite.length, `${table} has rows`).toBeGreaterThan(0);
      expect(onPostgres, table).toEqual(onSqlite);
    }
    // A few sums checked by hand, so that both engines agreeing on a wrong figure still fails.
    const totals = await summary(postgres, "pool_totals", ["pool_id"]);
    expect(totals).toContainEqual({ pool_id: 1, allocated: 100000, adjustments: 0, committed: 0, spent: 4150, available: 95850 });
    expect(totals).toContainEqual({ pool_id: 2, allocated: 50000, adjustments: -1000, committed: 7000, spent: 0, available: 42000 });
    const months = await summary(postgres, "pool_months", ["pool_id", "month"]);
    expect(months).toContainEqual({ pool_id: 2, month: "2026-12", committed: 7000, spent: 0 });
    expect(months).toContainEqual({ pool_id: 1, month: "2026-12", committed: 0, spent: 1350 });
    const signals = await summary(postgres, "signals", ["id", "customer_id", "kind", "occurred_on"]);
    // The complaint moved to 2026-12-20 is still within 180 days of the bereavement (2026-10-05).
    expect(signals.find((s) => s.id === 1)).toMatchObject({ received_gesture: 1, later_complaint: 1 });
    expect(signals.find((s) => s.id === 4)).toMatchObject({ received_gesture: 1, later_detractor: 1 });
  });
});

describe("text compares byte by byte on both engines (COLLATE \"C\")", () => {
  it("sorts names alike and finds the same customers by a name_key prefix range (the customer search)", async () => {
    // The database's own collation is English (ICU en-US), as a managed service's often is.
    const { sqlite, postgres } = await bothEngines("collation", { icuLocale: "en-US" });
    const names = ["müller anna", "Muller", "mueller", "mü", "zoë", "Zed", "émile", "emile", "mu", "m\u00fcz", "apple", "Apple", "_under", "10 downing"];
    const load = `INSERT INTO branches (id, code, name, region, active, created_at) VALUES (1, 'B01', 'One', 'North', TRUE, ${T0});
      INSERT INTO customers (crm_ref, name, name_key, surname_key, branch_id, customer_since, segment, do_not_contact, created_at, updated_at) VALUES
      ${names.map((n, i) => `('C${i}', '${n}', '${n.toLowerCase()}', '${n.toLowerCase()}', 1, '2020-01-01', 'retail', FALSE, ${T0}, ${T0})`).join(",\n")}`;
    await sqlite.load(load);
    await postgres.load(load);
    for (const query of [
      "SELECT name FROM customers ORDER BY name, id",
      // searchCustomers' prefix range: [p, p + U+FFFF) on the (branch_id, name_key) index.
      "SELECT name FROM customers WHERE branch_id = 1 AND name_key >= 'm\u00fc' AND name_key < 'm\u00fc\uffff' ORDER BY name_key, id",
      "SELECT name FROM customers WHERE name_key >= 'mu' AND name_key < 'mu\uffff' ORDER BY name_key, id",
      "SELECT lower(name) AS l FROM customers ORDER BY id",
    ]) {
      const onSqlite = await sqlite.all(query);
      expect(onSqlite.length, query).toBeGreaterThan(0);
      expect(await postgres.all(query), query).toEqual(onSqlite);
    }
    expect((await postgres.all("SELECT name FROM customers ORDER BY name, id")).map((r) => r.name).slice(0, 4)).toEqual(["10 downing", "Apple", "Muller", "Zed"]);
    // Without the columns' "C", this database would sort otherwise: the collation is what makes them equal.
    const byDefault = await postgres.all('SELECT name FROM customers ORDER BY name COLLATE "default", id');
    expect(byDefault).not.toEqual(await sqlite.all("SELECT name FROM customers ORDER BY name, id"));
  });
});

describe("int8 columns through the PostgreSQL schema", () => {
  it("read back as JS numbers and Dates, and a value past 2^53 is refused rather than rounded", async () => {
    const { url } = await bothEngines("int8");
    const { pool, db } = openPostgres(url, { max: 1 });
    try {
      await pool.query(FIXTURE);
      await syncIdentitySequences(pool);
      const entries = await db.select().from(pgSchema.ledgerEntries).orderBy(asc(pgSchema.ledgerEntries.id));
      expect(entries.map((e) => [e.amount, e.balanceAfter])).toEqual([
        [100000, 100000],
        [50000, 50000],
        [-3000, 97000],
      ]);
      expect(typeof entries[0]?.amount).toBe("number");
      expect(entries[0]?.at).toEqual(new Date(utc(2026, 10, 1)));
      const [totals] = await db.select().from(pgSchema.poolTotals).where(eq(pgSchema.poolTotals.poolId, 1));
      expect(totals).toEqual({ poolId: 1, allocated: 100000, adjustments: 0, committed: 3000, spent: 0, available: 97000 });
      const [branch] = await db.select().from(pgSchema.branches).where(eq(pgSchema.branches.id, 1));
      expect(branch?.active).toBe(true);
      expect(branch?.createdAt).toEqual(new Date(T0));

      // Written through drizzle: numbers and Dates go in as int8.
      await db.insert(pgSchema.ledgerEntries).values({ poolId: 2, kind: "adjustment", amount: 2_500_000_000, balanceAfter: 2_500_050_000, actorId: 1, at: new Date(T0), memo: "Large", poolSeq: 2 });
      const [large] = await db.select().from(pgSchema.poolTotals).where(eq(pgSchema.poolTotals.poolId, 2));
      expect(large?.available).toBe(2_500_050_000);

      await pool.query(`INSERT INTO api_keys (id, name, prefix, key_hash, created_by_id, created_at) VALUES (1, 'CRM', 'ef_', 'h', 1, ${T0})`);
      await pool.query("INSERT INTO api_rate_windows (key_id, window_start, count) VALUES (1, 9007199254740993, 1)");
      // Refused by the int8 parser while the row is read (drizzle names the query and keeps the cause).
      const refused = await db
        .select()
        .from(pgSchema.apiRateWindows)
        .then(
          () => undefined,
          (error: Error) => error,
        );
      expect(`${refused?.message} ${(refused?.cause as Error | undefined)?.message}`).toMatch(/not a safe integer/);
    } finally {
      await pool.end();
    }
  });
});

describe("the NUL character through the app's connection", () => {
  it("is refused as invalid input (a form error, not a server error) and writes nothing; the same text without it is stored", async () => {
    const { url } = await bothEngines("nul");
    const db = openDatabase(url);
    try {
      const refused = await db
        .insert(schema.branches)
        .values({ code: "N1", name: "North\u0000", region: "North", createdAt: new Date(T0) })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      // drizzle wraps it in its query error; the route finds the DomainError behind it.
      expect(domainErrorOf(refused)).toMatchObject({ code: "VALIDATION", message: expect.stringMatching(/NUL character/) });
      expect(await db.select().from(schema.branches)).toEqual([]);
      await db.insert(schema.branches).values({ code: "N1", name: "North", region: "North", createdAt: new Date(T0) });
      expect((await db.select().from(schema.branches)).map((branch) => branch.name)).toEqual(["North"]);
    } finally {
      await closeDatabase(db);
    }
  });
});

describe("a pooled connection that dies while idle", () => {
  it("is reported (not swallowed, not a crash) and the next query runs on a new connection", async () => {
    const { url } = await bothEngines("idle");
    const db = openDatabase(url);
    const reported: Error[] = [];
    const previous = reportIdleConnectionErrors((error) => reported.push(error));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await db.select().from(schema.branches); // one connection now idles in the pool
      // What a server restart or a failover does to it.
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
      for (let i = 0; i < 50 && reported.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(reported.map((error) => error.message).join(" ")).toMatch(/terminat/i);
      await db.insert(schema.branches).values({ code: "S1", name: "South", region: "South", createdAt: new Date(T0) });
      expect((await db.select().from(schema.branches)).map((branch) => branch.code)).toEqual(["S1"]);
    } finally {
      reportIdleConnectionErrors(previous);
      await admin.end();
      await closeDatabase(db);
    }
  });
});
