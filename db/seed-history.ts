// Four quarters of demo history for db/seed.ts (issue 21 part 5), made through the workflow's own
// functions: gestures proposed within staff discretion (so approved on submission, holding the
// budget), fulfilled (capturing it, with a receipt above the receipt threshold) and closed with the
// customer's response. The mix of responses differs by occasion and gesture type, so that "what has
// worked" on the proposal form has something true to say (every pair below has at least
// SMALL_SAMPLE recorded responses). Each gesture answers a signal of its occasion; a customer of the
// same branch with the same signal and no gesture is the comparison, and later survey and complaint
// signals follow both (customers who received a gesture answer surveys better and complain less),
// so return on empathy shows a difference. Finally the quarters before the previous one are closed
// as finance closes them (nothing is left open in them, the unspent balance lapses); the previous
// quarter is left open for finance to close in the demo (tests/e2e/budgets.e2e.ts closes it).
//
// Runs after the other seeds, so the ids of their demo gestures do not move. Dated relative to the
// day the seed runs: quarter q (1 = the previous quarter … 4) from its first days to day 75, every
// response recorded a week after the proposal, so everything lies in the past and each quarter's
// holds are captured before it ends. Sam Carter (staff.north) proposes only in past quarters, so his
// current monthly cap is untouched for the browser journeys.
import { and, asc, eq, isNull, like, sql } from "drizzle-orm";
import { closePeriod } from "../app/domain/budget/budget-periods.server";
import { periodContaining } from "../app/domain/budget/periods";
import type { FinanceActor } from "../app/domain/budget/ledger.server";
import { addDays, addMonths, localDate, startOfLocalDay } from "../app/domain/core/dates";
import type { GestureActor } from "../app/domain/gestures/gesture-record.server";
import { fulfilGesture, recordOutcome } from "../app/domain/gestures/fulfilment.server";
import { proposeGesture } from "../app/domain/gestures/proposals.server";
import type { Db } from "../app/utils/db.server";
import { budgetPeriods, branches, customers, gestureTypes, signals, users, type Occasion, type Outcome } from "./schema";
import { receiptFile } from "./seed-gestures";
import { firstRow, returnedRow } from "~/utils/query.server";

type Mix = Partial<Record<Outcome, number>>;
type Pair = { occasion: Occasion; type: string; amount: number; vendor: string; mix: Mix };

/** Each pair's responses, in counts: flowers after a bereavement mostly thanked, vouchers after a long wait mixed… */
const PAIRS: Pair[] = [
  { occasion: "bereavement", type: "flowers", amount: 4_500, vendor: "Petals of Northgate", mix: { thanked: 18, positive_feedback: 3, neutral: 1, no_response: 2 } },
  { occasion: "bereavement", type: "condolence_card", amount: 800, vendor: "Branch stationery", mix: { thanked: 7, positive_feedback: 3, neutral: 4, no_response: 6 } },
  { occasion: "long_wait", type: "voucher", amount: 2_000, vendor: "Corner Café", mix: { thanked: 5, positive_feedback: 6, neutral: 5, no_response: 4, negative: 4 } },
  { occasion: "illness", type: "get_well_card", amount: 800, vendor: "Branch stationery", mix: { thanked: 8, positive_feedback: 10, neutral: 2, no_response: 2 } },
  { occasion: "illness", type: "flowers", amount: 4_800, vendor: "Petals of Northgate", mix: { thanked: 9, positive_feedback: 5, neutral: 3, no_response: 2, negative: 1 } },
  { occasion: "complaint", type: "voucher", amount: 2_500, vendor: "Station Coffee", mix: { thanked: 3, positive_feedback: 4, neutral: 5, no_response: 3, negative: 5 } },
];

/** Who proposes at each branch (never a manager: staff discretion). */
const PROPOSERS: Record<string, string[]> = {
  NTH: ["priya.shah@example.com", "staff.north@example.com"],
  STH: ["tom.becker@example.com", "staff.south@example.com"],
  LKS: ["marcus.hale@example.com"],
  HBR: ["owen.price@example.com"],
  CTY: ["ben.okafor@example.com"],
};
const BRANCH_ORDER = ["NTH", "STH", "LKS", "HBR", "CTY"];
/** How many quarters of history, the previous one included. */
export const HISTORY_QUARTERS = 4;

const spread = (mix: Mix): Outcome[] => {
  // Interleave the outcomes so every quarter and branch gets a share of each.
  const left = Object.entries(mix).map(([outcome, n]) => ({ outcome: outcome as Outcome, n: n! }));
  const total = left.reduce((s, e) => s + e.n, 0);
  const out: Outcome[] = [];
  for (let i = 0; i < total; i++) {
    const next = left.filter((e) => e.n > 0).sort((a, b) => b.n - a.n)[0]!;
    out.push(next.outcome);
    next.n--;
  }
  return out;
};

export async function seedHistory(db: Db, options: { now: Date; timeZone: string }): Promise<{ gestures: number; signals: number; closed: number }> {
  const { now, timeZone } = options;
  const actor = async (email: string): Promise<GestureActor> => {
    const row = await firstRow(db.select({ id: users.id, role: users.role, branchId: users.branchId }).from(users).where(eq(users.email, email)).limit(1));
    if (!row) throw new Error(`The history seed needs the demo user ${email}.`);
    return row;
  };
  const typeIds = new Map((await db.select({ id: gestureTypes.id, code: gestureTypes.code }).from(gestureTypes)).map((t) => [t.code, t.id]));
  const today = localDate(now, timeZone);
  const current = periodContaining(today, "quarter");
  const quarterStart = (q: number) => periodContaining(addMonths(current.startsOn, -3 * q), "quarter").startsOn;

  // Per branch: contactable customers without a gesture and without a hardship, collections or dispute
  // check; the first half receive gestures, the second half are the comparison.
  const pools = new Map<string, { branchId: number; given: number[]; compared: number[] }>();
  for (const code of BRANCH_ORDER) {
    const branch = (await firstRow(db.select({ id: branches.id }).from(branches).where(eq(branches.code, code)).limit(1)))!;
    const ids = (
      await db
        .select({ id: customers.id })
        .from(customers)
        .where(
          and(
            eq(customers.branchId, branch.id),
            eq(customers.doNotContact, false),
            isNull(customers.erasedAt),
            like(customers.crmRef, `${code}-0%`),
            sql`not exists (select 1 from gestures g where g.customer_id = ${customers.id})`,
            sql`not exists (select 1 from signals h where h.customer_id = ${customers.id} and h.kind in ('hardship', 'collections', 'dispute'))`,
          ),
        )
        .orderBy(asc(customers.id))
    ).map((c) => c.id);
    const half = Math.ceil(ids.length / 2);
    pools.set(code, { branchId: branch.id, given: ids.slice(0, half), compared: ids.slice(half) });
  }

  let signalCount = 0;
  const addSignal = async (customerId: number, branchId: number, kind: Occasion | "survey_promoter" | "survey_detractor", occurredOn: string) => {
    const row = await returnedRow(
      db
        .insert(signals)
        .values({
          customerId,
          branchId,
          kind,
          occurredOn,
          source: kind.startsWith("survey") ? "survey" : "crm",
          severity: 2,
          note: null,
          externalRef: `seed-history-${++signalCount}`,
          createdAt: now,
        })
        .returning({ id: signals.id }),
    );
    return row.id;
  };

  let count = 0;
  const turn = new Map<string, number>();
  for (const [pairIndex, pair] of PAIRS.entries()) {
    const outcomes = spread(pair.mix);
    for (const [i, outcome] of outcomes.entries()) {
      const code = BRANCH_ORDER[(i + pairIndex) % BRANCH_ORDER.length]!;
      const quarter = 1 + ((i + pairIndex) % HISTORY_QUARTERS);
      const branch = pools.get(code)!;
      const n = turn.get(code) ?? 0;
      turn.set(code, n + 1);
      const customerId = branch.given[n % branch.given.length]!;
      const comparedId = branch.compared[n % branch.compared.length]!;
      const proposers = PROPOSERS[code]!;
      const proposer = await actor(proposers[n % proposers.length]!);
      // A day 3 to 75 into the quarter, at 10:00 local time.
      const day = addDays(quarterStart(quarter), 3 + ((i * 7 + pairIndex * 5) % 73));
      const at = (offsetDays: number) => new Date(startOfLocalDay(addDays(day, offsetDays), timeZone).getTime() + 10 * 3_600_000);
      const signalId = await addSignal(customerId, branch.branchId, pair.occasion, addDays(day, -2));
      await addSignal(comparedId, branch.branchId, pair.occasion, addDays(day, -2));
      let state = await proposeGesture(
        db,
        proposer,
        {
          createKey: `seed-history-${pairIndex + 1}-${i + 1}`,
          customerId,
          occasion: pair.occasion,
          signalId,
          typeId: typeIds.get(pair.type)!,
          amount: pair.amount,
          cardMessage: "",
          justification: "",
          deliveryMethod: "in_branch",
          compensationOwed: "no",
          submit: true,
        },
        at(0),
      );
      const receipt = pair.amount > 2_500 ? await receiptFile("png") : null;
      state = await fulfilGesture(
        db,
        proposer,
        { gestureId: state.gestureId, version: state.version, actualAmount: pair.amount, vendor: pair.vendor, fulfilledOn: addDays(day, 1), note: "", receipt },
        at(1),
      );
      await recordOutcome(db, proposer, { gestureId: state.gestureId, version: state.version, outcome, note: "" }, at(7));
      count++;
      // What followed, within the follow-up window: mostly good after a gesture, worse without one.
      const k = i + pairIndex;
      if (outcome === "negative") await addSignal(customerId, branch.branchId, k % 2 ? "complaint" : "survey_detractor", addDays(day, 30));
      else if (k % 3 !== 2) await addSignal(customerId, branch.branchId, "survey_promoter", addDays(day, 40));
      if (k % 4 !== 3) await addSignal(comparedId, branch.branchId, k % 2 ? "complaint" : "survey_detractor", addDays(day, 25));
      else await addSignal(comparedId, branch.branchId, "survey_promoter", addDays(day, 45));
    }
  }

  // Close the quarters before the previous one, oldest first, the day after each ended.
  const financeUser = (await firstRow(db.select({ id: users.id }).from(users).where(eq(users.email, "finance@example.com")).limit(1)))!;
  const finance: FinanceActor = { id: financeUser.id, role: "finance" };
  let closed = 0;
  for (let q = HISTORY_QUARTERS; q >= 2; q--) {
    const period = await firstRow(
      db
        .select({ id: budgetPeriods.id, endsOn: budgetPeriods.endsOn, status: budgetPeriods.status })
        .from(budgetPeriods)
        .where(eq(budgetPeriods.startsOn, quarterStart(q)))
        .limit(1),
    );
    if (!period || period.status !== "open") continue;
    await closePeriod(db, finance, { periodId: period.id, carryOpenHolds: false, now: new Date(startOfLocalDay(period.endsOn, timeZone).getTime() + 15 * 3_600_000) });
    closed++;
  }
  return { gestures: count, signals: signalCount, closed };
}
