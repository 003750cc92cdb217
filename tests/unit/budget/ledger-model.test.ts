// Model-based property test of the ledger: random sequences of allocate, adjust, hold, release,
// capture, open-next-period, close and replays (the same idempotency key again, with the same or a
// different amount) run against the real domain functions on a real SQLite database and against a
// plain model (on the PostgreSQL run, each sequence in its own copy of the template database). After
// every step the outcomes and balances must agree, and the invariants hold: available ≥ 0, each hold
// resolved at most once, the sum of a pool's entries equals its balance, no open hold on a closed pool.
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { branches, budgetPools, holds, organisation, users, type UnspentBalanceRule } from "../../../db/schema";
import { closePeriod, openPeriod } from "~/domain/budget/budget-periods.server";
import { DomainError } from "~/domain/core/errors";
import { adjust, allocate, captureHold, getPoolBalance, placeHold, releaseHold, type FinanceActor } from "~/domain/budget/ledger.server";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "../../../db/schema";
import { openDatabase, sqliteOf, type Db } from "~/utils/db.server";
import { firstRow, queryRow, queryRows } from "~/utils/query.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { postgresAdminUrl } from "../../support/postgres-databases";
import { eachInSeries } from "~/utils/in-series";

const onPostgres = postgresAdminUrl() !== undefined;
// On PostgreSQL every sequence creates and drops a database (tens of milliseconds each): fewer runs.
export const RUNS = Number(process.env.LEDGER_MODEL_RUNS ?? (onPostgres ? 200 : 1_000));
const NOV = new Date("2026-11-10T15:00:00Z"); // inside Q4 2026 (period 1)
const JAN = new Date("2027-01-04T15:00:00Z"); // Q4 2026 has ended; Q1 2027 (period 2) is current
const BRANCHES = 2;
const system = { id: null };

type ModelPool = { period: 0 | 1; allocated: number; adjustments: number; spent: number };
type ModelHold = { pool: number; amount: number; status: "open" | "released" | "captured" | "carried"; dbId: number };
type Replayable = { label: string; same: (real: Real) => Promise<{ replayed: boolean }>; different: (real: Real) => Promise<unknown> };
type Model = {
  rule: UnspentBalanceRule;
  /** Pools 0..BRANCHES-1 are period 1's; BRANCHES.. are period 2's once it is open. */
  pools: ModelPool[];
  holds: ModelHold[];
  periodOpen: [boolean, boolean];
  periodClosed: [boolean, boolean];
  history: Replayable[];
};
type Real = { db: Db; finance: FinanceActor; branchIds: number[]; poolIds: number[]; periodIds: number[] };

const committedOf = (m: Model, pool: number) => m.holds.filter((h) => h.pool === pool && h.status === "open").reduce((s, h) => s + h.amount, 0);
const availableOf = (m: Model, pool: number) => {
  const p = m.pools[pool]!;
  return p.allocated + p.adjustments - committedOf(m, pool) - p.spent;
};
const isClosed = (m: Model, pool: number) => m.periodClosed[m.pools[pool]!.period];

/** Runs a real call and says whether it succeeded; a refusal must be a DomainError (never a raw SQLite error). */
async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

async function expectUnchanged(real: Real, run: () => Promise<void>) {
  const count = () => queryRow(real.db, sql`select count(*) as n from ledger_entries`);
  const before = await count();
  await run();
  expect(await count()).toEqual(before);
}

let stepsChecked = 0;

/** Compares every pool and hold with the model and checks the invariants. */
async function checkInvariants(m: Model, real: Real) {
  stepsChecked++;
  const sums = new Map(
    (
      await queryRows<{ poolId: number; total: number; lowest: number; last: number }>(
        real.db,
        sql`select pool_id as "poolId", sum(amount) as total, min(balance_after) as lowest,
             (select e2.balance_after from ledger_entries e2 where e2.pool_id = e.pool_id order by e2.id desc limit 1) as last
           from ledger_entries e group by pool_id`,
      )
    ).map((row) => [row.poolId, row]),
  );
  await eachInSeries(real.poolIds, async (poolId, index) => {
    const balance = await getPoolBalance(real.db, poolId);
    const p = m.pools[index]!;
    expect(balance).toEqual({
      allocated: p.allocated,
      adjustments: p.adjustments,
      committed: committedOf(m, index),
      spent: p.spent,
      available: availableOf(m, index),
    });
    // available ≥ 0, after every entry; and the entries sum to the balance.
    const entries = sums.get(poolId) ?? { total: 0, lowest: 0, last: 0 };
    expect(balance.available).toBeGreaterThanOrEqual(0);
    expect(entries.lowest).toBeGreaterThanOrEqual(0);
    expect(entries.total).toBe(balance.available);
    expect(entries.last).toBe(balance.available);
  });
  // Each hold has the model's status, and at most one hold, release and capture entry.
  const statuses = new Map((await queryRows<{ id: number; status: string }>(real.db, sql`select id, status from holds`)).map((h) => [h.id, h.status]));
  expect(statuses.size).toBe(m.holds.length);
  for (const hold of m.holds) expect(statuses.get(hold.dbId)).toBe(hold.status);
  const resolvedTwice = await queryRows(real.db, sql`select hold_id from ledger_entries where hold_id is not null group by hold_id, kind having count(*) > 1`);
  expect(resolvedTwice).toEqual([]);
  // No open hold on a closed pool.
  const openOnClosed = await queryRows(
    real.db,
    sql`select h.id from holds h join budget_pools p on p.id = h.pool_id join budget_periods bp on bp.id = p.period_id where bp.status = 'closed' and h.status = 'open'`,
  );
  expect(openOnClosed).toEqual([]);
}

const key = () => `model-${randomUUID()}`;

class Allocate implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pool: number, readonly amount: number) {}
  check = (m: Readonly<Model>) => this.pool < m.pools.length;
  async run(m: Model, real: Real) {
    const request = { poolId: real.poolIds[this.pool]!, amount: this.amount, idempotencyKey: key(), now: JAN };
    const result = await attempt(async () => await allocate(real.db, real.finance, request));
    expect(result.ok).toBe(!isClosed(m, this.pool));
    if (result.ok) {
      m.pools[this.pool]!.allocated += this.amount;
      m.history.push({
        label: this.toString(),
        same: async (r) => await allocate(r.db, r.finance, request),
        different: async (r) => await allocate(r.db, r.finance, { ...request, amount: request.amount + 1 }),
      });
    }
    await checkInvariants(m, real);
  }
  toString = () => `allocate(pool ${this.pool}, ${this.amount})`;
}

class Adjust implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pool: number, readonly amount: number) {}
  check = (m: Readonly<Model>) => this.pool < m.pools.length;
  async run(m: Model, real: Real) {
    const request = { poolId: real.poolIds[this.pool]!, amount: this.amount, reason: "Model adjustment", idempotencyKey: key(), now: JAN };
    const fits = availableOf(m, this.pool) + this.amount >= 0;
    const result = await attempt(async () => await adjust(real.db, real.finance, request));
    expect(result.ok).toBe(!isClosed(m, this.pool) && fits);
    if (!result.ok && !isClosed(m, this.pool)) expect(result.error.code).toBe("INSUFFICIENT_FUNDS");
    if (result.ok) {
      m.pools[this.pool]!.adjustments += this.amount;
      m.history.push({
        label: this.toString(),
        same: async (r) => await adjust(r.db, r.finance, request),
        different: async (r) => await adjust(r.db, r.finance, { ...request, amount: -request.amount }),
      });
    }
    await checkInvariants(m, real);
  }
  toString = () => `adjust(pool ${this.pool}, ${this.amount})`;
}

class Hold implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pool: number, readonly amount: number) {}
  check = (m: Readonly<Model>) => this.pool < m.pools.length;
  async run(m: Model, real: Real) {
    const request = { poolId: real.poolIds[this.pool]!, gestureId: m.holds.length + 1, amount: this.amount, idempotencyKey: key(), now: JAN };
    const fits = this.amount <= availableOf(m, this.pool);
    const result = await attempt(async () => await placeHold(real.db, system, request));
    expect(result.ok).toBe(!isClosed(m, this.pool) && fits);
    if (!result.ok && !isClosed(m, this.pool)) expect(result.error.code).toBe("INSUFFICIENT_FUNDS");
    if (result.ok) {
      m.holds.push({ pool: this.pool, amount: this.amount, status: "open", dbId: result.value.holdId });
      m.history.push({
        label: this.toString(),
        same: async (r) => await placeHold(r.db, system, request),
        different: async (r) => await placeHold(r.db, system, { ...request, amount: request.amount + 1 }),
      });
    }
    await checkInvariants(m, real);
  }
  toString = () => `hold(pool ${this.pool}, ${this.amount})`;
}

class Release implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.holds.length > 0;
  async run(m: Model, real: Real) {
    const hold = m.holds[this.pick % m.holds.length]!;
    const request = { holdId: hold.dbId, idempotencyKey: key(), now: JAN };
    const result = await attempt(async () => await releaseHold(real.db, system, request));
    expect(result.ok).toBe(hold.status === "open");
    if (result.ok) {
      hold.status = "released";
      m.history.push({
        label: this.toString(),
        same: async (r) => await releaseHold(r.db, system, request),
        // The same key for another hold.
        different: async (r) => await releaseHold(r.db, system, { ...request, holdId: request.holdId + 1 }),
      });
    }
    await checkInvariants(m, real);
  }
  toString = () => `release(hold #${this.pick})`;
}

class Capture implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly actual: number) {}
  check = (m: Readonly<Model>) => m.holds.length > 0;
  async run(m: Model, real: Real) {
    const hold = m.holds[this.pick % m.holds.length]!;
    const request = { holdId: hold.dbId, actualAmount: this.actual, idempotencyKey: key(), now: JAN };
    const open = hold.status === "open";
    const fits = open && availableOf(m, hold.pool) + hold.amount - this.actual >= 0;
    const result = await attempt(async () => await captureHold(real.db, system, request));
    expect(result.ok).toBe(open && fits);
    if (!result.ok) expect(result.error.code).toBe(open ? "INSUFFICIENT_FUNDS" : "INVALID_STATE");
    if (result.ok) {
      hold.status = "captured";
      m.pools[hold.pool]!.spent += this.actual;
      expect(result.value.remainderReleased).toBe(Math.max(0, hold.amount - this.actual));
      m.history.push({
        label: this.toString(),
        same: async (r) => await captureHold(r.db, system, request),
        different: async (r) => await captureHold(r.db, system, { ...request, actualAmount: request.actualAmount + 1 }),
      });
    }
    await checkInvariants(m, real);
  }
  toString = () => `capture(hold #${this.pick}, ${this.actual})`;
}

class OpenNext implements fc.AsyncCommand<Model, Real> {
  constructor(readonly amounts: number[]) {}
  check = (m: Readonly<Model>) => !m.periodOpen[1];
  async run(m: Model, real: Real) {
    const result = await openPeriod(real.db, real.finance, {
      amounts: real.branchIds.map((branchId, i) => ({ branchId, amount: this.amounts[i]! })),
      idempotencyKey: key(),
      now: JAN,
    });
    m.periodOpen[1] = true;
    real.periodIds.push(result.periodId);
    const pools = await real.db.select({ id: budgetPools.id }).from(budgetPools).where(eq(budgetPools.periodId, result.periodId)).orderBy(budgetPools.branchId);
    pools.forEach((pool, i) => {
      real.poolIds.push(pool.id);
      m.pools.push({ period: 1, allocated: this.amounts[i]!, adjustments: 0, spent: 0 });
    });
    await checkInvariants(m, real);
  }
  toString = () => `openNext(${this.amounts.join(", ")})`;
}

class Close implements fc.AsyncCommand<Model, Real> {
  constructor(readonly carry: boolean) {}
  check = () => true;
  async run(m: Model, real: Real) {
    // What the model expects, computed on a copy and applied only if the close succeeds.
    const firstPools = m.pools.map((p, i) => ({ p, i })).filter(({ p }) => p.period === 0);
    const openHolds = m.holds.filter((h) => h.status === "open" && m.pools[h.pool]!.period === 0);
    const unspent = firstPools.reduce((s, { i }) => s + availableOf(m, i), 0);
    const needsNext = openHolds.length > 0 || (m.rule === "carry_over" && unspent > 0);
    let expectOk = !m.periodClosed[0] && (openHolds.length === 0 || this.carry) && (!needsNext || m.periodOpen[1]);
    const next = structuredClone({ pools: m.pools, holds: m.holds });
    if (expectOk) {
      for (const { i } of firstPools) {
        const here = openHolds.filter((h) => h.pool === i);
        const released = here.reduce((s, h) => s + h.amount, 0);
        const avail = availableOf(m, i) + released;
        next.pools[i]!.adjustments -= avail;
        const target = i + BRANCHES; // the same branch's pool in period 2
        if (m.rule === "carry_over" && avail > 0) next.pools[target]!.adjustments += avail;
        if (here.length > 0) {
          const p = next.pools[target]!;
          const committed = next.holds.filter((h) => h.pool === target && h.status === "open").reduce((s, h) => s + h.amount, 0);
          if (released > p.allocated + p.adjustments - committed - p.spent) expectOk = false;
        }
      }
    }
    const result = await attempt(async () => await closePeriod(real.db, real.finance, { periodId: real.periodIds[0]!, carryOpenHolds: this.carry, now: JAN }));
    expect(result.ok).toBe(expectOk);
    if (result.ok) {
      m.pools = next.pools;
      m.holds = next.holds;
      m.periodClosed[0] = true;
      // Each carried hold became a new open hold in period 2, in id order.
      const carried = await real.db.select().from(holds).where(eq(holds.status, "carried"));
      for (const hold of m.holds.filter((h) => h.status === "open" && m.pools[h.pool]!.period === 0)) {
        hold.status = "carried";
        const row = carried.find((c) => c.id === hold.dbId)!;
        m.holds.push({ pool: hold.pool + BRANCHES, amount: hold.amount, status: "open", dbId: row.carriedToHoldId! });
      }
    }
    await checkInvariants(m, real);
  }
  toString = () => `close(carry: ${this.carry})`;
}

class Replay implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly differently: boolean) {}
  check = (m: Readonly<Model>) => m.history.length > 0;
  async run(m: Model, real: Real) {
    const entry = m.history[this.pick % m.history.length]!;
    await expectUnchanged(real, async () => {
      if (this.differently) {
        const result = await attempt(async () => await entry.different(real));
        expect(result.ok, `${entry.label} replayed with other details`).toBe(false);
        if (!result.ok) expect(result.error.code).toBe("CONFLICT");
      } else {
        expect((await entry.same(real)).replayed, `${entry.label} replayed`).toBe(true);
      }
    });
    await checkInvariants(m, real);
  }
  toString = () => `replay(#${this.pick}${this.differently ? ", different" : ""})`;
}

const pool = fc.nat({ max: BRANCHES * 2 - 1 });
const commands = [
  fc.tuple(pool, fc.integer({ min: 1, max: 5_000 })).map(([p, a]) => new Allocate(p, a)),
  fc
    .tuple(
      pool,
      fc.integer({ min: -4_000, max: 3_000 }).filter((a) => a !== 0),
    )
    .map(([p, a]) => new Adjust(p, a)),
  fc.tuple(pool, fc.integer({ min: 1, max: 4_000 })).map(([p, a]) => new Hold(p, a)),
  fc.tuple(pool, fc.integer({ min: 1, max: 4_000 })).map(([p, a]) => new Hold(p, a)),
  fc.nat().map((n) => new Release(n)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 5_000 })).map(([n, a]) => new Capture(n, a)),
  fc.array(fc.integer({ min: 0, max: 8_000 }), { minLength: BRANCHES, maxLength: BRANCHES }).map((a) => new OpenNext(a)),
  fc.boolean().map((carry) => new Close(carry)),
  fc.tuple(fc.nat(), fc.boolean()).map(([n, d]) => new Replay(n, d)),
];

async function addOrganisation(db: Db) {
  await db.insert(organisation).values({ id: 1, name: "Model Bank", currency: "USD", timeZone: "America/New_York" });
  await db.insert(users).values({ email: "finance@model.test", name: "Finance", role: "finance", passwordHash: "-" });
  for (let i = 0; i < BRANCHES; i++) await db.insert(branches).values({ code: `M${i}`, name: `Model ${i}`, region: "R" });
}

/** On SQLite: a migrated database with the organisation, a finance user and the branches, copied for each run. */
const template = onPostgres
  ? undefined
  : (async () => {
      const db = openDatabase(":memory:");
      await addOrganisation(db);
      const image = sqliteOf(db).serialize();
      sqliteOf(db).close();
      return image;
    })();

async function freshDatabase(): Promise<Db> {
  if (!template) {
    const db = createTestDatabase();
    await addOrganisation(db);
    return db;
  }
  const sqlite = new Database(await template);
  sqlite.pragma("foreign_keys = ON");
  return drizzle(sqlite, { schema });
}

async function setup(initial: number[], rule: UnspentBalanceRule): Promise<{ model: Model; real: Real }> {
  const db = await freshDatabase();
  await db.update(organisation).set({ unspentBalanceRule: rule });
  const finance: FinanceActor = { id: (await firstRow(db.select().from(users).limit(1)))!.id, role: "finance" };
  const branchIds = (await db.select({ id: branches.id }).from(branches).orderBy(branches.id)).map((b) => b.id);
  const opened = await openPeriod(db, finance, { amounts: branchIds.map((branchId, i) => ({ branchId, amount: initial[i]! })), idempotencyKey: key(), now: NOV });
  const poolIds = (await db.select({ id: budgetPools.id }).from(budgetPools).orderBy(budgetPools.branchId)).map((p) => p.id);
  return {
    model: {
      rule,
      pools: initial.map((allocated) => ({ period: 0, allocated, adjustments: 0, spent: 0 })),
      holds: [],
      periodOpen: [true, false],
      periodClosed: [false, false],
      history: [],
    },
    real: { db, finance, branchIds, poolIds, periodIds: [opened.periodId] },
  };
}

describe("ledger model", () => {
  it(`${RUNS} random sequences of allocate, adjust, hold, release, capture, open, close and replays match a plain model`, { timeout: 600_000 }, async () => {
    let runs = 0;
    stepsChecked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: BRANCHES, maxLength: BRANCHES }),
        fc.constantFrom<UnspentBalanceRule>("lapse", "carry_over"),
        fc.commands(commands, { maxCommands: 40, size: "max" }),
        async (initial, rule, cmds) => {
          const { model, real } = await setup(initial, rule);
          try {
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            runs++;
          } finally {
            await closeDatabase(real.db);
          }
        },
      ),
      { numRuns: RUNS },
    );
    // Reported in the note.
    console.log(`ledger model: ${runs} sequences, ${stepsChecked} steps checked, 0 divergences`);
    expect(runs).toBe(RUNS);
  });
});
