// Issue 21 parts 1 and 2 on a real SQLite file, through the workflow: what has worked is read from
// the kept figures; a negative response keeps the customer out of the suggestions queue for the
// policy's months, counted in the organisation's time zone (New York here), and the proposal form warns.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { customers, gestures, policyDefaults } from "../../db/schema";
import { whatHasWorked, whatHasWorkedAmong } from "~/domain/feedback/what-worked.server";
import { groupHasEnoughCases } from "~/domain/feedback/what-worked";
import { checkSummaries } from "~/domain/administration/summaries.server";
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
const names = async (user: Parameters<typeof listSuggestions>[1], now: Date) => (await listSuggestions(db, user, now)).rows.map((r) => r.name);

describe("what has worked", () => {
  it("is split by the recipient's segment and tenure band as on the day of delivery, shown only with enough cases", async () => {
    const s = await setupGestures(db, { now: RESPONDED });
    const flowers = await typeId(db, "flowers");
    // 20 premier customers, under a year with us: 5 thanked. On 15 March in New York (16 March in
    // UTC) a customer since 16 March 2025 is still under a year; one since 15 March 2025 is not.
    for (let i = 0; i < 20; i++) {
      const since = i === 0 ? "2025-03-16" : "2025-09-01";
      await positiveGesture(db, s.staff, (await createCustomer(db, { branchId: s.north.id, segment: "premier", customerSince: since })).id, RESPONDED, i < 5 ? "thanked" : "neutral");
    }
    await positiveGesture(db, s.staff, (await createCustomer(db, { branchId: s.north.id, segment: "retail", customerSince: "2025-03-15" })).id, RESPONDED, "thanked");
    await positiveGesture(db, s.staff, (await createCustomer(db, { branchId: s.north.id, segment: "retail", customerSince: "2010-01-01" })).id, RESPONDED, "thanked");
    const among = async (group: Parameters<typeof whatHasWorkedAmong>[2]) => await whatHasWorkedAmong(db, "bereavement", group);
    const flowersOf = (rows: Awaited<ReturnType<typeof among>>) => rows.find((r) => r.typeId === flowers)!;

    expect(flowersOf(await among({ dimension: "segment", key: "premier" }))).toMatchObject({ recorded: 20, positive: 5, spent: 20_000, costPerPositive: 4_000 });
    expect(flowersOf(await among({ dimension: "segment", key: "retail" }))).toMatchObject({ recorded: 2, positive: 2 });
    expect(flowersOf(await among({ dimension: "tenure", key: "under_1" }))).toMatchObject({ recorded: 20, positive: 5 });
    expect(flowersOf(await among({ dimension: "tenure", key: "1_to_3" }))).toMatchObject({ recorded: 1, positive: 1 });
    expect(flowersOf(await among({ dimension: "tenure", key: "10_plus" }))).toMatchObject({ recorded: 1, positive: 1 });
    expect(flowersOf(await whatHasWorked(db, "bereavement"))).toMatchObject({ recorded: 22, positive: 7 });
    // Enough cases for premier customers (20), not for retail ones (2).
    expect(groupHasEnoughCases(await among({ dimension: "segment", key: "premier" }))).toBe(true);
    expect(groupHasEnoughCases(await among({ dimension: "segment", key: "retail" }))).toBe(false);

    // A later change of segment does not move past figures: they are as on the day of delivery.
    await db.update(customers).set({ segment: "business" });
    expect(flowersOf(await among({ dimension: "segment", key: "premier" })).recorded).toBe(20);
    expect(flowersOf(await among({ dimension: "segment", key: "business" })).recorded).toBe(0);
    expect(await checkSummaries(db)).toEqual([]);
  });

  it("ranks the occasion's types by recorded responses, from the kept figures, and explains the suggestion score", async () => {
    const s = await setupGestures(db, { now: RESPONDED });
    for (let i = 0; i < 3; i++) await positiveGesture(db, s.staff, (await createCustomer(db, { branchId: s.north.id })).id, RESPONDED, i < 2 ? "thanked" : "neutral");
    const flowersId = await typeId(db, "flowers");
    const flowers = (await whatHasWorked(db, "bereavement")).find((r) => r.typeId === flowersId)!;
    expect(flowers).toMatchObject({ recorded: 3, positive: 2, spent: 3_000, costPerPositive: 1_500, smallSample: true });
    expect((await whatHasWorked(db, "bereavement"))[0]!.typeId).toBe(flowers.typeId);
    expect((await whatHasWorked(db, "long_wait")).every((r) => r.recorded === 0)).toBe(true);
    const bereaved = await createCustomer(db, { branchId: s.north.id, name: "Newly Bereaved" });
    await createSignal(db, bereaved, { kind: "bereavement", occurredOn: "2026-03-15" });
    const [row] = (await listSuggestions(db, s.staff, RESPONDED)).rows.filter((r) => r.name === "Newly Bereaved");
    expect(row!.scoreParts.worked).toBe(1);
    expect(row!.workedNote).toMatch(/^What has worked 1: best after a bereavement is .+, 2 of 3 customers responded well .*\$15\.00 per positive response — small sample/);
  });
});
