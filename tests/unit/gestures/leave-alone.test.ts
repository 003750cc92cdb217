// Leaving a customer alone after a negative response (issue 21): the rule in local dates, the
// suggestions queue, the proposal form's warning, and "asked not to receive gestures", which marks
// the customer do-not-contact (audited) and survives a CRM import that says otherwise.
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, branchPolicyOverrides, customers, gestures } from "../../../db/schema";
import { addCalendarMonths, addDays, startOfLocalDay } from "~/domain/core/dates";
import { isLeftAlone, leftAloneSince, leftAloneUntil } from "~/domain/gestures/gesture-rules";
import { fulfilGesture, recordOutcome } from "~/domain/gestures/fulfilment.server";
import { proposalFormOptions } from "~/domain/gestures/gesture-queries.server";
import { listSuggestions } from "~/domain/gestures/suggestions.server";
import { commitImport, stageImport } from "~/domain/customers/crm-import.server";
import { readCsv } from "~/domain/customers/csv-read.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createSignal, createUser } from "../../support/factories";
import { actorOf, propose, setupGestures } from "../../support/gesture-setup";
import { positiveGesture } from "../../support/story-setup";
import { refusal } from "../../support/refusal";
import { firstRow } from "~/utils/query.server";

const ZONE = "America/New_York";
const isoDay = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`);

describe("the same day some months later", () => {
  it("keeps the day of the month, or the month's last day when it is shorter", () => {
    expect(addCalendarMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addCalendarMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addCalendarMonths("2026-03-15", 12)).toBe("2027-03-15");
    expect(addCalendarMonths("2026-03-31", -1)).toBe("2026-02-28");
    expect(addCalendarMonths("2024-02-29", 12)).toBe("2025-02-28");
  });

  it("lands in the right month and never after the day it started from (property)", () => {
    fc.assert(
      fc.property(isoDay, fc.integer({ min: -240, max: 240 }), (date, months) => {
        const result = addCalendarMonths(date, months);
        const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
        expect(monthIndex(result) - monthIndex(date)).toBe(months);
        expect(Number(result.slice(8, 10))).toBeLessThanOrEqual(Number(date.slice(8, 10)));
        if (Number(date.slice(8, 10)) <= 28) expect(result.slice(8, 10)).toBe(date.slice(8, 10));
      }),
    );
  });
});

describe("the leave-alone rule", () => {
  it("leaves the customer alone until the same date 12 months on, suggested again that day", () => {
    expect(leftAloneUntil("2026-03-04", 12)).toBe("2027-03-04");
    expect(isLeftAlone("2026-03-04", "2027-03-03", 12)).toBe(true);
    expect(isLeftAlone("2026-03-04", "2027-03-04", 12)).toBe(false);
    // Month ends: 31 March + 1 month is 30 April.
    expect(isLeftAlone("2026-03-31", "2026-04-29", 1)).toBe(true);
    expect(isLeftAlone("2026-03-31", "2026-04-30", 1)).toBe(false);
    expect(isLeftAlone("2026-03-04", "2026-03-05", 0)).toBe(false);
  });

  it("the first recording date that still counts agrees with the rule for every pair of dates (property)", () => {
    fc.assert(
      fc.property(isoDay, fc.integer({ min: -800, max: 800 }), fc.integer({ min: 1, max: 120 }), (today, offset, months) => {
        const recordedOn = addDays(today, offset);
        if (recordedOn > today) return; // a response is recorded on or before today
        expect(recordedOn >= leftAloneSince(today, months)).toBe(isLeftAlone(recordedOn, today, months));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("in the suggestions queue and on the proposal form", () => {
  let db: Db;
  beforeEach(() => {
    db = createTestDatabase();
  });
  afterEach(() => closeDatabase(db));

  // The negative response is recorded at 10:00 on 4 March 2026 in New York.
  const RECORDED = new Date("2026-03-04T15:00:00Z");
  /** 10:00 New York time on a local date. */
  const dayAfter = (date: string) => new Date(startOfLocalDay(date, ZONE).getTime() + 10 * 60 * 60 * 1000);

  async function customerWithNegativeResponse() {
    const s = await setupGestures(db, { now: RECORDED });
    await positiveGesture(db, s.staff, s.customer.id, RECORDED, "negative", "Said it felt intrusive");
    return s;
  }

  it("is not suggested for 12 months (to the local day) after a negative response, and is again on the anniversary", async () => {
    const s = await customerWithNegativeResponse();
    const lastDay = dayAfter("2027-03-03");
    const anniversary = dayAfter("2027-03-04");
    await createSignal(db, s.customer, { kind: "illness", occurredOn: "2027-03-01", severity: 3 });
    expect((await listSuggestions(db, actorOf(s.staff), lastDay)).rows.map((r) => r.customerId)).not.toContain(s.customer.id);
    expect((await listSuggestions(db, actorOf(s.staff), anniversary)).rows.map((r) => r.customerId)).toContain(s.customer.id);
  });

  it("counts the local date of the response: recorded at 23:30 in New York (already the next day in UTC), out through the day before the anniversary and back at 00:01 on it", async () => {
    // 23:30 on 4 March 2026 in New York is 04:30 on 5 March in UTC.
    const lateEvening = new Date("2026-03-05T04:30:00Z");
    const s = await setupGestures(db, { now: lateEvening });
    await positiveGesture(db, s.staff, s.customer.id, lateEvening, "negative");
    await createSignal(db, s.customer, { kind: "illness", occurredOn: "2027-03-01", severity: 3 });
    const ids = async (at: Date) => (await listSuggestions(db, actorOf(s.staff), at)).rows.map((r) => r.customerId);
    const minuteAfterMidnight = new Date(startOfLocalDay("2027-03-04", ZONE).getTime() + 60_000);
    expect(await ids(new Date(minuteAfterMidnight.getTime() - 2 * 60_000))).not.toContain(s.customer.id);
    expect(await ids(minuteAfterMidnight)).toContain(s.customer.id);
  });

  it("a later positive response lifts it; a policy of 0 months turns it off", async () => {
    const s = await customerWithNegativeResponse();
    const later = dayAfter("2026-03-25");
    await createSignal(db, s.customer, { kind: "illness", occurredOn: "2026-03-20", severity: 3 });
    expect((await listSuggestions(db, actorOf(s.staff), later)).rows.map((r) => r.customerId)).not.toContain(s.customer.id);
    await db.insert(branchPolicyOverrides).values({ branchId: s.north.id, leaveAloneMonths: 0, updatedAt: later });
    expect((await listSuggestions(db, actorOf(s.staff), later)).rows.map((r) => r.customerId)).toContain(s.customer.id);
    // A second bereavement gesture 17 days later is not a duplicate under a one-day window.
    await db.update(branchPolicyOverrides).set({ leaveAloneMonths: null, duplicateWindowDays: 1 });
    await positiveGesture(db, s.staff, s.customer.id, dayAfter("2026-03-21"), "thanked");
    expect((await listSuggestions(db, actorOf(s.staff), later)).rows.map((r) => r.customerId)).toContain(s.customer.id);
  });

  it("the proposal form warns with the reason and the date it ends", async () => {
    const s = await customerWithNegativeResponse();
    const options = await proposalFormOptions(db, actorOf(s.staff), s.customer.id, dayAfter("2026-09-01"));
    expect(options.checks.leaveAlone).toBe(
      "This customer's last gesture (Flowers, response recorded on 4 Mar 2026) met a negative response, so the policy leaves them out of suggestions for 12 months, until 4 Mar 2027. Propose only if you know a gesture is welcome now.",
    );
    expect((await proposalFormOptions(db, actorOf(s.staff), s.customer.id, dayAfter("2027-03-04"))).checks.leaveAlone).toBeNull();
  });
});

describe("asked not to receive gestures", () => {
  let db: Db;
  beforeEach(() => {
    db = createTestDatabase();
  });
  afterEach(() => closeDatabase(db));
  const NOW = new Date("2026-03-04T15:00:00Z");

  async function fulfilled() {
    const s = await setupGestures(db, { now: NOW });
    let g = await propose(db, s.staff, { customerId: s.customer.id, amount: 1_000 }, NOW);
    g = await fulfilGesture(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, actualAmount: 1_000, vendor: "Bloom & Co", fulfilledOn: "2026-03-04", note: "", receipt: null }, NOW);
    return { s, g };
  }

  it("needs the recorder's confirmation; without it nothing changes", async () => {
    const { s, g } = await fulfilled();
    const error = await refusal(async () => await recordOutcome(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, outcome: "asked_no_gestures", note: "" }, NOW));
    expect(error).toMatchObject({ code: "VALIDATION", field: "confirmNoGestures" });
    expect((await firstRow(db.select().from(gestures).where(eq(gestures.id, g.gestureId)).limit(1)))!.status).toBe("fulfilled");
    expect((await firstRow(db.select().from(customers).where(eq(customers.id, s.customer.id)).limit(1)))!.doNotContact).toBe(false);
  });

  it("closes the gesture as negative, marks the customer do-not-contact with the reason, audits both, and empties every queue of them", async () => {
    const { s, g } = await fulfilled();
    await createSignal(db, s.customer, { kind: "illness", occurredOn: "2026-03-03", severity: 3 });
    await recordOutcome(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, outcome: "asked_no_gestures", note: "", confirmNoGestures: "on" }, NOW);
    expect(await firstRow(db.select().from(gestures).where(eq(gestures.id, g.gestureId)).limit(1))).toMatchObject({ status: "closed", outcome: "negative", askedNoGestures: true });
    expect(await firstRow(db.select().from(customers).where(eq(customers.id, s.customer.id)).limit(1))).toMatchObject({
      doNotContact: true,
      doNotContactReason: `Asked not to receive gestures (recorded with gesture #${g.gestureId})`,
      gesturesDeclinedAt: NOW,
    });
    const audited = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, "customer"), eq(auditEvents.action, "customer.gestures_declined")));
    expect(audited.map((e) => [e.actorId, e.entityId, JSON.parse(e.detail).gestureId])).toEqual([[s.staff.id, String(s.customer.id), g.gestureId]]);
    expect((await listSuggestions(db, actorOf(s.staff), NOW)).rows.map((r) => r.customerId)).not.toContain(s.customer.id);
    expect((await refusal(async () => await propose(db, s.staff2, { customerId: s.customer.id, amount: 500 }, NOW))).message).toContain("asked not to be contacted");
  });

  it("stays do-not-contact when a later CRM import says no", async () => {
    const { s, g } = await fulfilled();
    await recordOutcome(db, actorOf(s.staff), { gestureId: g.gestureId, version: g.version, outcome: "asked_no_gestures", note: "", confirmNoGestures: "on" }, NOW);
    const c = (await firstRow(db.select().from(customers).where(eq(customers.id, s.customer.id)).limit(1)))!;
    const csv = [
      "crm_ref,name,branch_code,customer_since,segment,birthday,delivery_address,do_not_contact,do_not_contact_reason",
      `${c.crmRef},Eleanor Whitfield Renamed,${s.north.code},${c.customerSince},${c.segment},,,no,`,
    ].join("\n");
    const admin = await createUser(db, { role: "admin" });
    async function* file() {
      yield new TextEncoder().encode(csv);
    }
    const importId = await stageImport(db, admin, { kind: "customers", fileName: "crm.csv", file: await readCsv(file()) }, NOW);
    await commitImport(db, admin, { importId }, NOW);
    expect(await firstRow(db.select().from(customers).where(eq(customers.id, s.customer.id)).limit(1))).toMatchObject({
      name: "Eleanor Whitfield Renamed",
      doNotContact: true,
      doNotContactReason: c.doNotContactReason,
    });
  });
});
