// Demo budgets for db/seed.ts: a pool for every branch in the previous and the current quarter
// (relative to the day the seed runs, so the demo always has a current budget), with a ledger
// history written through the domain functions themselves: allocations, a top-up and a
// correction. The spending itself comes from the gestures the other seeds propose, approve and fulfil
// through the workflow, so every hold and capture belongs to a gesture.
import { count, eq } from "drizzle-orm";
import { openPeriod } from "../app/domain/budget/budget-periods.server";
import { adjust, allocate, currentPoolFor, type FinanceActor } from "../app/domain/budget/ledger.server";
import { periodContaining } from "../app/domain/budget/periods";
import { addDays, addMonths, daysBetween, localDate } from "../app/domain/core/dates";
import type { DbOrTx } from "../app/utils/db.server";
import { branches, ledgerEntries, users } from "./schema";
import { firstRow } from "~/utils/query.server";

/** Opening budget per branch code, in cents, for the previous quarter; the current one is a little higher. */
const BUDGETS: Record<string, number> = { NTH: 300_000, LKS: 220_000, STH: 280_000, HBR: 200_000, CTY: 360_000 };
/** 14:00 UTC on a date: morning in the Americas, afternoon in Europe; the same calendar day in the demo's zone. */
const at = (date: string, minutes = 0) => new Date(new Date(`${date}T14:00:00Z`).getTime() + minutes * 60_000);

export async function seedBudgets(db: DbOrTx, options: { now: Date; timeZone: string }): Promise<{ pools: number; entries: number }> {
  const financeUser = await firstRow(db.select({ id: users.id }).from(users).where(eq(users.email, "finance@example.com")).limit(1));
  if (!financeUser) throw new Error("The budget seed needs the finance demo account.");
  const finance: FinanceActor = { id: financeUser.id, role: "finance" };
  const branchList = await db.select({ id: branches.id, code: branches.code }).from(branches).orderBy(branches.id);
  const today = localDate(options.now, options.timeZone);
  const current = periodContaining(today, "quarter");
  const previous = periodContaining(addMonths(current.startsOn, -3), "quarter");
  let counter = 0;
  // Nothing in the seed happens after the moment it runs.
  const latest = options.now.getTime() - 60_000;
  const time = (date: string, minutes = 0) => new Date(Math.min(at(date, minutes).getTime(), latest));
  const key = (what: string) => `seed-${what}-${++counter}`;

  // The older quarters of db/seed-history.ts (which also closes them), then the previous and the current one.
  const older = [3, 2, 1].map((back) => periodContaining(addMonths(previous.startsOn, -3 * back), "quarter"));
  const quarters = [
    ...older.map((dates) => ({ dates, lastDay: addDays(dates.endsOn, -1), growth: 0.95 })),
    { dates: previous, lastDay: addDays(previous.endsOn, -1), growth: 1 },
    // The current quarter only up to today: nothing in the seed happens in the future.
    { dates: current, lastDay: today, growth: 1.05, smaller: { STH: 45_000 } as Record<string, number> },
  ];
  for (const quarter of quarters) {
    const { dates } = quarter;
    await openPeriod(db, finance, {
      // South's current budget is small, so the demo's South gestures take it past the first alert
      // threshold (the alerts are raised by the approvals themselves) and Aisha Bello sees an alert.
      amounts: branchList.map((b) => ({
        branchId: b.id,
        amount: ("smaller" in quarter ? quarter.smaller[b.code] : undefined) ?? Math.round(((BUDGETS[b.code] ?? 300_000) * quarter.growth) / 100) * 100,
      })),
      idempotencyKey: key("open"),
      now: time(dates.startsOn, -60),
    });
    const span = Math.max(1, daysBetween(dates.startsOn, quarter.lastDay));
    const isPrevious = dates === previous;
    const poolOf = async (code: string) => (await currentPoolFor(db, branchList.find((b) => b.code === code)!.id, at(dates.startsOn)))!.id;
    // The quarter's events across all branches, run in time order so the ledger reads chronologically.
    const events: { when: Date; run: () => Promise<unknown> }[] = [];
    // No holds or captures here: every hold in the demo belongs to a gesture, placed by the approval
    // workflow itself (db/seed-gestures.ts and the others), so the spend report has no "Holds without a gesture".
    if (isPrevious) {
      const topUp = time(addDays(dates.startsOn, Math.floor(span / 2)));
      events.push({
        when: topUp,
        run: async () => void (await allocate(db, finance, { poolId: await poolOf("CTY"), amount: 60_000, memo: "Holiday season top-up", idempotencyKey: key("allocate"), now: topUp })),
      });
      const correction = time(addDays(dates.startsOn, Math.min(span, 9)), 45);
      events.push({
        when: correction,
        run: async () => {
          await adjust(db, finance, {
            poolId: await poolOf("LKS"),
            amount: -20_000,
            reason: "Correction: part of the opening allocation was meant for Harbour",
            idempotencyKey: key("adjust"),
            now: correction,
          });
          await adjust(db, finance, { poolId: await poolOf("HBR"), amount: 20_000, reason: "Correction: moved from Lakeside's opening allocation", idempotencyKey: key("adjust"), now: correction });
        },
      });
    }
    events.sort((a, b) => a.when.getTime() - b.when.getTime());
    for (const event of events) await event.run();
  }
  const entries = (await firstRow(db.select({ n: count() }).from(ledgerEntries).limit(1)))?.n ?? 0;
  return { pools: branchList.length * quarters.length, entries };
}
