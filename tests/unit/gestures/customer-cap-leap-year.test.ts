// The customer's 12-month cap counts back a calendar year, not 365 days: across 29 February a
// gesture made a year ago to the day still counts.
import { afterEach, beforeEach, expect, it } from "vitest";
import { gestures } from "../../../db/schema";
import { twelveMonthsBefore } from "~/domain/gestures/gesture-record.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { propose, setupGestures, typeId } from "../../support/gesture-setup";
import { refusal } from "../../support/refusal";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

// Wednesday 1 March 2028, 10:00 in New York: the day after a 29 February.
const NOW = new Date("2028-03-01T15:00:00Z");

it("the last 12 months reach back a calendar year, also across 29 February", () => {
  expect(twelveMonthsBefore(NOW).toISOString()).toBe("2027-03-01T15:00:00.000Z");
  expect(twelveMonthsBefore(new Date("2028-02-29T15:00:00Z")).toISOString()).toBe("2027-03-01T15:00:00.000Z");
  expect(twelveMonthsBefore(new Date("2027-06-30T03:30:00Z")).toISOString()).toBe("2026-06-30T03:30:00.000Z");
});

it("a gesture made a year ago to the day (366 days, over a leap day) still counts against the customer's count cap", async () => {
  const s = await setupGestures(db, { now: NOW });
  const insertClosed = async (at: Date) =>
    await db
      .insert(gestures)
      .values({
        customerId: s.customer.id,
        branchId: s.north.id,
        proposerId: s.staff.id,
        occasion: "birthday",
        typeId: await typeId(db, "voucher"),
        requestedAmount: 1_000,
        deliveryMethod: "in_branch",
        status: "closed",
        submittedAt: at,
        createdAt: at,
        updatedAt: at,
      });
  await insertClosed(new Date("2027-03-01T14:00:00Z")); // an hour more than a year ago: no longer counts
  await insertClosed(new Date("2027-03-01T16:00:00Z")); // a year ago less an hour: counts
  for (const occasion of ["illness", "complaint"] as const) await propose(db, s.staff, { customerId: s.customer.id, amount: 1_000, occasion }, NOW);
  const error = await refusal(async () => await propose(db, s.staff, { customerId: s.customer.id, amount: 1_000, occasion: "marriage" }, NOW));
  expect(error.message).toMatch(/has had 3 gestures in the last 12 months; the cap is 3/);
});
