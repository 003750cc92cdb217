// Reads for "what has worked" (issue 21 part 1).
//
// What has worked reads occasion_outcomes (migration 0027): pool_outcomes (migration 0018) summed
// over every pool by triggers and verified by db:check, at most occasions × types rows, so its cost
// grows with neither the pools, the gestures nor the customers (summing pool_outcomes at bank scale,
// 4,000 pools, took 120 ms on every suggestions queue and staff home page). The split by the
// customer's segment and tenure band reads outcome_groups (migration 0022), kept the same way.
import { and, eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { gestureTypes, occasionOutcomes, outcomeGroups, type Occasion, type Segment, type TenureBand } from "../../../db/schema";
import type { DbOrTx as Db } from "~/utils/db.server";
import { rankGestureTypes, type RankedType } from "./what-worked";

/** The occasion's active gesture types ranked by their recorded responses, best first: across the bank. */
export async function whatHasWorked(db: Db, occasion: Occasion): Promise<RankedType[]> {
  return await rankActiveTypes(db, occasionOutcomes, { recorded: occasionOutcomes.recorded, positive: occasionOutcomes.positive, spent: occasionOutcomes.spent }, [
    eq(occasionOutcomes.typeId, gestureTypes.id),
    eq(occasionOutcomes.occasion, occasion),
  ]);
}

/** The same among one group of recipients (a segment or a tenure band). */
export async function whatHasWorkedAmong(db: Db, occasion: Occasion, group: { dimension: "segment"; key: Segment } | { dimension: "tenure"; key: TenureBand }): Promise<RankedType[]> {
  return await rankActiveTypes(db, outcomeGroups, { recorded: outcomeGroups.recorded, positive: outcomeGroups.positive, spent: outcomeGroups.spent }, [
    eq(outcomeGroups.typeId, gestureTypes.id),
    eq(outcomeGroups.occasion, occasion),
    eq(outcomeGroups.dimension, group.dimension),
    eq(outcomeGroups.groupKey, group.key),
  ]);
}

/** Every active type, with the kept figures of `table` that match `on` summed (0 where none), ranked. */
async function rankActiveTypes(
  db: Db,
  table: typeof occasionOutcomes | typeof outcomeGroups,
  figures: { recorded: SQLWrapper; positive: SQLWrapper; spent: SQLWrapper },
  on: SQL[],
): Promise<RankedType[]> {
  const rows = await db
    .select({
      typeId: gestureTypes.id,
      typeName: gestureTypes.name,
      recorded: sql<number>`coalesce(sum(${figures.recorded}), 0)`,
      positive: sql<number>`coalesce(sum(${figures.positive}), 0)`,
      spent: sql<number>`coalesce(sum(${figures.spent}), 0)`,
    })
    .from(gestureTypes)
    .leftJoin(table, and(...on))
    .where(eq(gestureTypes.active, true))
    .groupBy(gestureTypes.id);
  return rankGestureTypes(rows);
}

/**
 * The best type of every occasion in one read of occasion_outcomes (the suggestions queue: one pass
 * instead of one per occasion). Occasions with nothing recorded are absent.
 */
export async function bestTypeByOccasion(db: Db): Promise<Map<Occasion, RankedType>> {
  const rows = await db
    .select({
      occasion: occasionOutcomes.occasion,
      typeId: gestureTypes.id,
      typeName: gestureTypes.name,
      recorded: occasionOutcomes.recorded,
      positive: occasionOutcomes.positive,
      spent: occasionOutcomes.spent,
    })
    .from(occasionOutcomes)
    .innerJoin(gestureTypes, and(eq(gestureTypes.id, occasionOutcomes.typeId), eq(gestureTypes.active, true)));
  const byOccasion = new Map<Occasion, typeof rows>();
  for (const row of rows) byOccasion.set(row.occasion as Occasion, [...(byOccasion.get(row.occasion as Occasion) ?? []), row]);
  const best = new Map<Occasion, RankedType>();
  for (const [occasion, records] of byOccasion) {
    const top = rankGestureTypes(records)[0];
    if (top && top.recorded > 0) best.set(occasion, top);
  }
  return best;
}
