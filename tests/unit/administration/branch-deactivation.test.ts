// A branch is deactivated only when no money or people are left attached to it.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, branches } from "../../../db/schema";
import { setBranchActive } from "~/domain/administration/branches.server";
import { adjust, placeHold, releaseHold } from "~/domain/budget/ledger.server";
import type { Db } from "~/utils/db.server";
import { key, setupBudget } from "../../support/budget";
import { createClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { refusal } from "../../support/refusal";
import { createUser } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

let db: Db;
const clock = createClock("2026-11-10T15:00:00Z");

beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

const refusalMessage = async (run: () => unknown) => (await refusal(run)).message;

async function setup() {
  const budget = await setupBudget(db, { branches: 1, amounts: [50_000], now: clock.now() });
  const admin = await createUser(db, { role: "admin" });
  return { ...budget, admin, branch: budget.branches[0]!, pool: budget.pools[0]! };
}

describe("branch deactivation", () => {
  it("is refused while the branch has open holds, naming the amount and what to do first", async () => {
    const { admin, branch, pool } = await setup();
    await placeHold(db, { id: null }, { poolId: pool.id, gestureId: 1, amount: 12_500, idempotencyKey: key(), now: clock.now() });
    expect(await refusalMessage(async () => await setBranchActive(db, admin, { branchId: branch.id, active: false }, clock.now()))).toBe(
      `${branch.name} has open holds of $125.00 on its budget. Fulfil, cancel or release those gestures first.`,
    );
    expect((await firstRow(db.select().from(branches).where(eq(branches.id, branch.id)).limit(1)))!.active).toBe(true);
  });

  it("is refused while an open period's pool still has unspent money", async () => {
    const { admin, branch } = await setup();
    expect(await refusalMessage(async () => await setBranchActive(db, admin, { branchId: branch.id, active: false }, clock.now()))).toContain("still has $500.00 unspent in an open budget period");
  });

  it("is refused while active users still work there", async () => {
    const { admin, branch, pool, finance } = await setup();
    await adjust(db, finance, { poolId: pool.id, amount: -50_000, reason: "Branch closing", idempotencyKey: key(), now: clock.now() });
    await createUser(db, { role: "staff", branchId: branch.id });
    expect(await refusalMessage(async () => await setBranchActive(db, admin, { branchId: branch.id, active: false }, clock.now()))).toBe(
      `1 active user works at ${branch.name}. Move them to another branch or deactivate them first.`,
    );
  });

  it("succeeds once holds are resolved, the pool is at zero and nobody works there, and is audited; reactivation works", async () => {
    const { admin, branch, pool, finance } = await setup();
    const hold = await placeHold(db, { id: null }, { poolId: pool.id, gestureId: 7, amount: 1_000, idempotencyKey: key(), now: clock.now() });
    await releaseHold(db, { id: null }, { holdId: hold.holdId, idempotencyKey: key(), now: clock.now() });
    await adjust(db, finance, { poolId: pool.id, amount: -50_000, reason: "Branch closing", idempotencyKey: key(), now: clock.now() });
    expect((await setBranchActive(db, admin, { branchId: branch.id, active: false }, clock.now())).active).toBe(false);
    expect((await setBranchActive(db, admin, { branchId: branch.id, active: true }, clock.now())).active).toBe(true);
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.entity, "branch"))).map((e) => e.action);
    expect(actions).toEqual(["branch.deactivated", "branch.reactivated"]);
  });

  it("only administrators may deactivate a branch", async () => {
    const { branch, financeUser } = await setup();
    expect(await refusalMessage(async () => await setBranchActive(db, { id: financeUser.id, role: "finance" }, { branchId: branch.id, active: false }, clock.now()))).toBe(
      "Only administrators manage branches.",
    );
  });
});
