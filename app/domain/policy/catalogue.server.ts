// Reading the gesture catalogue: the types, their amounts and the occasions each suits.
import { asc, count, eq } from "drizzle-orm";
import { gestureTypeOccasions, gestureTypes, gestures, OCCASIONS, type GestureType, type Occasion } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

export type CatalogueType = Pick<GestureType, "id" | "code" | "name" | "description" | "defaultAmount" | "maxAmount" | "active"> & {
  occasions: Occasion[];
};

/** A type's occasions in the vocabulary's order (OCCASIONS), whatever order the rows come in on either engine. */
function inVocabularyOrder(occasions: Occasion[]): Occasion[] {
  return [...occasions].sort((a, b) => OCCASIONS.indexOf(a) - OCCASIONS.indexOf(b));
}

/** Every type with its occasions (in the vocabulary's order), by name; inactive ones only when asked for. */
export async function listGestureTypes(db: DbOrTx, options: { includeInactive?: boolean } = {}): Promise<CatalogueType[]> {
  const types = await db
    .select({
      id: gestureTypes.id,
      code: gestureTypes.code,
      name: gestureTypes.name,
      description: gestureTypes.description,
      defaultAmount: gestureTypes.defaultAmount,
      maxAmount: gestureTypes.maxAmount,
      active: gestureTypes.active,
    })
    .from(gestureTypes)
    .where(options.includeInactive ? undefined : eq(gestureTypes.active, true))
    .orderBy(asc(gestureTypes.name));
  const occasionRows = await db.select().from(gestureTypeOccasions);
  return types.map((type) => ({
    ...type,
    occasions: inVocabularyOrder(occasionRows.filter((row) => row.typeId === type.id).map((row) => row.occasion)),
  }));
}

/** Active types that suit an occasion (the tone guardrail). */
export async function typesForOccasion(db: DbOrTx, occasion: Occasion): Promise<CatalogueType[]> {
  return (await listGestureTypes(db)).filter((type) => type.occasions.includes(occasion));
}

export async function findGestureType(db: DbOrTx, typeId: number): Promise<CatalogueType | null> {
  // One type by its key (every proposal and approval reads one), not the whole catalogue sorted.
  const type = await firstRow(
    db
      .select({
        id: gestureTypes.id,
        code: gestureTypes.code,
        name: gestureTypes.name,
        description: gestureTypes.description,
        defaultAmount: gestureTypes.defaultAmount,
        maxAmount: gestureTypes.maxAmount,
        active: gestureTypes.active,
      })
      .from(gestureTypes)
      .where(eq(gestureTypes.id, typeId))
      .limit(1),
  );
  if (!type) return null;
  const occasions = await db.select({ occasion: gestureTypeOccasions.occasion }).from(gestureTypeOccasions).where(eq(gestureTypeOccasions.typeId, typeId));
  return { ...type, occasions: inVocabularyOrder(occasions.map((row) => row.occasion)) };
}

export type CatalogueTypeWithUse = CatalogueType & { usedCount: number };

/** Every type, active or not, with how many gestures (in any state) name it: the admin catalogue. */
export async function listCatalogueWithUse(db: DbOrTx): Promise<CatalogueTypeWithUse[]> {
  // One grouped count over the type index, not one query per type.
  const counts = new Map((await db.select({ typeId: gestures.typeId, n: count() }).from(gestures).groupBy(gestures.typeId)).map((row) => [row.typeId, row.n]));
  return (await listGestureTypes(db, { includeInactive: true })).map((type) => ({ ...type, usedCount: counts.get(type.id) ?? 0 }));
}

/** How many gestures (drafts included) name this type; a used type is deactivated, never deleted. */
export async function gestureTypeUseCount(db: DbOrTx, typeId: number): Promise<number> {
  return (await firstRow(db.select({ n: count() }).from(gestures).where(eq(gestures.typeId, typeId)).limit(1)))?.n ?? 0;
}
