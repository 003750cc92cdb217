// Demo data for finance's unusual-pattern flags (issue 7), made through the workflow's own
// functions: Tom Becker (South) proposes flowers twice for one customer within two days, each under
// the $150.00 second-approval threshold and together over it, so /finance/flags shows a split for
// the customer and for the proposer. Dated in the hours before the seed runs, both in one quarter
// (flags are per quarter): the current one, or the previous one in a quarter's first days.
import { and, asc, eq, isNull, like } from "drizzle-orm";
import type { GestureActor } from "../app/domain/gestures/gesture-record.server";
import { localDate, startOfLocalDay } from "../app/domain/core/dates";
import { periodContaining } from "../app/domain/budget/periods";
import { proposeGesture } from "../app/domain/gestures/proposals.server";
import type { Db } from "../app/utils/db.server";
import { branches, customers, gestures, gestureTypes, users } from "./schema";
import { firstRow } from "~/utils/query.server";
import { eachInSeries, filterInSeries } from "~/utils/in-series";

export async function seedPatterns(db: Db, options: { now: Date; timeZone: string }): Promise<{ gestures: number }> {
  const proposer = (await firstRow(db.select({ id: users.id, role: users.role, branchId: users.branchId }).from(users).where(eq(users.email, "tom.becker@example.com")).limit(1))) as
    | GestureActor
    | undefined;
  if (!proposer) throw new Error("The patterns seed needs the demo user tom.becker@example.com.");
  const south = (await firstRow(db.select({ id: branches.id }).from(branches).where(eq(branches.code, "STH")).limit(1)))!;
  const flowers = (await firstRow(db.select({ id: gestureTypes.id }).from(gestureTypes).where(eq(gestureTypes.code, "flowers")).limit(1)))!;
  // A contactable South customer with a delivery address and no gesture yet.
  const candidates = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.branchId, south.id), eq(customers.doNotContact, false), isNull(customers.erasedAt), like(customers.crmRef, "STH-0%")))
    .orderBy(asc(customers.id));
  const customer = (await filterInSeries(candidates, async (c) => !(await firstRow(db.select({ id: gestures.id }).from(gestures).where(eq(gestures.customerId, c.id)).limit(1)))))[0];
  if (!customer) throw new Error("No South customer left for the patterns seed.");
  const plans = [
    { occasion: "complaint" as const, amount: 9_000, hoursBefore: 60, justification: "Card blocked abroad twice in one week." },
    { occasion: "service_failure" as const, amount: 8_500, hoursBefore: 20, justification: "Mortgage payment taken twice by the bank's error." },
  ];
  // Before the current quarter has lasted as long as the pair spans, the pair ends an hour before it began.
  const quarterStart = startOfLocalDay(periodContaining(localDate(options.now, options.timeZone), "quarter").startsOn, options.timeZone);
  const earliest = Math.max(...plans.map((p) => p.hoursBefore));
  const anchor = options.now.getTime() - earliest * 3_600_000 >= quarterStart.getTime() ? options.now : new Date(quarterStart.getTime() - 3_600_000);
  await eachInSeries(plans, async (plan, index) => {
    await proposeGesture(
      db,
      proposer,
      {
        createKey: `seed-pattern-${index + 1}`,
        customerId: customer.id,
        occasion: plan.occasion,
        signalId: null,
        typeId: flowers.id,
        amount: plan.amount,
        cardMessage: "",
        justification: plan.justification,
        deliveryMethod: "in_branch",
        compensationOwed: "no",
        submit: true,
      },
      new Date(anchor.getTime() - plan.hoursBefore * 3_600_000),
    );
  });
  return { gestures: plans.length };
}
