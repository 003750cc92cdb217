// Reads for "what has worked" (issue 21 part 1).
//
// What has worked reads the kept pool_outcomes summary (migration 0018, kept by triggers and
// verified by db:check), summed over pools for one occasion: its cost grows with the number of
// pools × gesture types, never with the number of gestures or customers. Bank-wide only: the
// segment and tenure-band split is not built yet (see the README decision).
import { and, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { gestures, gestureTypes, poolOutcomes, type Occasion } from "../../../db/schema";
import type { DbOrTx as Db } from "~/utils/db.server";
import { rankGestureTypes, type RankedType } from "./what-worked";

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
