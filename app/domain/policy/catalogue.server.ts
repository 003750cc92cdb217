// Reading the gesture catalogue: the types, their amounts and the occasions each suits.
import { asc, count, eq } from "drizzle-orm";
import { gestureTypeOccasions, gestureTypes, gestures, OCCASIONS, type GestureType, type Occasion } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";

export type CatalogueType = Pick<GestureType, "id" | "code" | "name" | "description" | "defaultAmount" | "maxAmount" | "active"> & {
  occasions: Occasion[];
};

/** A type's occasions in the vocabulary's order (OCCASIONS), whatever order the rows come in on either engine. */
function inVocabularyOrder(occasions: Occasion[]): Occasion[] {
  return [...occasions].sort((a, b) => OCCASIONS.indexOf(a) - OCCASIONS.indexOf(b));
}

/** Every type with its occasions (in the vocabulary's order), by name; inactive ones only when asked for. */
export function listGestureTypes(db: DbOrTx, options: { includeInactive?: boolean } = {}): CatalogueType[] {
  const types = db
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
    .orderBy(asc(gestureTypes.name))
    .all();
  const occasionRows = db.select().from(gestureTypeOccasions).all();
  return types.map((type) => ({
    ...type,
    occasions: inVocabularyOrder(occasionRows.filter((row) => row.typeId === type.id).map((row) => row.occasion)),
  }));
}

/** Active types that suit an occasion (the tone guardrail). */
export function typesForOccasion(db: DbOrTx, occasion: Occasion): CatalogueType[] {
  return listGestureTypes(db).filter((type) => type.occasions.includes(occasion));
}

export function findGestureType(db: DbOrTx, typeId: number): CatalogueType | null {
  // One type by its key (every proposal and approval reads one), not the whole catalogue sorted.
  const type = db
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
    .get();
  if (!type) return null;
  const occasions = db.select({ occasion: gestureTypeOccasions.occasion }).from(gestureTypeOccasions).where(eq(gestureTypeOccasions.typeId, typeId)).all();
  return { ...type, occasions: inVocabularyOrder(occasions.map((row) => row.occasion)) };
}

export type CatalogueTypeWithUse = CatalogueType & { usedCount: number };

/** Every type, active or not, with how many gestures (in any state) name it: the admin catalogue. */
export function listCatalogueWithUse(db: DbOrTx): CatalogueTypeWithUse[] {
  // One grouped count over the type index, not one query per type.
  const counts = new Map(
    db
      .select({ typeId: gestures.typeId, n: count() })
      .from(gestures)
      .groupBy(gestures.typeId)
      .all()
      .map((row) => [row.typeId, row.n]),
  );
  return listGestureTypes(db, { includeInactive: true }).map((type) => ({ ...type, usedCount: counts.get(type.id) ?? 0 }));
}

/** How many gestures (drafts included) name this type; a used type is deactivated, never deleted. */
export function gestureTypeUseCount(db: DbOrTx, typeId: number): number {
  return db.select({ n: count() }).from(gestures).where(eq(gestures.typeId, typeId)).get()?.n ?? 0;
}
