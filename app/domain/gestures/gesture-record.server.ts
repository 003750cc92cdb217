// The gesture record that every step of the workflow shares: who acts, what a transition answers,
// loading a gesture and refusing a form made on an older version; and the small facts several steps
// read: the organisation's today, a person's name, who may propose, the manager who approved, which
// states can be withdrawn, and a customer's rolling 12 months against the cap. Its own module so
// that proposals, decisions, the queries, fulfilment and suggestions all build on it and none of
// them imports another back.
import { and, count, desc, eq, gte, inArray, isNull, ne, sql, type SQL } from "drizzle-orm";
import { customers, gestureDecisions, gestures, signals, users, type Gesture, type GestureStatus, type Policy, type Role } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import { DomainError } from "../core/errors";
import { getOrganisation } from "../core/organisation.server";
import { addDays, localDate } from "../core/dates";
import { COUNTING_STATUSES, GESTURE_STATUS_LABELS, HARDSHIP_KINDS, hardshipWords, type HardshipSignal } from "./gesture-rules";
import { getEffectivePolicy } from "../policy/policy.server";
import { firstRow } from "~/utils/query.server";

export type GestureActor = { id: number; role: Role; branchId: number | null };

export type TransitionResult = {
  gestureId: number;
  status: GestureStatus;
  version: number;
  /** Nothing was written: the same request had already been carried out. */
  alreadyDone: boolean;
  /** A note for the person (not a refusal), e.g. pending proposals exceed the pool. */
  warning?: string;
};

export async function loadGesture(db: DbOrTx, gestureId: number): Promise<Gesture> {
  const gesture = await firstRow(db.select().from(gestures).where(eq(gestures.id, gestureId)).limit(1));
  if (!gesture) throw new DomainError("NOT_FOUND", "This proposal does not exist.");
  return gesture;
}

/** The refusal of a form made on an older version; `noun` is what the person was looking at. */
export function staleVersion(gesture: Gesture, noun: "proposal" | "gesture" = "proposal") {
  return new DomainError("CONFLICT", `This ${noun} changed since you opened it; it is now ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}. Reload the page to see it; nothing was changed.`);
}

export async function organisationFacts(db: DbOrTx, now: Date) {
  const org = await getOrganisation(db);
  return { currency: org.currency, timeZone: org.timeZone, today: localDate(now, org.timeZone) };
}

export function requireProposer(actor: GestureActor): number {
  if ((actor.role !== "staff" && actor.role !== "manager") || actor.branchId === null) {
    throw new DomainError("FORBIDDEN", "Only staff and managers of a branch propose gestures.");
  }
  return actor.branchId;
}

export async function userName(db: DbOrTx, userId: number): Promise<string> {
  return (await firstRow(db.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1)))?.name ?? "someone";
}

export async function managerApproverOf(tx: DbOrTx, gestureId: number): Promise<number | null> {
  const row = await firstRow(
    tx
      .select({ approverId: gestureDecisions.approverId })
      .from(gestureDecisions)
      .where(and(eq(gestureDecisions.gestureId, gestureId), eq(gestureDecisions.level, "manager"), eq(gestureDecisions.decision, "approve")))
      .orderBy(desc(gestureDecisions.id))
      .limit(1),
  );
  return row?.approverId ?? null;
}

export const WITHDRAWABLE: GestureStatus[] = ["submitted", "awaiting_finance", "returned"];

// ---------------------------------------------------------------------------------------------
// The customer's rolling 12 months, against the cap

/** What a gesture counts for against caps: the actual amount once fulfilled, else the approved, else the requested. */
export const countedAmount = sql<number>`coalesce(sum(case when ${gestures.status} in ('fulfilled', 'closed') and ${gestures.actualAmount} is not null then ${gestures.actualAmount} when ${gestures.approvedAmount} is not null then ${gestures.approvedAmount} else ${gestures.requestedAmount} end), 0)`;

/** The customer's counting gestures over the rolling 12 months, without `exceptGestureId`. */
export async function customerTwelveMonths(db: DbOrTx, customerId: number, now: Date, exceptGestureId: number | null = null) {
  const row = await firstRow(
    db
      .select({ amount: countedAmount, count: count() })
      .from(gestures)
      .where(
        and(
          eq(gestures.customerId, customerId),
          inArray(gestures.status, [...COUNTING_STATUSES]),
          gte(gestures.submittedAt, twelveMonthsBefore(now)),
          exceptGestureId === null ? undefined : ne(gestures.id, exceptGestureId),
        ),
      )
      .limit(1),
  );
  return { amount: Number(row?.amount ?? 0), count: row?.count ?? 0 };
}

/**
 * The other customers at the customer's delivery address (same customers.address_key, any branch,
 * not erased) and their counting gestures over the rolling 12 months, without `exceptGestureId`.
 */
export async function householdTwelveMonths(db: DbOrTx, customerId: number, now: Date, exceptGestureId: number | null = null) {
  const me = await firstRow(db.select({ addressKey: customers.addressKey }).from(customers).where(eq(customers.id, customerId)).limit(1));
  if (!me?.addressKey) return { otherCustomers: 0, amount: 0, count: 0 };
  const others = (
    await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.addressKey, me.addressKey), ne(customers.id, customerId), isNull(customers.erasedAt)))
  ).map((row) => row.id);
  if (others.length === 0) return { otherCustomers: 0, amount: 0, count: 0 };
  const row = await firstRow(
    db
      .select({ amount: countedAmount, count: count() })
      .from(gestures)
      .where(
        and(
          inArray(gestures.customerId, others),
          inArray(gestures.status, [...COUNTING_STATUSES]),
          gte(gestures.submittedAt, twelveMonthsBefore(now)),
          exceptGestureId === null ? undefined : ne(gestures.id, exceptGestureId),
        ),
      )
      .limit(1),
  );
  return { otherCustomers: others.length, amount: Number(row?.amount ?? 0), count: row?.count ?? 0 };
}

/** The customer's most recent hardship, collections or dispute signal dated `lookbackDays` before `today` or later; none when the check is off. */
export async function recentHardshipSignal(db: DbOrTx, customerId: number, today: string, lookbackDays: number): Promise<HardshipSignal | null> {
  if (lookbackDays <= 0) return null;
  const row = await firstRow(
    db
      .select({ kind: signals.kind, occurredOn: signals.occurredOn })
      .from(signals)
      .where(and(eq(signals.customerId, customerId), inArray(signals.kind, [...HARDSHIP_KINDS]), gte(signals.occurredOn, addDays(today, -lookbackDays))))
      .orderBy(desc(signals.occurredOn))
      .limit(1),
  );
  return row ?? null;
}

/**
 * Why the approver of this gesture must write a reason (the customer's hardship, collections or
 * dispute signal within the branch's look-back), or null when an approval needs none.
 */
export async function approverReasonNeeded(db: DbOrTx, gesture: Pick<Gesture, "customerId" | "branchId">, today: string): Promise<string | null> {
  const { policy } = await getEffectivePolicy(db, gesture.branchId);
  const signal = await recentHardshipSignal(db, gesture.customerId, today, policy.hardshipLookbackDays);
  return signal ? `${hardshipWords(signal, today, policy.hardshipLookbackDays)}: approve only with a written reason in the comment.` : null;
}

/** SQL: the customer (by `customerIdColumn`) is at their 12-month cap (amount or count) under the default policy of `policy`. */
export function customerAtCapCondition(customerIdColumn: SQL | typeof customers.id, policy: Pick<Policy, "customerCapAmount" | "customerCapCount">, now: Date): SQL {
  const since = twelveMonthsBefore(now).getTime();
  const statuses = sql.join(
    COUNTING_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  return sql`(select count(*) >= ${policy.customerCapCount} or coalesce(sum(case when g.status in ('fulfilled', 'closed') and g.actual_amount is not null then g.actual_amount when g.approved_amount is not null then g.approved_amount else g.requested_amount end), 0) >= ${policy.customerCapAmount}
    from ${gestures} g where g.customer_id = ${customerIdColumn} and g.status in (${statuses}) and g.submitted_at >= ${since})`;
}

/**
 * The lower bound of "the last 12 months": the same instant a calendar year earlier (from 29
 * February, 1 March). Not 365 days, which drops a day of the window whenever it spans a 29 February.
 */
export function twelveMonthsBefore(now: Date): Date {
  const since = new Date(now.getTime());
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return since;
}
