// A database file ready for tests/support/http-workload.ts: two funded branch pools, the north
// branch's staff member and managers, finance, and enough customers that no proposal meets a cap.
// The policy is set so that 10.00 is at staff discretion and 60.00 waits for one manager.
import { randomUUID } from "node:crypto";
import { organisation, policyDefaults } from "../../db/schema";
import { openPeriod } from "~/domain/budget/budget-periods.server";
import { currentPoolFor } from "~/domain/budget/ledger.server";
import { sql } from "drizzle-orm";
import { closeDatabase, openDatabase, writeTransaction, type Db } from "~/utils/db.server";
import { createCustomer, TEST_PASSWORD } from "./factories";
import { setupGestures, typeId } from "./gesture-setup";
import { newContext, type WorkloadContext } from "./http-workload";
import { signInOver } from "./server-process";
import { firstRow, queryRows } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

export type WorkloadDatabase = { emails: { staff: string; manager: string; finance: string }; pools: number[]; customers: number[]; typeId: number; timeZone: string };

export async function createWorkloadDatabase(
  file: string,
  options: { now: Date; customers: number; poolAmount?: number; openOptions?: Parameters<typeof openDatabase>[1] },
): Promise<WorkloadDatabase> {
  const db = openDatabase(file, options.openOptions);
  const amount = options.poolAmount ?? 100_000;
  const setup = await setupGestures(db, { now: options.now, amounts: [amount, amount] });
  // A workload runs for minutes on a running clock. When the period ends within a day (the clock
  // sweep's last minute of a quarter), finance has opened the next one too, as a bank would, so
  // the proposals sent after midnight find a pool.
  const tomorrow = new Date(options.now.getTime() + 86_400_000);
  if (!(await currentPoolFor(db, setup.north.id, tomorrow))) {
    await openPeriod(db, setup.finance, {
      amounts: [setup.north, setup.south].map((branch) => ({ branchId: branch.id, amount })),
      idempotencyKey: `workload-next-${randomUUID()}`,
      now: options.now,
    });
  }
  await db
    .update(policyDefaults)
    .set({
      discretionLimit: 2_000,
      secondApprovalThreshold: 10_000_000,
      perGestureMax: 10_000_000,
      customerCapAmount: 10_000_000,
      customerCapCount: 1_000,
      staffMonthlyCap: 1_000_000_000,
      receiptRequiredAbove: 10_000_000,
    });
  const customers = await writeTransaction(db, async () => await mapInSeries(Array.from({ length: options.customers }), async () => (await createCustomer(db, { branchId: setup.north.id })).id));
  const result = {
    emails: { staff: setup.staff.email, manager: setup.manager.email, finance: setup.financeUser.email },
    pools: setup.pools.map((p) => p.id),
    customers,
    typeId: await typeId(db, "flowers"),
    timeZone: (await firstRow(db.select({ timeZone: organisation.timeZone }).from(organisation).limit(1)))!.timeZone,
  };
  await closeDatabase(db);
  return result;
}

/** Signs the three actors in on a running server and returns a fresh workload context. */
export async function workloadContext(origin: string, database: WorkloadDatabase): Promise<WorkloadContext> {
  const [staff, manager, finance] = await Promise.all([
    signInOver(origin, database.emails.staff, TEST_PASSWORD),
    signInOver(origin, database.emails.manager, TEST_PASSWORD),
    signInOver(origin, database.emails.finance, TEST_PASSWORD),
  ]);
  return newContext({ origin, cookies: { staff, manager, finance }, pools: database.pools, customers: database.customers, typeId: database.typeId, timeZone: database.timeZone });
}

/**
 * What the suites check after the workload, besides checkDatabase: every acknowledged write is
 * on disk, no pool's running balance ever went below zero, no proposal holds money twice, every
 * approved proposal holds money once, and no decided or withdrawn proposal is waiting again.
 */
export async function workloadProblems(db: Db, acknowledged: WorkloadContext["acknowledged"]): Promise<Record<string, unknown[]>> {
  const rows = (query: string) => queryRows<Record<string, unknown>>(db, sql.raw(query));
  const set = async (query: string) => new Set((await rows(query)).map((r) => r.v as string | number));
  const ledgerKeys = await set("select idempotency_key as v from ledger_entries where idempotency_key is not null");
  const gestureKeys = await set("select create_key as v from gestures where create_key is not null");
  const waiting = await set("select id as v from gestures where status in ('draft', 'submitted', 'awaiting_finance')");
  const ended = await set("select id as v from gestures where status in ('fulfilled', 'closed', 'cancelled', 'needs_reapproval')");
  return {
    "acknowledged ledger writes missing": acknowledged.ledger.filter((k) => !ledgerKeys.has(k)),
    "acknowledged proposals missing": acknowledged.gestures.filter((k) => !gestureKeys.has(k)),
    "acknowledged decisions lost": acknowledged.decided.filter((id) => waiting.has(id)),
    "acknowledged withdrawals lost": acknowledged.withdrawn.filter((id) => waiting.has(id)),
    "acknowledged fulfilments lost": acknowledged.fulfilled.filter((id) => !ended.has(id)),
    "acknowledged cancellations lost": acknowledged.cancelled.filter((id) => !ended.has(id)),
    "ended gestures still holding money": await rows(
      "select g.id from gestures g join holds h on h.gesture_id = g.id where g.status in ('fulfilled', 'closed', 'cancelled') and h.status = 'open'",
    ),
    "entries leaving a pool below zero": await rows("select id from ledger_entries where balance_after < 0"),
    "proposals holding money twice": await rows("select gesture_id from holds where gesture_id is not null and status <> 'carried' group by gesture_id having count(*) > 1"),
    "approved proposals without exactly one hold": await rows(
      "select g.id from gestures g where g.status = 'approved' and (select count(*) from holds h where h.gesture_id = g.id and h.status <> 'carried') <> 1",
    ),
  };
}

export const NO_PROBLEMS = {
  "acknowledged ledger writes missing": [],
  "acknowledged proposals missing": [],
  "acknowledged decisions lost": [],
  "acknowledged withdrawals lost": [],
  "acknowledged fulfilments lost": [],
  "acknowledged cancellations lost": [],
  "ended gestures still holding money": [],
  "entries leaving a pool below zero": [],
  "proposals holding money twice": [],
  "approved proposals without exactly one hold": [],
};
