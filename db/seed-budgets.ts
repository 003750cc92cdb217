// Demo budgets for db/seed.ts: a pool for every branch in the previous and the current quarter
// (relative to the day the seed runs, so the demo always has a current budget), with a ledger
// history written through the domain functions themselves: allocations, a top-up and a
// correction, holds for gestures that were captured (a little under or over), released, or are
// still open. Amounts come from a fixed pseudo-random sequence, so they are the same every time.
import { count, eq } from "drizzle-orm";
import { openPeriod } from "../app/domain/budget/budget-periods.server";
import { adjust, allocate, captureHold, currentPoolFor, placeHold, releaseHold, type FinanceActor } from "../app/domain/budget/ledger.server";
import { periodContaining } from "../app/domain/budget/periods";
import { addDays, addMonths, daysBetween, localDate } from "../app/domain/core/dates";
import type { DbOrTx } from "../app/utils/db.server";
import { branches, ledgerEntries, users } from "./schema";

/** Opening budget per branch code, in cents, for the previous quarter; the current one is a little higher. */
const BUDGETS: Record<string, number> = { NTH: 300_000, LKS: 220_000, STH: 280_000, HBR: 200_000, CTY: 360_000 };
/** Gestures per branch in a full quarter. */
const GESTURES_PER_QUARTER = 40;

const GESTURES = [
  { memo: "Flowers, bereavement", cents: [6_500, 9_500] },
  { memo: "Condolence card", cents: [800, 1_500] },
  { memo: "Get-well card and flowers", cents: [4_500, 7_500] },
  { memo: "Coffee voucher after a long wait", cents: [1_000, 2_500] },
  { memo: "Meal voucher after a service failure", cents: [2_500, 5_000] },
  { memo: "Gift basket, 25 years a customer", cents: [7_500, 12_000] },
  { memo: "Donation in the customer's name", cents: [5_000, 10_000] },
  { memo: "New baby gift", cents: [4_000, 6_500] },
] as const;

/** mulberry32: a tiny deterministic generator. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 14:00 UTC on a date: morning in the Americas, afternoon in Europe; the same calendar day in the demo's zone. */
const at = (date: string, minutes = 0) => new Date(new Date(`${date}T14:00:00Z`).getTime() + minutes * 60_000);

export function seedBudgets(db: DbOrTx, options: { now: Date; timeZone: string }): { pools: number; entries: number } {
  const financeUser = db.select({ id: users.id }).from(users).where(eq(users.email, "finance@example.com")).get();
  if (!financeUser) throw new Error("The budget seed needs the finance demo account.");
  const finance: FinanceActor = { id: financeUser.id, role: "finance" };
  const branchList = db.select({ id: branches.id, code: branches.code }).from(branches).orderBy(branches.id).all();
  const today = localDate(options.now, options.timeZone);
  const current = periodContaining(today, "quarter");
  const previous = periodContaining(addMonths(current.startsOn, -3), "quarter");
  const next = random(20_260_105);
  const between = (low: number, high: number) => Math.round(low + next() * (high - low));
  let counter = 0;
  // Nothing in the seed happens after the moment it runs.
  const latest = options.now.getTime() - 60_000;
  const time = (date: string, minutes = 0) => new Date(Math.min(at(date, minutes).getTime(), latest));
  const key = (what: string) => `seed-${what}-${++counter}`;

  const elapsed = daysBetween(current.startsOn, today) / daysBetween(current.startsOn, current.endsOn);
  const quarters = [
    { dates: previous, lastDay: addDays(previous.endsOn, -1), growth: 1, gestures: GESTURES_PER_QUARTER },
    // The current quarter only up to today: nothing in the seed happens in the future.
    { dates: current, lastDay: today, growth: 1.05, gestures: Math.max(2, Math.round(GESTURES_PER_QUARTER * elapsed)) },
  ];
  for (const quarter of quarters) {
    const { dates } = quarter;
    openPeriod(db, finance, {
      amounts: branchList.map((b) => ({ branchId: b.id, amount: Math.round(((BUDGETS[b.code] ?? 300_000) * quarter.growth) / 100) * 100 })),
      idempotencyKey: key("open"),
      now: time(dates.startsOn, -60),
    });
    const span = Math.max(1, daysBetween(dates.startsOn, quarter.lastDay));
    const isPrevious = dates === previous;
    const poolOf = (code: string) => currentPoolFor(db, branchList.find((b) => b.code === code)!.id, at(dates.startsOn))!.id;
    // The quarter's events across all branches, run in time order so the ledger reads chronologically.
    const events: { when: Date; run: () => void }[] = [];
    for (const [index, branch] of branchList.entries()) {
      const poolId = poolOf(branch.code);
      const days = Array.from({ length: quarter.gestures }, () => between(0, span)).sort((a, b) => a - b);
      days.forEach((day, n) => {
        const gesture = GESTURES[(index * 3 + n) % GESTURES.length]!;
        const amount = Math.round(between(gesture.cents[0], gesture.cents[1]) / 50) * 50;
        const hold = { id: 0 };
        const placed = time(addDays(dates.startsOn, day), n * 7 + index);
        events.push({
          when: placed,
          run: () => (hold.id = placeHold(db, { id: null }, { poolId, amount, memo: gesture.memo, idempotencyKey: key("hold"), now: placed }).holdId),
        });
        const fate = next();
        const overrun = next();
        // The newest gestures are still waiting to be fulfilled: their holds stay open.
        const newest = n >= days.length - (isPrevious ? 1 : 2);
        if (newest && (!isPrevious || index % 2 === 0)) return;
        const later = time(addDays(dates.startsOn, Math.min(span, day + between(1, 6))), n * 7 + index + 30);
        if (fate < 0.15) {
          events.push({ when: later, run: () => void releaseHold(db, { id: null }, { holdId: hold.id, memo: "Gesture cancelled", idempotencyKey: key("release"), now: later }) });
        } else {
          // Actual cost: usually a little under the approved amount, sometimes a little over.
          const actual = Math.max(50, Math.round((amount * (fate < 0.85 ? 0.9 + overrun * 0.1 : 1 + overrun * 0.05)) / 10) * 10);
          events.push({ when: later, run: () => void captureHold(db, { id: null }, { holdId: hold.id, actualAmount: actual, idempotencyKey: key("capture"), now: later }) });
        }
      });
    }
    if (isPrevious) {
      const topUp = time(addDays(dates.startsOn, Math.floor(span / 2)));
      events.push({
        when: topUp,
        run: () => void allocate(db, finance, { poolId: poolOf("CTY"), amount: 60_000, memo: "Holiday season top-up", idempotencyKey: key("allocate"), now: topUp }),
      });
      const correction = time(addDays(dates.startsOn, Math.min(span, 9)), 45);
      events.push({
        when: correction,
        run: () => {
          adjust(db, finance, { poolId: poolOf("LKS"), amount: -20_000, reason: "Correction: part of the opening allocation was meant for Harbour", idempotencyKey: key("adjust"), now: correction });
          adjust(db, finance, { poolId: poolOf("HBR"), amount: 20_000, reason: "Correction: moved from Lakeside's opening allocation", idempotencyKey: key("adjust"), now: correction });
        },
      });
    }
    events.sort((a, b) => a.when.getTime() - b.when.getTime());
    for (const event of events) event.run();
  }
  const entries = db.select({ n: count() }).from(ledgerEntries).get()?.n ?? 0;
  return { pools: branchList.length * quarters.length, entries };
}
