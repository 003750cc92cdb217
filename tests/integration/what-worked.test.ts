// Issue 21 parts 1 and 2 on a real SQLite file, through the workflow: what has worked is read from
// the kept figures; a negative response keeps the customer out of the suggestions queue for the
// policy's months, counted in the organisation's time zone (New York here), and the proposal form warns.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gestures, policyDefaults } from "../../db/schema";
import { whatHasWorked } from "~/domain/feedback/what-worked.server";
import { proposalFormOptions } from "~/domain/gestures/gesture-queries.server";
import { listSuggestions } from "~/domain/gestures/suggestions.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../support/database";
import { createCustomer, createSignal } from "../support/factories";
import { actorOf, setupGestures, typeId } from "../support/gesture-setup";
import { positiveGesture } from "../support/story-setup";
import { createGesture } from "../support/gesture-factory";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

// 23:30 on 15 March 2026 in New York: already 16 March in UTC.
const RESPONDED = new Date("2026-03-16T03:30:00Z");
const names = (user: Parameters<typeof listSuggestions>[1], now: Date) => listSuggestions(db, user, now).rows.map((r) => r.name);

describe("what has worked", () => {
  it("ranks the occasion's types by recorded responses, from the kept figures, and explains the suggestion score", async () => {
    const s = await setupGestures(db, { now: RESPONDED });
    for (let i = 0; i < 3; i++) positiveGesture(db, s.staff, createCustomer(db, { branchId: s.north.id }).id, RESPONDED, i < 2 ? "thanked" : "neutral");
    const flowers = whatHasWorked(db, "bereavement").find((r) => r.typeId === typeId(db, "flowers"))!;
    expect(flowers).toMatchObject({ recorded: 3, positive: 2, spent: 3_000, costPerPositive: 1_500, smallSample: true });
    expect(whatHasWorked(db, "bereavement")[0]!.typeId).toBe(flowers.typeId);
    expect(whatHasWorked(db, "long_wait").every((r) => r.recorded === 0)).toBe(true);
    const bereaved = createCustomer(db, { branchId: s.north.id, name: "Newly Bereaved" });
    createSignal(db, bereaved, { kind: "bereavement", occurredOn: "2026-03-15" });
    const [row] = listSuggestions(db, s.staff, RESPONDED).rows.filter((r) => r.name === "Newly Bereaved");
    expect(row!.scoreParts.worked).toBe(1);
    expect(row!.workedNote).toMatch(/^What has worked 1: best after a bereavement is .+, 2 of 3 customers responded well .*\$15\.00 per positive response — small sample/);
  });
});
