// The suggestions queue of a branch: who may need a gesture, and why, ranked by a transparent
// score. Candidates come from three index ranges (recent signals of the branch, birthdays in the
// next days, customer anniversaries ahead), never from a scan of the whole customer table.
//
// Gestures (issue 5): a customer at their 12-month cap is not a candidate, and an occasion already
// answered by a gesture (a signal it names, or a birthday or anniversary gesture) is not suggested.
import { and, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { customers, gestures, signals, suggestionDismissals, type Occasion, type SignalKind } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { type Actor, branchOf } from "../customers/customers.server";
import { ANNIVERSARY_WEIGHT, ANNIVERSARY_WINDOW_DAYS, ANNIVERSARY_YEARS, BIRTHDAY_WEIGHT, BIRTHDAY_WINDOW_DAYS, relativeDays, SIGNAL_KIND_LABELS, SUGGESTION_RULES } from "../customers/customer-rules";
import { addDays, addYears, daysBetween, localDate, startOfLocalDay } from "../core/dates";
import { leftAloneSince } from "./gesture-rules";
import { DomainError } from "../core/errors";
import { customerAtCapCondition } from "./gesture-record.server";
import { getOrganisation, getPrivacySettings } from "../core/organisation.server";
import { getEffectivePolicy } from "../policy/policy.server";
import { bestTypeByOccasion } from "../feedback/what-worked.server";
import { describeRecord, workedPoints, type RankedType } from "../feedback/what-worked";
import { formatMoney } from "../core/money";
import { returnedRow, firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

const LONGEST_WINDOW = Math.max(...Object.values(SUGGESTION_RULES).map((r) => r.windowDays));
/** Birthdays and anniversaries stay hidden this long after a dismissal (they carry no signal id). */
const CALENDAR_DISMISSAL_DAYS = 60;

export type SuggestionOccasion =
  | { type: "signal"; kind: SignalKind; signalId: number; occurredOn: string; daysAgo: number; severity: number }
  | { type: "birthday"; inDays: number }
  | { type: "anniversary"; years: number; inDays: number };

export type Suggestion = {
  customerId: number;
  name: string;
  crmRef: string;
  customerSince: string;
  occasion: SuggestionOccasion;
  reason: string;
  score: number;
  /** The score's parts, so that anyone can see why a row ranks where it does. */
  scoreParts: { kind: number; recency: number; severity: number; tenure: number; worked: number };
  /** Why the "what has worked" part is what it is (issue 21): the occasion's best gesture type and its record. */
  workedNote: string;
};

/** Kinds that prompt suggestions, grouped by the length of their window. */
function windowGroups(): [number, SignalKind[]][] {
  const groups = new Map<number, SignalKind[]>();
  for (const [kind, rule] of Object.entries(SUGGESTION_RULES) as [SignalKind, { windowDays: number }][]) {
    groups.set(rule.windowDays, [...(groups.get(rule.windowDays) ?? []), kind]);
  }
  return [...groups.entries()];
}

/**
 * Customers who can receive a gesture: in the branch, not erased, not do-not-contact, not at their
 * 12-month cap (amount or count, under the branch's policy), and not left alone after a negative
 * response (`leaveAlone`, when the policy turns it on).
 */
function candidateFilter(branchId: number, atCap: SQL, leaveAlone: SQL | undefined): SQL {
  return and(eq(customers.branchId, branchId), eq(customers.doNotContact, false), isNull(customers.erasedAt), sql`not ${atCap}`, leaveAlone)!;
}

/**
 * Customers whose last recorded response was negative and recorded on or after the local date
 * `since` (issue 21): the branch's policy leaves them out of suggestions for a while.
 */
function notLeftAlone(since: Date): SQL {
  return sql`not exists (
    select 1 from gestures g
    where g.customer_id = ${customers.id} and g.outcome = 'negative' and g.outcome_recorded_at >= ${since.getTime()}
      and not exists (select 1 from gestures h where h.customer_id = g.customer_id and h.outcome is not null and h.outcome_recorded_at > g.outcome_recorded_at)
  )`;
}

/** Gestures that still answer an occasion: everything but those that ended without one. */
const LIVE_GESTURE = sql`g.status not in ('withdrawn', 'rejected', 'cancelled', 'expired')`;

function tenurePoints(customerSince: string, today: string) {
  const years = Math.max(0, Math.floor(daysBetween(customerSince, today) / 365.25));
  return Math.round((Math.min(years, 25) / 25) * 10);
}

function sinceWords(customerSince: string) {
  return `customer since ${customerSince.slice(0, 4)}`;
}

function ordinal(n: number) {
  const suffix = n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th";
  return `${n}${suffix}`;
}

/** The month-day ranges of the next `days` days (two ranges across New Year). */
function monthDayRanges(today: string, days: number): [string, string][] {
  const from = today.slice(5);
  const to = addDays(today, days).slice(5);
  return from <= to
    ? [[from, to]]
    : [
        [from, "12-31"],
        ["01-01", to],
      ];
}

/** Every suggestion of the branch on `today`, best first. */
export async function listSuggestions(db: Db, actor: Actor, now: Date): Promise<{ rows: Suggestion[]; today: string }> {
  const branchId = branchOf(actor);
  const { timeZone } = await getPrivacySettings(db);
  const today = localDate(now, timeZone);
  const { policy } = await getEffectivePolicy(db, branchId);
  const atCap = customerAtCapCondition(customers.id, policy, now);
  const leaveAlone = policy.leaveAloneMonths > 0 ? notLeftAlone(startOfLocalDay(leftAloneSince(today, policy.leaveAloneMonths), timeZone)) : undefined;
  // What has worked, once per occasion (kept figures: pools × types, not gestures).
  const { currency } = await getOrganisation(db);
  const worked = new Map<Occasion, { points: number; note: string }>();
  let bestByOccasion: Map<Occasion, RankedType> | null = null;
  const workedFor = async (occasion: Occasion) => {
    let w = worked.get(occasion);
    if (!w) {
      bestByOccasion ??= await bestTypeByOccasion(db);
      const best: RankedType | undefined = bestByOccasion.get(occasion);
      const points = workedPoints(best);
      const label = `a ${SIGNAL_KIND_LABELS[occasion].toLowerCase()}`;
      w = {
        points,
        note:
          !best || best.recorded === 0
            ? `What has worked 0: no response recorded yet after ${label}.`
            : `What has worked ${points}: best after ${label} is ${best.typeName}, ${describeRecord(best, (m) => formatMoney(m, currency))} (lower bound ${Math.round(best.bound * 100)} %${
                best.smallSample ? ", counted at half weight" : ""
              }).`,
      };
      worked.set(occasion, w);
    }
    return w;
  };
  const byCustomer = new Map<number, Suggestion>();
  const consider = (s: Suggestion) => {
    const current = byCustomer.get(s.customerId);
    if (!current || s.score > current.score) byCustomer.set(s.customerId, s);
  };
  const dismissedSince = new Date(now.getTime() - CALENDAR_DISMISSAL_DAYS * 24 * 60 * 60 * 1000);

  // 1. Recent signals: one range of (branch_id, occurred_on); a dismissal hides signals up to its mark.
  const recent = await db
    .select({
      signalId: signals.id,
      kind: signals.kind,
      occurredOn: signals.occurredOn,
      severity: signals.severity,
      customerId: customers.id,
      name: customers.name,
      crmRef: customers.crmRef,
      customerSince: customers.customerSince,
    })
    .from(signals)
    .innerJoin(customers, eq(customers.id, signals.customerId))
    .where(
      and(
        eq(signals.branchId, branchId),
        gte(signals.occurredOn, addDays(today, -LONGEST_WINDOW)),
        lte(signals.occurredOn, today),
        // Each kind within its own window, before the join: fewer customer rows to read.
        or(...windowGroups().map(([days, kinds]) => and(inArray(signals.kind, kinds), gte(signals.occurredOn, addDays(today, -days))))),
        candidateFilter(branchId, atCap, leaveAlone),
        sql`not exists (select 1 from ${suggestionDismissals} d where d.customer_id = ${signals.customerId} and d.up_to_signal_id >= ${signals.id})`,
        // A signal already answered by a gesture (proposed, approved or given) is not suggested again.
        sql`not exists (select 1 from ${gestures} g where g.signal_id = ${signals.id} and ${LIVE_GESTURE})`,
      ),
    );
  for (const row of recent) {
    const rule = SUGGESTION_RULES[row.kind];
    if (!rule) continue;
    const daysAgo = daysBetween(row.occurredOn, today);
    if (daysAgo > rule.windowDays) continue;
    const w = await workedFor(row.kind);
    const scoreParts = {
      kind: rule.weight,
      recency: Math.round(20 * (1 - daysAgo / rule.windowDays)),
      severity: row.severity * 5,
      tenure: tenurePoints(row.customerSince, today),
      worked: w.points,
    };
    consider({
      customerId: row.customerId,
      name: row.name,
      crmRef: row.crmRef,
      customerSince: row.customerSince,
      occasion: { type: "signal", kind: row.kind, signalId: row.signalId, occurredOn: row.occurredOn, daysAgo, severity: row.severity },
      reason: `${SIGNAL_KIND_LABELS[row.kind]} noted ${relativeDays(daysAgo)} · ${sinceWords(row.customerSince)}`,
      score: scoreParts.kind + scoreParts.recency + scoreParts.severity + scoreParts.tenure + scoreParts.worked,
      scoreParts,
      workedNote: w.note,
    });
  }

  const notRecentlyDismissed = sql`not exists (select 1 from ${suggestionDismissals} d where d.customer_id = ${customers.id} and d.dismissed_at >= ${dismissedSince.getTime()})`;
  // A birthday or anniversary gesture made in the same 60 days answers the calendar occasion.
  const noCalendarGesture = (occasion: "birthday" | "tenure_anniversary") =>
    sql`not exists (select 1 from ${gestures} g where g.customer_id = ${customers.id} and g.occasion = ${occasion} and g.created_at >= ${dismissedSince.getTime()} and ${LIVE_GESTURE})`;
  const calendarColumns = { customerId: customers.id, name: customers.name, crmRef: customers.crmRef, customerSince: customers.customerSince, birthday: customers.birthday };

  // 2. Birthdays in the next days: range(s) of (branch_id, birthday).
  const birthdayRanges = monthDayRanges(today, BIRTHDAY_WINDOW_DAYS).map(([from, to]) => and(gte(customers.birthday, from), lte(customers.birthday, to))!);
  const birthdays = await db
    .select(calendarColumns)
    .from(customers)
    .where(and(candidateFilter(branchId, atCap, leaveAlone), or(...birthdayRanges), notRecentlyDismissed, noCalendarGesture("birthday")));
  for (const row of birthdays) {
    const inDays = nextOccurrenceIn(today, row.birthday!);
    if (inDays > BIRTHDAY_WINDOW_DAYS) continue;
    const w = await workedFor("birthday");
    const scoreParts = { kind: BIRTHDAY_WEIGHT, recency: Math.round(20 * (1 - inDays / BIRTHDAY_WINDOW_DAYS)), severity: 0, tenure: tenurePoints(row.customerSince, today), worked: w.points };
    consider({
      customerId: row.customerId,
      name: row.name,
      crmRef: row.crmRef,
      customerSince: row.customerSince,
      occasion: { type: "birthday", inDays },
      reason: `Birthday ${inDays === 0 ? "today" : `in ${inDays} day${inDays === 1 ? "" : "s"}`} · ${sinceWords(row.customerSince)}`,
      score: scoreParts.kind + scoreParts.recency + scoreParts.tenure + scoreParts.worked,
      scoreParts,
      workedNote: w.note,
    });
  }

  // 3. Anniversaries (5th, 10th, 20th, 25th) in the next days: one range of (branch_id, customer_since) per milestone.
  const anniversaryRanges = ANNIVERSARY_YEARS.map((years) => {
    const from = shiftYears(today, -years);
    const to = shiftYears(addDays(today, ANNIVERSARY_WINDOW_DAYS), -years);
    return and(gte(customers.customerSince, from), lte(customers.customerSince, to))!;
  });
  const anniversaries = await db
    .select(calendarColumns)
    .from(customers)
    .where(and(candidateFilter(branchId, atCap, leaveAlone), or(...anniversaryRanges), notRecentlyDismissed, noCalendarGesture("tenure_anniversary")));
  for (const row of anniversaries) {
    const inDays = nextOccurrenceIn(today, row.customerSince.slice(5));
    if (inDays > ANNIVERSARY_WINDOW_DAYS) continue;
    const years = Number(addDays(today, inDays).slice(0, 4)) - Number(row.customerSince.slice(0, 4));
    if (!(ANNIVERSARY_YEARS as readonly number[]).includes(years)) continue;
    const w = await workedFor("tenure_anniversary");
    const scoreParts = { kind: ANNIVERSARY_WEIGHT, recency: Math.round(20 * (1 - inDays / ANNIVERSARY_WINDOW_DAYS)), severity: 0, tenure: tenurePoints(row.customerSince, today), worked: w.points };
    consider({
      customerId: row.customerId,
      name: row.name,
      crmRef: row.crmRef,
      customerSince: row.customerSince,
      occasion: { type: "anniversary", years, inDays },
      reason: `${ordinal(years)} customer anniversary ${inDays === 0 ? "today" : `in ${inDays} day${inDays === 1 ? "" : "s"}`} · ${sinceWords(row.customerSince)}`,
      score: scoreParts.kind + scoreParts.recency + scoreParts.tenure + scoreParts.worked,
      scoreParts,
      workedNote: w.note,
    });
  }

  // Plain comparisons: localeCompare costs more than the queries on a branch with thousands of rows.
  const rows = [...byCustomer.values()].sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.customerId - b.customerId);
  return { rows, today };
}

/** Days from `today` to the next MM-DD (0 when it is today). 29 February falls on 1 March in other years. */
function nextOccurrenceIn(today: string, monthDay: string): number {
  const year = Number(today.slice(0, 4));
  for (const y of [year, year + 1]) {
    // 2024 is a leap year, so every MM-DD exists in it; addYears moves 29 February to 1 March.
    const date = addYears(`2024-${monthDay}`, y - 2024);
    const days = daysBetween(today, date);
    if (days >= 0) return days;
  }
  return 366;
}

function shiftYears(date: string, years: number): string {
  return `${String(Number(date.slice(0, 4)) + years).padStart(4, "0")}${date.slice(4)}`;
}

/** Dismisses a customer's suggestion with a reason. It returns only with a new signal. */
export async function dismissSuggestion(db: Db, actor: Actor, input: { customerId: number; reason: string }, now: Date) {
  const branchId = branchOf(actor);
  return await writeTransaction(db, async (tx) => {
    const customer = await firstRow(tx.select({ id: customers.id, branchId: customers.branchId }).from(customers).where(eq(customers.id, input.customerId)).limit(1));
    if (!customer || customer.branchId !== branchId) throw new DomainError("NOT_FOUND", "There is no such customer in your branch.");
    const latest = await firstRow(tx.select({ id: signals.id }).from(signals).where(eq(signals.customerId, customer.id)).orderBy(desc(signals.id)).limit(1));
    const dismissal = await returnedRow(
      tx
        .insert(suggestionDismissals)
        .values({ customerId: customer.id, upToSignalId: latest?.id ?? 0, reason: input.reason, dismissedById: actor.id, dismissedAt: now })
        .returning(),
    );
    await recordAudit(tx, { actorId: actor.id, action: "suggestion.dismissed", entity: "customer", entityId: customer.id, detail: { dismissalId: dismissal.id }, at: now });
    return dismissal;
  });
}
