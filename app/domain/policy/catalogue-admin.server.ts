// Administration of the gesture catalogue: create, edit, deactivate or reactivate, and delete a
// type that was never used. Each change is one immediate transaction with its audit event, which
// keeps the values before and after.
import { and, eq, ne, sql } from "drizzle-orm";
import { gestureTypeOccasions, gestureTypes, OCCASIONS, type Occasion, type Role } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { findGestureType, gestureTypeUseCount, type CatalogueType } from "./catalogue.server";
import { codeFromName, TYPE_AMOUNT_MAX, TYPE_DESCRIPTION_MAX, TYPE_NAME_MAX, type GestureTypeInput } from "./catalogue-schemas";
import { DomainError } from "../core/errors";
import { formatMoney } from "../core/money";
import { getOrganisation } from "../core/organisation.server";
import { can } from "../core/permissions";
import { getPolicyDefaults } from "./policy.server";
import { writeTransaction } from "~/utils/db.server";
import { returnedRow, firstRow } from "~/utils/query.server";

export type CatalogueActor = { id: number; role: Role };

function requireCatalogueManage(actor: CatalogueActor) {
  if (!can(actor.role, "catalogue:manage")) throw new DomainError("FORBIDDEN", "Only administrators change the gesture catalogue.");
}

async function loadType(tx: DbOrTx, typeId: number): Promise<CatalogueType> {
  const type = await findGestureType(tx, typeId);
  if (!type) throw new DomainError("NOT_FOUND", "This gesture type does not exist.");
  return type;
}

/** Occasions in the vocabulary's order, so before/after compare and read the same way. */
function orderedOccasions(occasions: readonly Occasion[]): Occasion[] {
  return OCCASIONS.filter((occasion) => occasions.includes(occasion));
}

function normalise(input: GestureTypeInput) {
  const name = input.name.trim();
  const description = (input.description ?? "").trim();
  if (name === "" || name.length > TYPE_NAME_MAX || /\p{Cc}/u.test(name)) {
    throw new DomainError("VALIDATION", `Enter a name of 1 to ${TYPE_NAME_MAX} characters on one line.`, { field: "name" });
  }
  if (description.length > TYPE_DESCRIPTION_MAX) {
    throw new DomainError("VALIDATION", `A description has at most ${TYPE_DESCRIPTION_MAX} characters.`, { field: "description" });
  }
  for (const [field, amount] of [
    ["defaultAmount", input.defaultAmount],
    ["maxAmount", input.maxAmount],
  ] as const) {
    if (!Number.isSafeInteger(amount) || amount < 0 || amount > TYPE_AMOUNT_MAX) {
      throw new DomainError("VALIDATION", "Amounts are whole numbers of cents, zero or more, up to the largest allowed.", { field });
    }
  }
  if (input.defaultAmount > input.maxAmount) {
    throw new DomainError("VALIDATION", "The default amount cannot be above the maximum amount.", { field: "defaultAmount" });
  }
  const occasions = orderedOccasions(input.occasions);
  if (occasions.length === 0) throw new DomainError("VALIDATION", "Choose at least one occasion this type suits.", { field: "occasions" });
  return { name, description, defaultAmount: input.defaultAmount, maxAmount: input.maxAmount, occasions };
}

/** Two types with the same name (ignoring case) would be indistinguishable in the proposal form. */
async function refuseDuplicateName(tx: DbOrTx, name: string, exceptId?: number) {
  const same = sql`lower(${gestureTypes.name}) = lower(${name})`;
  const clash = await firstRow(
    tx
      .select({ id: gestureTypes.id, active: gestureTypes.active })
      .from(gestureTypes)
      .where(exceptId === undefined ? same : and(same, ne(gestureTypes.id, exceptId)))
      .limit(1),
  );
  if (clash) {
    const hint = clash.active ? "" : " (it is deactivated: reactivate it instead)";
    throw new DomainError("CONFLICT", `Another gesture type is already called ${name}${hint}.`, { field: "name" });
  }
}

async function writeOccasions(tx: DbOrTx, typeId: number, occasions: readonly Occasion[]) {
  await tx.delete(gestureTypeOccasions).where(eq(gestureTypeOccasions.typeId, typeId));
  await tx.insert(gestureTypeOccasions).values(occasions.map((occasion) => ({ typeId, occasion })));
}

export async function createGestureType(db: Db, actor: CatalogueActor, input: GestureTypeInput, now: Date): Promise<CatalogueType> {
  requireCatalogueManage(actor);
  const values = normalise(input);
  return await writeTransaction(db, async (tx) => {
    await refuseDuplicateName(tx, values.name);
    const takenCodes = new Set((await tx.select({ code: gestureTypes.code }).from(gestureTypes)).map((type) => type.code));
    const code = codeFromName(values.name, (candidate) => takenCodes.has(candidate));
    const row = await returnedRow(
      tx
        .insert(gestureTypes)
        .values({
          code,
          name: values.name,
          description: values.description,
          defaultAmount: values.defaultAmount,
          maxAmount: values.maxAmount,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: gestureTypes.id }),
    );
    await writeOccasions(tx, row.id, values.occasions);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture_type.created",
      entity: "gesture_type",
      entityId: row.id,
      detail: {
        code,
        name: values.name,
        description: values.description,
        defaultAmount: values.defaultAmount,
        maxAmount: values.maxAmount,
        occasions: values.occasions.join(","),
      },
      at: now,
    });
    return await loadType(tx, row.id);
  });
}

/** Edits a type; its code never changes (exports and reports refer to it). */
export async function updateGestureType(db: Db, actor: CatalogueActor, input: GestureTypeInput & { typeId: number }, now: Date): Promise<CatalogueType> {
  requireCatalogueManage(actor);
  const values = normalise(input);
  return await writeTransaction(db, async (tx) => {
    const before = await loadType(tx, input.typeId);
    if (values.name.toLowerCase() !== before.name.toLowerCase()) await refuseDuplicateName(tx, values.name, before.id);
    const beforeValues = {
      name: before.name,
      description: before.description,
      defaultAmount: before.defaultAmount,
      maxAmount: before.maxAmount,
      occasions: orderedOccasions(before.occasions).join(","),
    };
    const afterValues = { ...values, occasions: values.occasions.join(",") };
    const detail: Record<string, string | number> = {};
    for (const key of Object.keys(beforeValues) as (keyof typeof beforeValues)[]) {
      if (beforeValues[key] !== afterValues[key]) Object.assign(detail, { [`${key}Before`]: beforeValues[key], [`${key}After`]: afterValues[key] });
    }
    if (Object.keys(detail).length === 0) return before;
    await tx
      .update(gestureTypes)
      .set({ name: values.name, description: values.description, defaultAmount: values.defaultAmount, maxAmount: values.maxAmount, updatedAt: now })
      .where(eq(gestureTypes.id, before.id));
    if (afterValues.occasions !== beforeValues.occasions) await writeOccasions(tx, before.id, values.occasions);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture_type.updated",
      entity: "gesture_type",
      entityId: before.id,
      detail: { code: before.code, ...detail },
      at: now,
    });
    return await loadType(tx, before.id);
  });
}

/**
 * Deactivates a type (staff can no longer choose it; gestures that name it keep it) or
 * reactivates it. Names are unique across active and inactive types, so reactivating cannot clash.
 */
export async function setGestureTypeActive(db: Db, actor: CatalogueActor, input: { typeId: number; active: boolean }, now: Date): Promise<CatalogueType> {
  requireCatalogueManage(actor);
  return await writeTransaction(db, async (tx) => {
    const before = await loadType(tx, input.typeId);
    if (before.active === input.active) return before;
    await tx.update(gestureTypes).set({ active: input.active, updatedAt: now }).where(eq(gestureTypes.id, before.id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: input.active ? "gesture_type.reactivated" : "gesture_type.deactivated",
      entity: "gesture_type",
      entityId: before.id,
      detail: { code: before.code, activeBefore: before.active, activeAfter: input.active },
      at: now,
    });
    return await loadType(tx, before.id);
  });
}

/** Deletes a type that no gesture has ever named; a used type can only be deactivated. */
export async function deleteGestureType(db: Db, actor: CatalogueActor, input: { typeId: number }, now: Date): Promise<CatalogueType> {
  requireCatalogueManage(actor);
  return await writeTransaction(db, async (tx) => {
    const before = await loadType(tx, input.typeId);
    const used = await gestureTypeUseCount(tx, before.id);
    if (used > 0) {
      throw new DomainError(
        "INVALID_STATE",
        `${before.name} has been used by ${used === 1 ? "1 gesture" : `${used} gestures`}, so it stays in the catalogue for their history. Deactivate it instead.`,
      );
    }
    await tx.delete(gestureTypes).where(eq(gestureTypes.id, before.id)); // its occasions go with it (cascade)
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture_type.deleted",
      entity: "gesture_type",
      entityId: before.id,
      detail: {
        code: before.code,
        nameBefore: before.name,
        descriptionBefore: before.description,
        defaultAmountBefore: before.defaultAmount,
        maxAmountBefore: before.maxAmount,
        occasionsBefore: orderedOccasions(before.occasions).join(","),
        activeBefore: before.active,
      },
      at: now,
    });
    return before;
  });
}

/**
 * A warning, not a refusal, when a type's maximum is above the organisation's per-gesture
 * maximum: a branch may override that maximum upwards, and proposals are checked against the
 * branch's effective maximum anyway, so such a type is only capped lower in most branches.
 */
export async function perGestureMaxWarning(db: DbOrTx, type: Pick<CatalogueType, "name" | "maxAmount">): Promise<string | null> {
  const { perGestureMax } = await getPolicyDefaults(db);
  if (type.maxAmount <= perGestureMax) return null;
  const { currency } = await getOrganisation(db);
  return `Its maximum (${formatMoney(type.maxAmount, currency)}) is above the organisation's per-gesture maximum (${formatMoney(
    perGestureMax,
    currency,
  )}): proposals stay capped at each branch's per-gesture maximum.`;
}
