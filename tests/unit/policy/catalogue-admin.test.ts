import { parseWithZod } from "@conform-to/zod/v4";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, gestures, gestureTypeOccasions, gestureTypes, type User } from "../../../db/schema";
import { createGestureType, deleteGestureType, perGestureMaxWarning, setGestureTypeActive, updateGestureType } from "~/domain/policy/catalogue-admin.server";
import { codeFromName, CreateGestureTypeSchema, UpdateGestureTypeSchema } from "~/domain/policy/catalogue-schemas";
import { findGestureType, listCatalogueWithUse, listGestureTypes, typesForOccasion } from "~/domain/policy/catalogue.server";
import type { Db } from "~/utils/db.server";
import { createClock, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { refusal } from "../../support/refusal";
import { firstRow } from "~/utils/query.server";

let db: Db;
let clock: TestClock;
let admin: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  await createOrganisation(db);
  admin = await createUser(db, { role: "admin" });
});
afterEach(() => closeDatabase(db));

async function audits() {
  return (await db.select().from(auditEvents).orderBy(auditEvents.id)).map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}
const lastAudit = async () => (await audits()).at(-1)!;

function parse<S extends Parameters<typeof parseWithZod>[1]["schema"]>(schema: S, values: Record<string, string | string[]>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) for (const item of [v].flat()) data.append(k, item);
  const submission = parseWithZod(data, { schema });
  return {
    status: submission.status,
    value: submission.status === "success" ? submission.value : undefined,
    error: submission.status === "success" ? undefined : submission.error,
  };
}

const bakery = { name: "Bakery box", description: "Pastries from a local bakery.", defaultAmount: 3_000, maxAmount: 4_500, occasions: ["birthday", "new_baby"] as const };

/** A gesture naming the type, as the proposal workflow would write it (a draft is enough). */
async function useType(typeId: number) {
  const branch = await createBranch(db);
  const staff = await createUser(db, { role: "staff", branchId: branch.id });
  const customer = await createCustomer(db, { branchId: branch.id });
  await db.insert(gestures).values({
    customerId: customer.id,
    branchId: branch.id,
    proposerId: staff.id,
    occasion: "birthday",
    typeId,
    requestedAmount: 1_000,
    deliveryMethod: "in_branch",
    status: "draft",
    updatedAt: clock.now(),
  });
}

describe("the gesture type form", () => {
  const valid = { name: "Bakery box", defaultAmount: "30", maxAmount: "45.00", occasions: ["birthday", "new_baby"] };

  it("reads amounts with parseMoney and the occasions as a list, even a single checkbox", () => {
    expect(parse(CreateGestureTypeSchema, valid).value).toEqual({ name: "Bakery box", defaultAmount: 3_000, maxAmount: 4_500, occasions: ["birthday", "new_baby"] });
    expect(parse(CreateGestureTypeSchema, { ...valid, occasions: "birthday" }).value).toMatchObject({ occasions: ["birthday"] });
    expect(parse(CreateGestureTypeSchema, { ...valid, defaultAmount: "1,234.50", maxAmount: "2,000" }).value).toMatchObject({ defaultAmount: 123_450, maxAmount: 200_000 });
  });

  it("needs a name, both amounts and at least one occasion, each with its message beside the field", () => {
    const { error } = parse(CreateGestureTypeSchema, {});
    expect(error?.name).toEqual(["Enter the name staff will see, such as Flowers."]);
    expect(error?.defaultAmount).toEqual(["Enter an amount."]);
    expect(error?.maxAmount).toEqual(["Enter an amount."]);
    expect(error?.occasions).toEqual(["Choose at least one occasion this type suits."]);
  });

  it("refuses a default amount above the maximum, beside the default amount", () => {
    expect(parse(CreateGestureTypeSchema, { ...valid, defaultAmount: "50", maxAmount: "45" }).error?.defaultAmount).toEqual(["The default amount cannot be above the maximum amount."]);
    expect(parse(CreateGestureTypeSchema, { ...valid, defaultAmount: "45", maxAmount: "45" }).status).toBe("success");
    expect(parse(CreateGestureTypeSchema, { ...valid, defaultAmount: "0", maxAmount: "0" }).status).toBe("success");
  });

  it("refuses amounts parseMoney refuses: exponents, three decimals, negatives, above the ceiling", () => {
    expect(parse(CreateGestureTypeSchema, { ...valid, maxAmount: "1e3" }).error?.maxAmount?.[0]).toMatch(/without an exponent/);
    expect(parse(CreateGestureTypeSchema, { ...valid, maxAmount: "45.001" }).error?.maxAmount).toEqual(["Use at most two decimals (cents)."]);
    expect(parse(CreateGestureTypeSchema, { ...valid, defaultAmount: "-5" }).error?.defaultAmount).toEqual(["The amount cannot be negative."]);
    expect(parse(CreateGestureTypeSchema, { ...valid, maxAmount: "1000000.01" }).error?.maxAmount?.[0]).toMatch(/cannot be more than 1,000,000.00/);
  });

  it("refuses occasions that are not in the vocabulary, names that are too long and fields it does not know", () => {
    expect(parse(CreateGestureTypeSchema, { ...valid, occasions: ["birthday", "graduation"] }).status).toBe("error");
    expect(parse(CreateGestureTypeSchema, { ...valid, name: "x".repeat(81) }).error?.name).toEqual(["A name has at most 80 characters."]);
    expect(parse(CreateGestureTypeSchema, { ...valid, name: "Flowers\nand more" }).error?.name).toEqual(["Write the name on one line, without control characters."]);
    expect(parse(CreateGestureTypeSchema, { ...valid, code: "mine" }).status).toBe("error");
    expect(parse(UpdateGestureTypeSchema, valid).status).toBe("error");
    expect(parse(UpdateGestureTypeSchema, { ...valid, intent: "update" }).status).toBe("success");
  });

  it("makes a code from the name that is free: lower-case ASCII, digits and underscores", () => {
    const taken = new Set(["gift_basket", "gift_basket_2"]);
    expect(codeFromName("Coffee or meal voucher", () => false)).toBe("coffee_or_meal_voucher");
    expect(codeFromName("Gift-Basket!", (code) => taken.has(code))).toBe("gift_basket_3");
    expect(codeFromName("Crème brûlée", () => false)).toBe("creme_brulee");
    expect(codeFromName("花束", () => false)).toBe("type");
    expect(codeFromName("a".repeat(80), () => false).length).toBeLessThanOrEqual(40);
  });
});

describe("creating a gesture type", () => {
  it("adds an active type with a code from its name and its occasions, audited with every value", async () => {
    const type = await createGestureType(db, admin, { ...bakery, occasions: ["new_baby", "birthday"] }, clock.now());
    expect(type).toMatchObject({ code: "bakery_box", name: "Bakery box", defaultAmount: 3_000, maxAmount: 4_500, active: true });
    expect(type.occasions.sort()).toEqual(["birthday", "new_baby"]);
    expect((await typesForOccasion(db, "birthday")).map((t) => t.name)).toContain("Bakery box");
    expect(await lastAudit()).toMatchObject({ action: "gesture_type.created", entity: "gesture_type", entityId: String(type.id), actorId: admin.id });
    expect((await lastAudit()).detail).toEqual({
      code: "bakery_box",
      name: "Bakery box",
      description: "Pastries from a local bakery.",
      defaultAmount: 3_000,
      maxAmount: 4_500,
      occasions: "new_baby,birthday",
    });
  });

  it("refuses a name another type has, ignoring case, beside the name; a deactivated one says to reactivate it", async () => {
    expect(await refusal(async () => await createGestureType(db, admin, { ...bakery, name: "  flowers " }, clock.now()))).toMatchObject({ code: "CONFLICT", field: "name" });
    const flowers = (await listGestureTypes(db)).find((t) => t.code === "flowers")!;
    await setGestureTypeActive(db, admin, { typeId: flowers.id, active: false }, clock.now());
    expect((await refusal(async () => await createGestureType(db, admin, { ...bakery, name: "FLOWERS" }, clock.now()))).message).toMatch(/deactivated: reactivate it instead/);
  });

  it("gives a second type whose name makes the same code a numbered code", async () => {
    const type = await createGestureType(db, admin, { ...bakery, name: "Gift-basket" }, clock.now());
    expect(type.code).toBe("gift_basket_2");
  });

  it("refuses a default above the maximum, no occasions, a blank name and amounts that are not cents, even when called directly", async () => {
    expect(await refusal(async () => await createGestureType(db, admin, { ...bakery, defaultAmount: 5_000 }, clock.now()))).toMatchObject({ code: "VALIDATION", field: "defaultAmount" });
    expect(await refusal(async () => await createGestureType(db, admin, { ...bakery, occasions: [] }, clock.now()))).toMatchObject({ code: "VALIDATION", field: "occasions" });
    expect(await refusal(async () => await createGestureType(db, admin, { ...bakery, name: "  " }, clock.now()))).toMatchObject({ code: "VALIDATION", field: "name" });
    expect(await refusal(async () => await createGestureType(db, admin, { ...bakery, maxAmount: 45.5 }, clock.now()))).toMatchObject({ code: "VALIDATION", field: "maxAmount" });
    expect(await refusal(async () => await createGestureType(db, admin, { ...bakery, defaultAmount: -1 }, clock.now()))).toMatchObject({ code: "VALIDATION", field: "defaultAmount" });
    expect(await firstRow(db.select().from(gestureTypes).where(eq(gestureTypes.name, "Bakery box")).limit(1))).toBeUndefined();
  });
});

describe("editing a gesture type", () => {
  it("audits only what changed, before and after; the code stays", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    const updated = await updateGestureType(db, admin, { typeId: type.id, ...bakery, name: "Bakery basket", maxAmount: 6_000, occasions: ["birthday", "marriage"] }, clock.now());
    expect(updated).toMatchObject({ code: "bakery_box", name: "Bakery basket", maxAmount: 6_000 });
    expect(updated.occasions.sort()).toEqual(["birthday", "marriage"]);
    expect(await lastAudit()).toMatchObject({ action: "gesture_type.updated", entityId: String(type.id) });
    expect((await lastAudit()).detail).toEqual({
      code: "bakery_box",
      nameBefore: "Bakery box",
      nameAfter: "Bakery basket",
      maxAmountBefore: 4_500,
      maxAmountAfter: 6_000,
      occasionsBefore: "new_baby,birthday",
      occasionsAfter: "marriage,birthday",
    });
  });

  it("saving without a change writes nothing", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    const before = (await audits()).length;
    await updateGestureType(db, admin, { typeId: type.id, ...bakery, occasions: ["new_baby", "birthday"] }, clock.now());
    expect(await audits()).toHaveLength(before);
  });

  it("may change the case of its own name, but not take another type's name", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    expect((await updateGestureType(db, admin, { typeId: type.id, ...bakery, name: "BAKERY BOX" }, clock.now())).name).toBe("BAKERY BOX");
    expect(await refusal(async () => await updateGestureType(db, admin, { typeId: type.id, ...bakery, name: "Gift basket" }, clock.now()))).toMatchObject({
      code: "CONFLICT",
      field: "name",
    });
  });

  it("a type that does not exist is not found", async () => {
    expect((await refusal(async () => await updateGestureType(db, admin, { typeId: 999_999, ...bakery }, clock.now()))).code).toBe("NOT_FOUND");
  });
});

describe("deactivating and deleting", () => {
  it("a deactivated type is no longer offered for any occasion, and is audited; reactivating brings it back", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    await setGestureTypeActive(db, admin, { typeId: type.id, active: false }, clock.now());
    expect((await typesForOccasion(db, "birthday")).map((t) => t.id)).not.toContain(type.id);
    expect((await listGestureTypes(db)).map((t) => t.id)).not.toContain(type.id);
    expect(await lastAudit()).toMatchObject({ action: "gesture_type.deactivated" });
    expect((await lastAudit()).detail).toEqual({ code: "bakery_box", activeBefore: true, activeAfter: false });
    await setGestureTypeActive(db, admin, { typeId: type.id, active: true }, clock.now());
    expect((await typesForOccasion(db, "birthday")).map((t) => t.id)).toContain(type.id);
    expect((await lastAudit()).detail).toEqual({ code: "bakery_box", activeBefore: false, activeAfter: true });
  });

  it("a type that was never used can be deleted, with its occasions; the audit keeps what it was", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    await deleteGestureType(db, admin, { typeId: type.id }, clock.now());
    expect(await findGestureType(db, type.id)).toBeNull();
    expect(await db.select().from(gestureTypeOccasions).where(eq(gestureTypeOccasions.typeId, type.id))).toEqual([]);
    expect(await lastAudit()).toMatchObject({ action: "gesture_type.deleted", entityId: String(type.id) });
    expect((await lastAudit()).detail).toEqual({
      code: "bakery_box",
      nameBefore: "Bakery box",
      descriptionBefore: "Pastries from a local bakery.",
      defaultAmountBefore: 3_000,
      maxAmountBefore: 4_500,
      occasionsBefore: "new_baby,birthday",
      activeBefore: true,
    });
  });

  it("a type a gesture has used cannot be deleted, only deactivated, and the refusal changes nothing", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    await useType(type.id);
    const before = (await audits()).length;
    const error = await refusal(async () => await deleteGestureType(db, admin, { typeId: type.id }, clock.now()));
    expect(error.code).toBe("INVALID_STATE");
    expect(error.message).toBe("Bakery box has been used by 1 gesture, so it stays in the catalogue for their history. Deactivate it instead.");
    expect(await findGestureType(db, type.id)).not.toBeNull();
    expect(await audits()).toHaveLength(before);
    expect((await setGestureTypeActive(db, admin, { typeId: type.id, active: false }, clock.now())).active).toBe(false);
  });

  it("the catalogue list counts how often each type was used, inactive types included", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    await useType(type.id);
    await useType(type.id);
    await setGestureTypeActive(db, admin, { typeId: type.id, active: false }, clock.now());
    const listed = await listCatalogueWithUse(db);
    expect(listed.find((t) => t.id === type.id)).toMatchObject({ usedCount: 2, active: false });
    expect(listed.find((t) => t.code === "flowers")).toMatchObject({ usedCount: 0 });
  });
});

describe("who may change the catalogue", () => {
  it("only administrators; everyone else is refused and nothing is written", async () => {
    const type = await createGestureType(db, admin, { ...bakery }, clock.now());
    const before = (await audits()).length;
    for (const role of ["staff", "manager", "finance"] as const) {
      const user = await createUser(db, { role });
      expect((await refusal(async () => await createGestureType(db, user, { ...bakery, name: `By ${role}` }, clock.now()))).code).toBe("FORBIDDEN");
      expect((await refusal(async () => await updateGestureType(db, user, { typeId: type.id, ...bakery, maxAmount: 9_000 }, clock.now()))).code).toBe("FORBIDDEN");
      expect((await refusal(async () => await setGestureTypeActive(db, user, { typeId: type.id, active: false }, clock.now()))).code).toBe("FORBIDDEN");
      expect((await refusal(async () => await deleteGestureType(db, user, { typeId: type.id }, clock.now()))).code).toBe("FORBIDDEN");
    }
    expect(await audits()).toHaveLength(before);
    expect(await findGestureType(db, type.id)).toMatchObject({ maxAmount: 4_500, active: true });
  });
});

describe("a maximum above the organisation's per-gesture maximum", () => {
  it("is saved with a warning rather than refused (a branch may allow more)", async () => {
    const type = await createGestureType(db, admin, { ...bakery, maxAmount: 30_000 }, clock.now());
    expect(type.maxAmount).toBe(30_000);
    expect(await perGestureMaxWarning(db, type)).toBe("Its maximum ($300.00) is above the organisation's per-gesture maximum ($250.00): proposals stay capped at each branch's per-gesture maximum.");
    expect(await perGestureMaxWarning(db, { name: "At the limit", maxAmount: 25_000 })).toBeNull();
  });
});

describe("one type by its id", () => {
  it("is exactly the catalogue's entry for it, occasions in the same order, inactive or edited; an unknown id is none", async () => {
    const added = await createGestureType(db, admin, { ...bakery, occasions: ["new_baby", "birthday", "illness"] }, clock.now());
    await updateGestureType(db, admin, { ...bakery, typeId: added.id, name: "Bakery basket", occasions: ["birthday", "illness"] }, clock.now());
    const first = (await listGestureTypes(db, { includeInactive: true }))[0]!;
    await setGestureTypeActive(db, admin, { typeId: first.id, active: false }, clock.now());
    const catalogue = await listGestureTypes(db, { includeInactive: true });
    expect(catalogue.length).toBeGreaterThan(5);
    for (const type of catalogue) expect(await findGestureType(db, type.id)).toEqual(type);
    expect(await findGestureType(db, Math.max(...catalogue.map((t) => t.id)) + 1)).toBeNull();
  });
});
