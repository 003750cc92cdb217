// "Same delivery address": the TypeScript normalisation (household.ts) and the database's generated
// column customers.address_key are one function; case, spaces and punctuation never separate a
// household, and a different word always does.
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customers } from "../../../db/schema";
import { addressKey, sameAddress } from "~/domain/customers/household";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

const SEPARATORS = [",", ".", ";", ":", "-", "'", "’", '"', "#", "/", "\\", "(", ")", "&", "\n", "\r", "\t", " "];
const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const words = fc.array(word, { minLength: 1, maxLength: 8 });
const separatorRun = fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 4 }).map((s) => s.join(""));

/** The words written with any case and any separators between and around them. */
function written(ws: string[], seps: string[], upper: boolean[]) {
  const cased = ws.map((w, i) => (upper[i] ? w.toUpperCase() : w));
  return (seps[0] ?? "") + cased.map((w, i) => w + (i < cased.length - 1 ? seps[i + 1] ?? " " : seps[i + 1] ?? "")).join("");
}

describe("the normalised address", () => {
  it("ignores case, spaces and punctuation: the same words written any way are one address", () => {
    fc.assert(
      fc.property(words, fc.array(separatorRun, { minLength: 9, maxLength: 9 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (ws, seps, upper) => {
        expect(addressKey(written(ws, seps, upper))).toBe(ws.join(" "));
      }),
    );
  });

  it("different words are different addresses, and a number split in two is not the same number", () => {
    fc.assert(
      fc.property(words, words, (a, b) => {
        fc.pre(a.join(" ") !== b.join(" "));
        expect(sameAddress(a.join(", "), b.join(", "))).toBe(false);
      }),
    );
    expect(sameAddress("Flat 1, 23 High St", "Flat 12, 3 High St")).toBe(false);
    expect(sameAddress("22 Willow Court\nNorthvale NV2 3CD", "22, willow court,  NORTHVALE nv2 3cd")).toBe(true);
  });

  it("an address of nothing but separators, or none, is no address (no household)", () => {
    expect(addressKey(null)).toBeNull();
    expect(addressKey(" ,.\n ")).toBeNull();
    expect(sameAddress("", "")).toBe(false);
  });
});

describe("the database's address key is the same function", () => {
  let db: Db;
  let branchId: number;
  beforeAll(async () => {
    db = createTestDatabase();
    branchId = (await createBranch(db, { code: "HSE" })).id;
  });
  afterAll(() => closeDatabase(db));

  it("customers.address_key equals addressKey() for any address up to 500 characters", async () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...SEPARATORS, "  ", "A", "é", "É", "ß"), fc.string({ maxLength: 6 })), { maxLength: 80 }).map((parts) => parts.join("").slice(0, 500));
    await fc.assert(
      fc.asyncProperty(text, async (address) => {
        const row = await createCustomer(db, { branchId, deliveryAddress: address });
        const stored = (await firstRow(db.select({ key: customers.addressKey }).from(customers).where(eq(customers.id, row.id)).limit(1)))!.key;
        expect(stored).toBe(addressKey(address));
      }),
      { numRuns: 300 },
    );
  });
});
