// Reads for "what has worked" and "leave a customer alone" (issue 21 parts 1 and 2).
//
// What has worked reads the kept pool_outcomes summary (migration 0018, kept by triggers and
// verified by db:check), summed over pools for one occasion: its cost grows with the number of
// pools × gesture types, never with the number of gestures or customers. Bank-wide only: the
// segment and tenure-band split is not built yet (see the README decision).
import { and, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { gestures, gestureTypes, poolOutcomes, type Occasion } from "../../../db/schema";
import type { DbOrTx as Db } from "~/utils/db.server";
import { localDate, startOfLocalDay, type IsoDate } from "../core/dates";
import { leaveAloneCutoff, leftAloneUntil, rankGestureTypes, type RankedType } from "./what-worked";

/** The active gesture types ranked by their recorded responses for `occasion`, best first. */
export function whatHasWorked(db: Db, occasion: Occasion): RankedType[] {
  const rows = db
    .select({
      typeId: gestureTypes.id,
      typeName: gestureTypes.name,
      recorded: sql<number>`coalesce(sum(${poolOutcomes.recorded}), 0)`,
      positive: sql<number>`coalesce(sum(${poolOutcomes.thanked} + ${poolOutcomes.positiveFeedback}), 0)`,
      spent: sql<number>`coalesce(sum(${poolOutcomes.spent}), 0)`,
    })
    .from(gestureTypes)
    .leftJoin(poolOutcomes, and(eq(poolOutcomes.typeId, gestureTypes.id), eq(poolOutcomes.occasion, occasion)))
    .where(eq(gestureTypes.active, true))
    .groupBy(gestureTypes.id)
    .all();
  return rankGestureTypes(rows);
}

/**
 * The best type of every occasion in one read of pool_outcomes (the suggestions queue: one pass
 * instead of one per occasion). Occasions with nothing recorded are absent.
 */
export function bestTypeByOccasion(db: Db): Map<Occasion, RankedType> {
  const rows = db
    .select({
      occasion: poolOutcomes.occasion,
      typeId: gestureTypes.id,
      typeName: gestureTypes.name,
      recorded: sql<number>`sum(${poolOutcomes.recorded})`,
      positive: sql<number>`sum(${poolOutcomes.thanked} + ${poolOutcomes.positiveFeedback})`,
      spent: sql<number>`sum(${poolOutcomes.spent})`,
    })
    .from(poolOutcomes)
    .innerJoin(gestureTypes, and(eq(gestureTypes.id, poolOutcomes.typeId), eq(gestureTypes.active, true)))
    .groupBy(poolOutcomes.occasion, gestureTypes.id)
    .all();
  const byOccasion = new Map<Occasion, typeof rows>();
  for (const row of rows) byOccasion.set(row.occasion as Occasion, [...(byOccasion.get(row.occasion as Occasion) ?? []), row]);
  const best = new Map<Occasion, RankedType>();
  for (const [occasion, records] of byOccasion) {
    const top = rankGestureTypes(records)[0];
    if (top && top.recorded > 0) best.set(occasion, top);
  }
  return best;
}

export type LeaveAlone = { respondedOn: IsoDate; until: IsoDate; gestureId: number };

/**
 * Whether the customer is left alone on `now`: their last recorded response (by the time it was
 * recorded) was negative, recorded on a local date less than `months` months ago. Reads the
 * customer's own gestures only (gestures_customer_idx).
 */
export function leaveAloneOf(db: Db, customerId: number, months: number, now: Date, timeZone: string): LeaveAlone | null {
  if (months <= 0) return null;
  const last = db
    .select({ id: gestures.id, outcome: gestures.outcome, at: gestures.outcomeRecordedAt })
    .from(gestures)
    .where(and(eq(gestures.customerId, customerId), isNotNull(gestures.outcome), isNotNull(gestures.outcomeRecordedAt)))
    .orderBy(desc(gestures.outcomeRecordedAt), desc(gestures.id))
    .limit(1)
    .get();
  if (!last || last.outcome !== "negative" || !last.at) return null;
  const respondedOn = localDate(last.at, timeZone);
  const until = leftAloneUntil(respondedOn, months)!;
  return localDate(now, timeZone) < until ? { respondedOn, until, gestureId: last.id } : null;
}

/**
 * SQL true for a customer (by `customerId` column) who is NOT left alone on `today`: the
 * suggestions queue's filter. The same rule as leaveAloneOf, as a cut-off instant.
 */
export function notLeftAloneCondition(customerId: unknown, months: number, today: IsoDate, timeZone: string): SQL {
  const cutoff = leaveAloneCutoff(today, months);
  if (cutoff === null) return sql`1`;
  const from = startOfLocalDay(cutoff, timeZone).getTime();
  return sql`not exists (select 1 from ${gestures} ln where ln.customer_id = ${customerId} and ln.outcome = 'negative' and ln.outcome_recorded_at >= ${from}
    and not exists (select 1 from ${gestures} lp where lp.customer_id = ln.customer_id and lp.outcome is not null
      and (lp.outcome_recorded_at > ln.outcome_recorded_at or (lp.outcome_recorded_at = ln.outcome_recorded_at and lp.id > ln.id))))`;
}
