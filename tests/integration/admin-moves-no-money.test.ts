// "Admins move no money and approve nothing" (issue 8), over real HTTP against the production
// build: an administrator posts every money and approval action there is, as a browser form and as
// a data request, with input that would succeed for the role allowed to act, and is refused with
// 403 while no ledger entry, hold, period or money audit event is written.
//
// To cover a new money or approval route, add one line to ACTIONS.
import { count, eq, like, or } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, budgetPeriods, budgetPools, gestureDecisions, gestures, holds, ledgerEntries, type User } from "../../db/schema";
import { closePeriod, openPeriod } from "~/domain/budget/budget-periods.server";
import { adjust, allocate, currentPoolFor, placeHold } from "~/domain/budget/ledger.server";
import { db } from "~/utils/db.server";
import { key } from "../support/budget";
import { createBranch, createCustomer, createOrganisation, createUser } from "../support/factories";
import { propose } from "../support/gesture-setup";
import { startTestServer, type TestServer } from "../support/http";
import { refusal } from "../support/refusal";
import { sessionCookieFor } from "../support/sessions";
import { midMonthBefore } from "../support/calendar";
import { firstRow } from "~/utils/query.server";

let server: TestServer;
let admin: User;
let finance: User;
/** Ids the actions post to, filled in beforeAll. */
const sample = { poolId: 0, pastPeriodId: 0, branchId: 0, gestureId: 0, version: 0 };

/** `route` is the Remix route id, for the data-request (`?_data=`) variant of the post. */
type MoneyAction = { name: string; route: string; path: () => string; form: () => Record<string, string> };

/** Every action that moves money or decides a proposal. Forms are what the allowed role would send. */
const ACTIONS: MoneyAction[] = [
  {
    name: "allocate to a pool",
    route: "routes/_app.pools.$poolId",
    path: () => `/pools/${sample.poolId}`,
    form: () => ({ intent: "allocate", step: "confirm", amount: "100", memo: "Admin", idempotencyKey: key() }),
  },
  {
    name: "adjust a pool",
    route: "routes/_app.pools.$poolId",
    path: () => `/pools/${sample.poolId}`,
    form: () => ({ intent: "adjust", step: "confirm", amount: "-10", reason: "Admin", idempotencyKey: key() }),
  },
  {
    name: "open the next period",
    route: "routes/_app.pools.open",
    path: () => "/pools/open",
    form: () => ({ intent: "open", "amounts[0].branchId": String(sample.branchId), "amounts[0].amount": "100", idempotencyKey: key() }),
  },
  { name: "close a period", route: "routes/_app.pools.close.$periodId", path: () => `/pools/close/${sample.pastPeriodId}`, form: () => ({ carryOpenHolds: "on" }) },
  {
    name: "approve a proposal",
    route: "routes/_app.gestures.$gestureId",
    path: () => `/gestures/${sample.gestureId}`,
    form: () => ({ intent: "approve", version: String(sample.version), comment: "" }),
  },
  {
    name: "reject a proposal",
    route: "routes/_app.gestures.$gestureId",
    path: () => `/gestures/${sample.gestureId}`,
    form: () => ({ intent: "reject", version: String(sample.version), comment: "Admin" }),
  },
  {
    name: "fulfil a gesture",
    route: "routes/_app.gestures.$gestureId",
    path: () => `/gestures/${sample.gestureId}`,
    form: () => ({ intent: "fulfil", version: String(sample.version), actualAmount: "10", vendor: "Admin", fulfilledOn: "2026-01-01", note: "" }),
  },
  {
    name: "cancel a gesture",
    route: "routes/_app.gestures.$gestureId",
    path: () => `/gestures/${sample.gestureId}`,
    form: () => ({ intent: "cancel", version: String(sample.version), reason: "Admin" }),
  },
  {
    name: "record an outcome",
    route: "routes/_app.gestures.$gestureId",
    path: () => `/gestures/${sample.gestureId}`,
    form: () => ({ intent: "outcome", version: String(sample.version), outcome: "thanked", note: "" }),
  },
  {
    name: "approve a new actual amount",
    route: "routes/_app.gestures.$gestureId",
    path: () => `/gestures/${sample.gestureId}`,
    form: () => ({ intent: "reapprove", version: String(sample.version), comment: "" }),
  },
  { name: "bulk-approve proposals", route: "routes/_app.approvals", path: () => "/approvals", form: () => ({ intent: "bulk-approve", selected: `${sample.gestureId}:${sample.version}` }) },
];

const NOW = new Date();
// A day in the quarter before the current one, so that its period has ended and could be closed.
const PAST = midMonthBefore(3, NOW);

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  const branch = await createBranch(db, { code: "ADM", name: "Admin test branch" });
  sample.branchId = branch.id;
  admin = await createUser(db, { role: "admin" });
  finance = await createUser(db, { role: "finance" });
  const asFinance = { id: finance.id, role: "finance" as const };
  sample.pastPeriodId = (await openPeriod(db, asFinance, { amounts: [{ branchId: branch.id, amount: 50_000 }], idempotencyKey: key(), now: PAST })).periodId;
  await placeHold(db, { id: null }, { poolId: (await currentPoolFor(db, branch.id, PAST))!.id, amount: 4_000, memo: "Flowers", idempotencyKey: key(), now: PAST });
  await openPeriod(db, asFinance, { amounts: [{ branchId: branch.id, amount: 100_000 }], idempotencyKey: key(), now: NOW });
  sample.poolId = (await currentPoolFor(db, branch.id, NOW))!.id;
  // A proposal above the discretion limit, waiting for the branch manager.
  const staff = await createUser(db, { role: "staff", branchId: branch.id });
  await createUser(db, { role: "manager", branchId: branch.id });
  const customer = await createCustomer(db, { branchId: branch.id });
  const proposed = await propose(db, staff, { customerId: customer.id, amount: 8_000, justification: "Long-standing customer" }, NOW);
  sample.gestureId = proposed.gestureId;
  sample.version = (await firstRow(db.select({ version: gestures.version, status: gestures.status }).from(gestures).where(eq(gestures.id, proposed.gestureId)).limit(1)))!.version;
});
afterAll(() => server.close());

/** What a money action would change: counts of the money tables and of money audit events. */
async function moneyState() {
  const n = async (table: typeof ledgerEntries | typeof holds | typeof budgetPeriods | typeof budgetPools) => (await firstRow(db.select({ n: count() }).from(table).limit(1)))!.n;
  return {
    ledgerEntries: await n(ledgerEntries),
    holds: await n(holds),
    periods: await n(budgetPeriods),
    pools: await n(budgetPools),
    moneyAuditEvents: (await firstRow(
      db
        .select({ n: count() })
        .from(auditEvents)
        .where(or(like(auditEvents.action, "budget.%"), like(auditEvents.action, "gesture.%"), like(auditEvents.action, "approval.%")))
        .limit(1),
    ))!.n,
    auditEvents: (await firstRow(db.select({ n: count() }).from(auditEvents).limit(1)))!.n,
    decisions: (await firstRow(db.select({ n: count() }).from(gestureDecisions).limit(1)))!.n,
    pendingProposals: (await firstRow(db.select({ n: count() }).from(gestures).where(eq(gestures.status, "submitted")).limit(1)))!.n,
  };
}

async function post(path: string, who: User, form: Record<string, string>) {
  const { cookie } = await sessionCookieFor(db, who);
  return server.fetch(path, { method: "POST", cookie, headers: { Origin: server.origin }, form });
}

describe("an administrator is refused every money and approval action", () => {
  for (const action of ACTIONS) {
    it(`${action.name}: 403, and nothing moves`, async () => {
      const before = await moneyState();
      const page = await post(action.path(), admin, action.form());
      expect(page.status).toBe(403);
      expect(server.build.routes[action.route], `${action.route} is a route of the build`).toBeDefined();
      const data = await post(`${action.path()}?_data=${encodeURIComponent(action.route)}`, admin, action.form());
      expect(data.status).toBe(403);
      expect(await moneyState()).toEqual(before);
    });
  }
});

describe("the domain functions refuse an administrator too (a route that forgot its guard would still move nothing)", () => {
  it("allocate, adjust, open and close are FORBIDDEN for an admin, and nothing moves", async () => {
    const actor = { id: admin.id, role: admin.role };
    const before = await moneyState();
    expect((await refusal(async () => await allocate(db, actor, { poolId: sample.poolId, amount: 100, idempotencyKey: key(), now: NOW }))).code).toBe("FORBIDDEN");
    expect((await refusal(async () => await adjust(db, actor, { poolId: sample.poolId, amount: -100, reason: "x", idempotencyKey: key(), now: NOW }))).code).toBe("FORBIDDEN");
    expect((await refusal(async () => await openPeriod(db, actor, { amounts: [{ branchId: sample.branchId, amount: 100 }], idempotencyKey: key(), now: NOW }))).code).toBe("FORBIDDEN");
    expect((await refusal(async () => await closePeriod(db, actor, { periodId: sample.pastPeriodId, carryOpenHolds: true, now: NOW }))).code).toBe("FORBIDDEN");
    expect(await moneyState()).toEqual(before);
  });
});

describe("the same forms work for the role allowed to act (so the refusal above is about the role)", () => {
  it("finance allocating with the same form moves the money once", async () => {
    const before = await moneyState();
    const response = await post(ACTIONS[0]!.path(), finance, ACTIONS[0]!.form());
    expect(response.status).toBe(302);
    const after = await moneyState();
    expect(after.ledgerEntries).toBe(before.ledgerEntries + 1);
    expect(after.moneyAuditEvents).toBe(before.moneyAuditEvents + 1);
  });
});
