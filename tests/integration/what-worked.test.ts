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

describe("leave a customer alone after a negative response", () => {
  it("out of the queue until the same local date 12 months later: 23:59 the day before still alone, 00:01 that day suggested again", async () => {
    const s = await setupGestures(db, { now: RESPONDED });
    positiveGesture(db, s.staff, s.customer.id, RESPONDED, "negative");
    const other = createCustomer(db, { branchId: s.north.id, name: "Other Bereaved" });
    createSignal(db, s.customer, { kind: "bereavement", occurredOn: "2027-03-10" });
    createSignal(db, other, { kind: "bereavement", occurredOn: "2027-03-10" });
    const dayBefore = new Date("2027-03-15T03:59:00Z"); // 23:59 on 14 March 2027, New York
    const sameDay = new Date("2027-03-15T04:01:00Z"); // 00:01 on 15 March 2027, New York
    expect(names(s.staff, dayBefore)).toEqual(["Other Bereaved"]);
    expect(names(s.staff, sameDay).sort()).toEqual(["Eleanor Whitfield", "Other Bereaved"]);
  });

  it("the proposal form warns with the reason and the date; it is a warning, the form stays open", async () => {
    const s = await setupGestures(db, { now: RESPONDED });
    positiveGesture(db, s.staff, s.customer.id, RESPONDED, "negative");
    const options = proposalFormOptions(db, actorOf(s.staff), s.customer.id, new Date("2026-09-01T15:00:00Z"));
    expect(options.checks.leaveAlone).toBe(
      "This customer's last gesture met a negative response, recorded on 2026-03-15. The policy leaves such customers alone for 12 months, until 2027-03-15: they are not suggested until then. Propose only if you know a gesture is welcome now.",
    );
    expect(options.checks.connectedRefusal).toBeNull();
  });

  it("a later positive response ends it (the rule reads the last response); 0 months turns it off", async () => {
    const s = await setupGestures(db, { now: RESPONDED });
    const later = createCustomer(db, { branchId: s.north.id, name: "Later Thanked" });
    const off = createCustomer(db, { branchId: s.north.id, name: "Policy Off" });
    positiveGesture(db, s.staff, later.id, RESPONDED, "negative");
    positiveGesture(db, s.staff, off.id, RESPONDED, "negative");
    createSignal(db, later, { kind: "illness", occurredOn: "2026-04-20" });
    createSignal(db, off, { kind: "illness", occurredOn: "2026-04-20" });
    const now = new Date("2026-04-21T15:00:00Z");
    expect(names(s.staff, now)).toEqual([]);
    // A later gesture (a birthday card, inserted as a row) that the customer thanked us for.
    const card = createGesture(db, { customerId: later.id, branchId: s.north.id, proposerId: s.staff.id, status: "closed", occasion: "birthday", submittedAt: RESPONDED, createdAt: RESPONDED });
    db.update(gestures).set({ outcome: "thanked", outcomeRecordedAt: new Date("2026-04-01T15:00:00Z"), outcomeRecordedById: s.staff.id }).where(eq(gestures.id, card.id)).run();
    expect(names(s.staff, now)).toEqual(["Later Thanked"]);
    db.update(policyDefaults).set({ leaveAloneMonths: 0 }).where(eq(policyDefaults.id, 1)).run();
    expect(names(s.staff, now).sort()).toEqual(["Later Thanked", "Policy Off"]);
  });
});

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
