// Issue 21 part 2 over real HTTP against the production build, posted as a browser without
// JavaScript would: "asked not to receive gestures" is refused without the confirmation (the
// choice kept, nothing written), and with it records a negative response, sets do-not-contact
// with that reason, audits both, and takes the customer out of the suggestions queue at once.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, customers, gestures, type User } from "../../db/schema";
import { db } from "~/utils/db.server";
import { localDate } from "~/domain/core/dates";
import { getOrganisation } from "~/domain/core/organisation.server";
import { fulfilGesture } from "~/domain/gestures/fulfilment.server";
import { createCustomer, createSignal } from "../support/factories";
import { actorOf, propose, setupGestures } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

let server: TestServer;
let s: Awaited<ReturnType<typeof setupGestures>>;
const NOW = new Date();

beforeAll(async () => {
  server = await startTestServer();
  s = await setupGestures(db, { now: NOW });
});
afterAll(() => server.close());

const cookie = async (user: User) => (await sessionCookieFor(db, user)).cookie;

/** A fulfilled gesture for a fresh customer with a recent illness signal (so they are in the queue). */
function fulfilled(name: string) {
  const customer = createCustomer(db, { branchId: s.north.id, name });
  const today = localDate(NOW, getOrganisation(db).timeZone);
  createSignal(db, customer, { kind: "illness", occurredOn: today });
  let state = propose(db, s.staff, { customerId: customer.id, amount: 1_000 }, NOW);
  state = fulfilGesture(db, actorOf(s.staff), { gestureId: state.gestureId, version: state.version, actualAmount: 1_000, vendor: "Bloom & Co", fulfilledOn: today, note: "", receipt: null }, NOW);
  return { customer, gestureId: state.gestureId, version: state.version };
}

async function queueNames(user: User) {
  const page = await server.fetch("/suggestions", { cookie: await cookie(user) });
  expect(page.status).toBe(200);
  return await page.text();
}

describe("asked not to receive gestures", () => {
  it("without the confirmation: refused beside the box, the choice kept, nothing written", async () => {
    const g = fulfilled("Unconfirmed Optout");
    const response = await server.fetch(`/gestures/${g.gestureId}`, {
      method: "POST",
      cookie: await cookie(s.staff),
      form: { intent: "outcome", version: String(g.version), outcome: "asked_no_gestures", note: "Said so on the phone" },
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Tick the box to confirm: the customer will be marked do-not-contact");
    expect(html).toMatch(/<option value="asked_no_gestures" selected="">/);
    expect(html).toContain("Said so on the phone");
    expect(db.select().from(gestures).where(eq(gestures.id, g.gestureId)).get()!.status).toBe("fulfilled");
    expect(db.select().from(customers).where(eq(customers.id, g.customer.id)).get()!.doNotContact).toBe(false);
  });

  it("confirmed: negative response, do-not-contact with the reason, both audited, out of the queue at once", async () => {
    const g = fulfilled("Confirmed Optout");
    expect(await queueNames(s.staff)).toContain("Confirmed Optout");
    const response = await server.fetch(`/gestures/${g.gestureId}`, {
      method: "POST",
      cookie: await cookie(s.staff),
      form: { intent: "outcome", version: String(g.version), outcome: "asked_no_gestures", note: "", confirmNoGestures: "on" },
    });
    expect(response.status).toBe(302);
    const gesture = db.select().from(gestures).where(eq(gestures.id, g.gestureId)).get()!;
    expect(gesture).toMatchObject({ status: "closed", outcome: "negative" });
    expect(db.select().from(customers).where(eq(customers.id, g.customer.id)).get()).toMatchObject({ doNotContact: true, doNotContactReason: "Asked not to receive gestures" });
    const audit = (entity: string, id: number) =>
      db.select({ action: auditEvents.action, actorId: auditEvents.actorId, detail: auditEvents.detail }).from(auditEvents).where(and(eq(auditEvents.entity, entity), eq(auditEvents.entityId, String(id)))).all()
        .map((a) => ({ ...a, detail: JSON.parse(a.detail ?? "null") as unknown }));
    expect(audit("gesture", g.gestureId).filter((a) => a.action === "gesture.outcome_recorded")).toEqual([
      { action: "gesture.outcome_recorded", actorId: s.staff.id, detail: { from: "fulfilled", to: "closed", outcome: "negative", askedNoGestures: true } },
    ]);
    expect(audit("customer", g.customer.id)).toEqual([
      { action: "customer.do_not_contact_set", actorId: s.staff.id, detail: { reason: "Asked not to receive gestures", gestureId: g.gestureId } },
    ]);
    createSignal(db, g.customer, { kind: "bereavement", occurredOn: localDate(NOW, getOrganisation(db).timeZone) });
    expect(await queueNames(s.staff)).not.toContain("Confirmed Optout");
    expect(await queueNames(s.manager)).not.toContain("Confirmed Optout");
  });
});
