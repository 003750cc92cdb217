// The benchmark's databases on either engine (issue 20): a checked working copy of a source (an
// SQLite file through the backup API; a PostgreSQL database through CREATE DATABASE … TEMPLATE),
// the demo seed as the small database, and the few queries the benchmark makes of its own (the
// ids a target needs, the caps lifted for the writes, the check after them), written once with
// drizzle's `sql` so that they run on both. Loaded by pages.ts after it has set DATABASE_URL: the
// schema and the dialect are the process's (decision 63).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { checkDatabase, checkLedger } from "../../app/domain/administration/integrity.server";
import { addDays } from "../../app/domain/core/dates";
import { closeDatabase, openDatabase, type Db } from "../../app/utils/database.server";
import { execute, queryRow, queryRows } from "../../app/utils/query.server";
import { verifiedCopy } from "../../db/backup-restore";
import { engineOf } from "../../db/engine";
import { copyDatabase, createDatabase, databaseName, dropDatabase, sameServer } from "../../db/postgres/databases";

const TSX = "node_modules/.bin/tsx";

export type Label = "small" | "large";
/** A database the server of one run uses: a file path or a postgres:// URL, and how to remove it. */
export type WorkingCopy = { location: string; remove: () => Promise<void> };

async function withDatabase<T>(location: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(location, { migrate: false });
  try {
    return await work(db);
  } finally {
    await closeDatabase(db);
  }
}

/** A copy of `source` for one run (the source is never written), checked before it is used. */
export async function workingCopy(source: string, label: Label): Promise<WorkingCopy> {
  if (engineOf(source) === "postgres") {
    const location = sameServer(source, `${databaseName(source)}_bench_${label}_${randomBytes(3).toString("hex")}`);
    await copyDatabase(source, location);
    const report = await withDatabase(location, checkDatabase);
    const remove = () => dropDatabase(location);
    if (!report.ok) {
      await remove();
      throw new Error(`The ${label} database failed its checks.`);
    }
    return { location, remove };
  }
  const dir = mkdtempSync(join(tmpdir(), "empathy-fund-bench-"));
  const location = join(dir, `${label}.sqlite`);
  const copy = await verifiedCopy(source, location);
  if (!copy.report.ok) throw new Error(`The ${label} database failed its checks.`);
  return { location, remove: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** The demo seed, in a temporary file or (when the large database is PostgreSQL) a database beside it. */
export async function smallDatabase(large: string): Promise<WorkingCopy> {
  let location: string;
  let remove: () => Promise<void>;
  if (engineOf(large) === "postgres") {
    location = sameServer(large, `${databaseName(large)}_bench_demo_${randomBytes(3).toString("hex")}`);
    await createDatabase(location);
    remove = () => dropDatabase(location);
  } else {
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-bench-demo-"));
    location = join(dir, "demo.sqlite");
    remove = async () => rmSync(dir, { recursive: true, force: true });
  }
  const seeded = spawnSync(TSX, ["db/seed.ts"], { env: { ...process.env, DATABASE_URL: location }, encoding: "utf8" });
  if (seeded.status !== 0) {
    await remove();
    throw new Error(`Seeding the demo database failed: ${seeded.stderr}`);
  }
  return { location, remove };
}

/** The accounts and ids a target needs, read from the database before the server starts. */
export async function discover(location: string, label: Label) {
  return withDatabase(location, async (db) => {
    const email = async (role: string) => {
      const preferred =
        label === "small"
          ? { staff: "staff.north@example.com", manager: "manager.north@example.com", finance: "finance@example.com" }[role]!
          : `${role === "finance" ? "finance1" : `${role}1.b001`}@scale.example.com`;
      return (await queryRow<{ email: string }>(db, sql`select email from users where email = ${preferred} and active = true`))?.email ?? preferred;
    };
    const staffEmail = await email("staff");
    const { b: branchId } = (await queryRow<{ b: number }>(db, sql`select branch_id as b from users where email = ${staffEmail}`))!;
    const customer = (await queryRow<{ id: number }>(
      db,
      sql`select c.id as id from customers c where c.branch_id = ${branchId} and c.erased_at is null and exists (select 1 from signals s where s.customer_id = c.id) order by c.id limit 1`,
    ))!;
    const { s: surname } = (await queryRow<{ s: string }>(db, sql`select surname_key as s from customers where id = ${customer.id}`))!;
    const pool = (await queryRow<{ id: number }>(
      db,
      sql`select p.id as id from budget_pools p join budget_periods bp on bp.id = p.period_id where p.branch_id = ${branchId} and bp.status = 'open' order by p.id desc limit 1`,
    ))!;
    const emails = { staff: staffEmail, manager: await email("manager"), finance: await email("finance") };
    const closed = await queryRow<{ s: string; e: string }>(db, sql`select starts_on as s, ends_on as e from budget_periods where status = 'closed' order by starts_on desc limit 1`);
    const lastDay = closed ? addDays(closed.e, -1) : "";
    // Customers a proposal may go to, and a paid gesture type above the discretion limit (so that it
    // waits for the manager) but under the second-approval threshold (so that the manager's approval is final).
    // Not the branch's own staff or people connected to them: the connected-person rule refuses those (422).
    const proposable = (
      await queryRows<{ id: number }>(
        db,
        sql`select id from customers where branch_id = ${branchId} and erased_at is null and do_not_contact = false and (connected_branch_id is null or connected_branch_id <> branch_id) order by id limit 5000`,
      )
    ).map((r) => Number(r.id));
    const policy = (await queryRow<{ d: number; s: number }>(db, sql`select discretion_limit as d, second_approval_threshold as s from policy_defaults where id = 1`))!;
    const amount = Math.min(Number(policy.d) + 1_000, Number(policy.s) - 100);
    const type = (await queryRow<{ id: number; occasion: string }>(
      db,
      sql`select t.id as id, o.occasion as occasion from gesture_types t join gesture_type_occasions o on o.type_id = t.id where t.active = true and t.max_amount >= ${amount} order by t.id limit 1`,
    ))!;
    return {
      emails,
      branchId: Number(branchId),
      customerId: Number(customer.id),
      surnamePrefix: surname.slice(0, 3),
      poolId: Number(pool.id),
      quarterFrom: closed?.s ?? "",
      quarterTo: lastDay,
      proposable,
      proposal: { typeId: Number(type.id), occasion: type.occasion, amount },
    };
  });
}
export type Ids = Awaited<ReturnType<typeof discover>>;

/**
 * The working copy only: lift the caps that stop one account proposing thousands of gestures in a
 * minute, and top up the bench branch's open pool so that approvals are not refused for lack of money.
 */
export async function prepareForWrites(location: string, ids: Ids) {
  await withDatabase(location, async (db) => {
    await execute(db, sql`update policy_defaults set customer_cap_amount = 1000000000, customer_cap_count = 1000000, staff_monthly_cap = 1000000000, duplicate_window_days = 0 where id = 1`);
    await execute(db, sql`delete from branch_policy_overrides where branch_id = ${ids.branchId}`);
    const last = await queryRow<{ b: number; n: number }>(db, sql`select balance_after as b, pool_seq as n from ledger_entries where pool_id = ${ids.poolId} order by id desc limit 1`);
    const topUp = 1_000_000_000;
    await execute(
      db,
      sql`insert into ledger_entries (pool_id, kind, amount, balance_after, actor_id, at, memo, pool_seq) values (${ids.poolId}, 'allocation', ${topUp}, ${Number(last?.b ?? 0) + topUp}, null, ${Date.now()}, 'Benchmark top-up', ${Number(last?.n ?? 0) + 1})`,
    );
  });
}

/** Gestures the bench's proposals left waiting for the manager, oldest first, with the version an approval must carry. */
export async function waitingForManager(location: string, ids: Ids): Promise<{ id: number; version: number }[]> {
  return withDatabase(location, (db) =>
    queryRows<{ id: number; version: number }>(
      db,
      sql`select id, version from gestures where branch_id = ${ids.branchId} and status = 'submitted' and approval_route = 'branch' and create_key like 'bench-%' order by id`,
    ),
  );
}

export type WriteCheck = { proposals: number; approved: number; ledgerProblems: string[]; negativeBalances: number; poolBalance: number };

/** After the writes: the ledger's rules and no negative running balance anywhere. */
export async function checkWrites(location: string, ids: Ids, proposals: number): Promise<WriteCheck> {
  return withDatabase(location, async (db) => {
    const ledgerProblems = (await checkLedger(db)).map((p) => `${p.rule}: ${p.examples.join(", ")}`);
    const negativeBalances = Number((await queryRow<{ n: number }>(db, sql`select count(*) as n from ledger_entries where balance_after < 0`))!.n);
    const approved = Number(
      (await queryRow<{ n: number }>(db, sql`select count(*) as n from gestures where branch_id = ${ids.branchId} and status = 'approved' and create_key like 'bench-%'`))!.n,
    );
    const poolBalance = Number((await queryRow<{ b: number }>(db, sql`select balance_after as b from ledger_entries where pool_id = ${ids.poolId} order by id desc limit 1`))!.b);
    return { proposals, approved, ledgerProblems, negativeBalances, poolBalance };
  });
}
