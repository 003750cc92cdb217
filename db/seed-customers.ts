// Demo customers and signals for db/seed.ts: a few hundred realistic customers across the branches,
// deterministic (faker with a fixed seed), with signal dates relative to the day the seed runs so
// that the suggestions queue has something to show whenever the demo is started.
import { Faker, base, en, en_GB } from "@faker-js/faker";
import { eq } from "drizzle-orm";
import { recordAudit } from "../app/domain/core/audit.server";
import { nameKeys } from "../app/domain/customers/customer-rules";
import { addDays, localDate } from "../app/domain/core/dates";
import type { Tx } from "../app/utils/db.server";
import { customers, SEGMENTS, signals, type SignalKind } from "./schema";
import { returnedRow } from "~/utils/query.server";

const CUSTOMERS_PER_BRANCH = 60;
const FAKER_SEED = 20260105;

/** Customers the README and the browser tests name. All at North (NTH). */
export const DEMO_CUSTOMERS = {
  bereaved: { crmRef: "NTH-DEMO-01", name: "Eleanor Whitfield" },
  doNotContact: { crmRef: "NTH-DEMO-02", name: "Victor Ashdown" },
  quiet: { crmRef: "NTH-DEMO-03", name: "Rosa Delgado" },
  erased: { crmRef: "NTH-DEMO-04" },
  // The checks before a gesture is proposed (issue 22), one customer each.
  hardship: { crmRef: "NTH-DEMO-05", name: "Hannah Pryce" },
  staffOfNorth: { crmRef: "NTH-DEMO-06", name: "Colin Marsh" },
  connectedToSouth: { crmRef: "NTH-DEMO-07", name: "Maya Lindqvist" },
  householdA: { crmRef: "NTH-DEMO-08", name: "Iris Fenwick" },
  householdB: { crmRef: "NTH-DEMO-09", name: "Tom Fenwick" },
} as const;

const NOTES: Partial<Record<SignalKind, string[]>> = {
  bereavement: ["Spouse passed away; customer came in to update joint accounts.", "Lost her father last week, mentioned at the counter."],
  illness: ["In hospital for surgery, daughter handling the accounts meanwhile.", "Recovering at home after a long illness."],
  hardship: ["Lost job, asked about payment holidays.", "Struggling with rent after a divorce."],
  complaint: ["Card blocked twice while abroad.", "Unhappy about a fee charged in error."],
  service_failure: ["Online banking outage delayed a salary transfer.", "Cheque deposit lost by the branch."],
  long_wait: ["Waited 75 minutes for a mortgage appointment.", "Queue of over an hour on a Saturday morning."],
  new_baby: ["Opened a junior savings account for a newborn."],
  marriage: ["Changed surname after the wedding."],
  survey_detractor: ["Gave us 2 out of 10 in the branch survey."],
  survey_promoter: ["Gave us 10 out of 10 and praised the team."],
  other: ["Moved house within the town."],
};
const KINDS = Object.keys(NOTES) as SignalKind[];

export async function seedCustomers(tx: Tx, input: { branchIds: Map<string, number>; now: Date; timeZone: string; actorId: number | null }) {
  const faker = new Faker({ locale: [en_GB, en, base], seed: FAKER_SEED });
  const today = localDate(input.now, input.timeZone);
  let customerCount = 0;
  let signalCount = 0;

  const insertCustomer = async (values: Omit<typeof customers.$inferInsert, "nameKey" | "surnameKey" | "updatedAt">) => {
    customerCount++;
    return await returnedRow(
      tx
        .insert(customers)
        .values({ ...values, ...nameKeys(values.name), createdAt: input.now, updatedAt: input.now })
        .returning({ id: customers.id, branchId: customers.branchId }),
    );
  };
  const insertSignal = async (customer: { id: number; branchId: number }, kind: SignalKind, daysAgo: number, severity: number, withNote = true) => {
    signalCount++;
    const notes = NOTES[kind] ?? [];
    await tx.insert(signals).values({
      customerId: customer.id,
      branchId: customer.branchId,
      kind,
      occurredOn: addDays(today, -daysAgo),
      source: kind.startsWith("survey") ? "survey" : "crm",
      severity,
      note: withNote && notes.length ? faker.helpers.arrayElement(notes) : null,
      externalRef: `seed-${signalCount}`,
      createdAt: input.now,
    });
  };

  for (const [code, branchId] of input.branchIds) {
    for (let i = 1; i <= CUSTOMERS_PER_BRANCH; i++) {
      const since = localDate(faker.date.between({ from: "1985-01-01T00:00:00Z", to: `${addDays(today, -200)}T00:00:00Z` }), input.timeZone);
      const birth = localDate(faker.date.birthdate({ mode: "age", min: 18, max: 90 }), input.timeZone).slice(5, 10);
      const dnc = faker.number.int({ min: 1, max: 20 }) === 1;
      const customer = await insertCustomer({
        crmRef: `${code}-${String(i).padStart(6, "0")}`,
        name: faker.person.fullName(),
        branchId,
        customerSince: since,
        segment: faker.helpers.weightedArrayElement([
          { weight: 70, value: SEGMENTS[0] },
          { weight: 15, value: SEGMENTS[1] },
          { weight: 10, value: SEGMENTS[2] },
          { weight: 5, value: SEGMENTS[3] },
        ]),
        birthday: faker.datatype.boolean(0.8) ? birth : null,
        deliveryAddress: faker.datatype.boolean(0.7) ? `${faker.location.streetAddress()}\n${faker.location.city()} ${faker.location.zipCode()}` : null,
        doNotContact: dnc,
        doNotContactReason: dnc ? faker.helpers.arrayElement(["Asked not to be contacted by the bank.", "Marketing opt-out and no gifts, by letter."]) : null,
      });
      const signalsForCustomer = faker.helpers.weightedArrayElement([
        { weight: 40, value: 0 },
        { weight: 35, value: 1 },
        { weight: 20, value: 2 },
        { weight: 5, value: 3 },
      ]);
      for (let s = 0; s < signalsForCustomer; s++) {
        await insertSignal(customer, faker.helpers.arrayElement(KINDS), faker.number.int({ min: 0, max: 180 }), faker.number.int({ min: 1, max: 3 }));
      }
    }
  }

  // Named demo customers at North.
  const north = input.branchIds.get("NTH")!;
  const bereaved = await insertCustomer({
    ...DEMO_CUSTOMERS.bereaved,
    branchId: north,
    customerSince: "2004-05-17",
    segment: "retail",
    birthday: "09-12",
    deliveryAddress: "14 Orchard Lane\nNorthvale NV1 4AB",
  });
  await insertSignal(bereaved, "bereavement", 3, 3);
  await insertSignal(bereaved, "long_wait", 200, 1);
  const dnc = await insertCustomer({
    ...DEMO_CUSTOMERS.doNotContact,
    branchId: north,
    customerSince: "1998-02-03",
    segment: "premier",
    doNotContact: true,
    doNotContactReason: "Asked in writing not to be contacted (March 2025).",
  });
  await insertSignal(dnc, "complaint", 2, 3);
  await insertCustomer({ ...DEMO_CUSTOMERS.quiet, branchId: north, customerSince: "2012-11-20", segment: "retail", birthday: "02-29" });
  // A customer in hardship: any gesture needs a manager's approval with a written reason.
  const hardship = await insertCustomer({ ...DEMO_CUSTOMERS.hardship, branchId: north, customerSince: "2010-06-01", segment: "retail" });
  await insertSignal(hardship, "hardship", 12, 3, false);
  await insertSignal(hardship, "complaint", 5, 2, false);
  // Staff of North (North may not propose for him), and the partner of a South employee (finance decides).
  const south = input.branchIds.get("STH")!;
  await insertCustomer({ ...DEMO_CUSTOMERS.staffOfNorth, branchId: north, customerSince: "2016-09-01", segment: "retail", connectedBranchId: north });
  const connected = await insertCustomer({ ...DEMO_CUSTOMERS.connectedToSouth, branchId: north, customerSince: "2014-03-15", segment: "retail", connectedBranchId: south });
  await insertSignal(connected, "illness", 4, 2, false);
  // Two customers at one delivery address, written two ways: one household for the cap.
  const householdA = await insertCustomer({ ...DEMO_CUSTOMERS.householdA, branchId: north, customerSince: "2001-01-20", segment: "retail", deliveryAddress: "22 Willow Court\nNorthvale NV2 3CD" });
  await insertSignal(householdA, "bereavement", 6, 3, false);
  const householdB = await insertCustomer({ ...DEMO_CUSTOMERS.householdB, branchId: north, customerSince: "2003-08-11", segment: "retail", deliveryAddress: "22, willow court,  NORTHVALE nv2 3cd" });
  await insertSignal(householdB, "bereavement", 6, 3, false);
  const erased = await insertCustomer({
    crmRef: DEMO_CUSTOMERS.erased.crmRef,
    name: "Erased customer",
    branchId: north,
    customerSince: "2009-01-01",
    segment: "retail",
    doNotContact: true,
    doNotContactReason: "Erased at the customer's request",
    erasedAt: input.now,
  });
  await tx
    .update(customers)
    .set({ name: `Erased customer #${erased.id}`, ...nameKeys(`Erased customer #${erased.id}`) })
    .where(eq(customers.id, erased.id));
  await insertSignal(erased, "complaint", 40, 2, false);
  await recordAudit(tx, { actorId: input.actorId, action: "customer.erased", entity: "customer", entityId: erased.id, detail: { notesRemoved: 0 }, at: input.now });

  return { customers: customerCount, signals: signalCount };
}
