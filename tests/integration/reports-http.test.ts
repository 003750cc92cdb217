// The spend page, the spend reports and the return on empathy over real HTTP, on a fixed set of
// pools, holds, captures and outcomes whose figures are worked out by hand below. Also: a manager
// sees their own branch only, and no report loader ever carries a note (a canary in every note).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, customers, gestures, type Gesture, type User } from "../../db/schema";
import { addDays } from "~/domain/core/dates";
import { captureHold, placeHold, releaseHold } from "~/domain/budget/ledger.server";
import { findPeriod } from "~/domain/budget/budget-periods.server";
import { db } from "~/utils/db.server";
import { key, setupBudget } from "../support/budget";
import { createCustomer, createSignal, createUser } from "../support/factories";
import { createGesture } from "../support/gesture-factory";
import { startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { firstRow } from "~/utils/query.server";

const CANARY = "CANARY-7f3a-private-words";

let server: TestServer;
const cookies: Record<"finance" | "managerA" | "staffA" | "managerC", string> = { finance: "", managerA: "", staffA: "", managerC: "" };
let branchA: number;
let branchB: number;
let branchC: number;
let period: { id: number; startsOn: string; endsOn: string };
const g: Record<string, Gesture> = {};

beforeAll(async () => {
  server = await startTestServer();
  const now = new Date();
  // North: A ($1,000.00) and B ($500.00); South: C ($2,000.00).
  const budget = await setupBudget(db, { branches: 3, amounts: [100_000, 50_000, 200_000], now });
  [branchA, branchB, branchC] = budget.branches.map((b) => b.id) as [number, number, number];
  await db.update(branches).set({ region: "North", name: "Alder" }).where(eq(branches.id, branchA));
  await db.update(branches).set({ region: "North", name: "Birch" }).where(eq(branches.id, branchB));
  await db.update(branches).set({ region: "South", name: "Cedar" }).where(eq(branches.id, branchC));
  const [poolA, poolB, poolC] = budget.pools.map((p) => p.id) as [number, number, number];
  period = (await findPeriod(db, budget.periodId))!;

  const managerA = await createUser(db, { role: "manager", branchId: branchA });
  const staffA = await createUser(db, { role: "staff", branchId: branchA });
  const managerC = await createUser(db, { role: "manager", branchId: branchC });
  const private_ = { doNotContactReason: CANARY, deliveryAddress: `1 ${CANARY} Street` };
  const a1 = await createCustomer(db, { branchId: branchA, name: "Ada Alder", ...private_ });
  const a2 = await createCustomer(db, { branchId: branchA, name: "Abe Alder", ...private_ });
  const c1 = await createCustomer(db, { branchId: branchC, name: "Cy Cedar", ...private_ });
  await db.update(customers).set({ doNotContact: false });

  // Signals dated in the period: a1 and a2 both bereaved; a1 receives flowers and complains later.
  const day = (n: number) => addDays(period.startsOn, n);
  await createSignal(db, a1, { kind: "bereavement", occurredOn: day(2), note: CANARY });
  await createSignal(db, a1, { kind: "complaint", occurredOn: day(20), note: CANARY });
  await createSignal(db, a2, { kind: "bereavement", occurredOn: day(3), note: CANARY });
  await createSignal(db, c1, { kind: "bereavement", occurredOn: day(4), note: CANARY });

  const make = async (name: string, options: Parameters<typeof createGesture>[1]) => {
    g[name] = await createGesture(db, { submittedAt: now, createdAt: now, ...options });
    await db.update(gestures).set({ cardMessage: CANARY, justification: CANARY }).where(eq(gestures.id, g[name]!.id));
    return g[name]!;
  };
  const actor = { id: managerA.id };
  const hold = async (gesture: Gesture, poolId: number, amount: number) => {
    await db.update(gestures).set({ poolId, approvedAmount: amount }).where(eq(gestures.id, gesture.id));
    return (await placeHold(db, actor, { poolId, gestureId: gesture.id, amount, idempotencyKey: key("hold"), now })).holdId;
  };
  const fulfil = async (gesture: Gesture, holdId: number, actual: number, status: "fulfilled" | "closed", outcome: Gesture["outcome"]) => {
    await captureHold(db, actor, { holdId, actualAmount: actual, idempotencyKey: key("capture"), now });
    await db
      .update(gestures)
      .set({ status, actualAmount: actual, vendor: "Florist", fulfilledOn: day(10), outcome, outcomeNote: outcome ? CANARY : null })
      .where(eq(gestures.id, gesture.id));
  };

  // A: flowers held $80.00, spent $75.00, thanked.
  const g1 = await make("g1", { customerId: a1.id, branchId: branchA, proposerId: staffA.id, status: "approved", occasion: "bereavement", type: "flowers" });
  await fulfil(g1, await hold(g1, poolA, 8000), 7500, "closed", "thanked");
  // A: a voucher approved for $25.00, not yet spent (committed).
  const g2 = await make("g2", { customerId: a2.id, branchId: branchA, proposerId: staffA.id, status: "approved", occasion: "long_wait", type: "voucher" });
  await hold(g2, poolA, 2500);
  // A: a get-well card spent $60.00, outcome not recorded yet.
  const g3 = await make("g3", { customerId: a2.id, branchId: branchA, proposerId: staffA.id, status: "approved", occasion: "illness", type: "get_well_card" });
  await fulfil(g3, await hold(g3, poolA, 6000), 6000, "fulfilled", null);
  // B: flowers held $40.00 then cancelled (released): nothing committed, nothing spent.
  const g5 = await make("g5", { customerId: a1.id, branchId: branchB, proposerId: staffA.id, status: "approved", occasion: "bereavement", type: "flowers" });
  await releaseHold(db, actor, { holdId: await hold(g5, poolB, 4000), idempotencyKey: key("release"), now });
  await db.update(gestures).set({ status: "cancelled" }).where(eq(gestures.id, g5.id));
  // C: flowers $100.00 spent in full, positive feedback.
  const g4 = await make("g4", { customerId: c1.id, branchId: branchC, proposerId: managerC.id, status: "approved", occasion: "bereavement", type: "flowers" });
  await fulfil(g4, await hold(g4, poolC, 10_000), 10_000, "closed", "positive_feedback");
  // A draft and a rejected proposal of A, never held.
  await make("draft", { customerId: a1.id, branchId: branchA, proposerId: staffA.id, status: "draft", occasion: "birthday", type: "gift_basket" });

  const users: Record<keyof typeof cookies, Pick<User, "id">> = { finance: budget.financeUser, managerA, staffA, managerC };
  for (const [name, user] of Object.entries(users)) cookies[name as keyof typeof cookies] = (await sessionCookieFor(db, user)).cookie;
});
afterAll(() => server.close());

async function data<T = Record<string, any>>(path: string, route: string, who: keyof typeof cookies, status = 200): Promise<T> {
  const separator = path.includes("?") ? "&" : "?";
  const response = await server.fetch(`${path}${separator}_data=${encodeURIComponent(route)}`, { cookie: cookies[who] });
  // An old bookmark's redirect reaches a data request as Remix's 204 with X-Remix-Redirect: follow it, as the browser does.
  const redirect = response.status === 204 ? response.headers.get("X-Remix-Redirect") : null;
  if (redirect) return await data(redirect, route, who, status);
  expect(response.status).toBe(status);
  return (await response.json()) as T;
}
/** A page as the browser ends up showing it, following an old bookmark's redirect. */
async function page(path: string, who: keyof typeof cookies): Promise<Response> {
  const response = await server.fetch(path, { cookie: cookies[who] });
  const location = response.status === 302 ? response.headers.get("Location") : null;
  return location ? await page(location, who) : response;
}
const DASHBOARD = "routes/_app.reports._index";
const OUTCOMES = "routes/_app.reports.outcomes";
const SPEND = "routes/_app.spend";

describe("the spend reports (finance)", () => {
  it("totals every branch: budget, committed, spent and available worked out by hand", async () => {
    const { report } = await data("/reports", DASHBOARD, "finance");
    // Budget 1,000 + 500 + 2,000; committed: the voucher's $25; spent 75 + 60 + 100.
    expect(report.totals).toMatchObject({ budget: 350_000, committed: 2_500, spent: 23_500, available: 324_000, pools: 3 });
    expect(report.byRegion).toEqual([
      expect.objectContaining({ region: "North", budget: 150_000, committed: 2_500, spent: 13_500, available: 134_000, branches: 2 }),
      expect.objectContaining({ region: "South", budget: 200_000, committed: 0, spent: 10_000, available: 190_000, branches: 1 }),
    ]);
    const occasion = Object.fromEntries(report.byOccasion.map((r: any) => [r.occasion, [r.spent, r.committed, r.gestures]]));
    // Bereavement: $75 + $100 spent; the cancelled $40 hold nets to nothing but was one gesture held.
    expect(occasion).toEqual({ bereavement: [17_500, 0, 3], illness: [6_000, 0, 1], long_wait: [0, 2_500, 1] });
    const type = Object.fromEntries(report.byType.map((r: any) => [r.label, [r.spent, r.committed]]));
    expect(type).toEqual({ Flowers: [17_500, 0], "Get-well card": [6_000, 0], "Coffee or meal voucher": [0, 2_500] });
    // Everything happened today: all of it in this month, none in the period's other months.
    expect(report.byMonth).toHaveLength(3);
    expect(report.byMonth.reduce((s: number, m: any) => s + m.spent, 0)).toBe(23_500);
    expect(report.byMonth.filter((m: any) => m.spent > 0)).toHaveLength(1);
    expect(report.byMonth.reduce((s: number, m: any) => s + m.committed, 0)).toBe(2_500);
  });

  it("filters to a region and to a branch, and keeps the choice in the page's links", async () => {
    const north = await data("/reports?region=North", DASHBOARD, "finance");
    expect(north.report.totals).toMatchObject({ budget: 150_000, committed: 2_500, spent: 13_500 });
    expect(north.report.byBranch.map((b: any) => [b.name, b.spent, b.committed])).toEqual([
      ["Alder", 13_500, 2_500],
      ["Birch", 0, 0],
    ]);
    const cedar = await data(`/reports?branch=${branchC}`, DASHBOARD, "finance");
    expect(cedar.region).toBe("South");
    expect(cedar.report.totals).toMatchObject({ budget: 200_000, spent: 10_000 });
    const html = await (await server.fetch("/reports?region=North", { cookie: cookies.finance })).text();
    expect(html).toContain("$1,500.00"); // North's budget
    expect(html).toContain("$135.00"); // North's spend
    expect(html).toContain('href="/reports/outcomes?region=North"');
    expect(html).toContain("<svg"); // the charts are drawn on the server
  });

  it("an unknown region or branch falls back to the whole organisation instead of failing", async () => {
    const odd = await data("/reports?region=Atlantis&branch=99999&period=abc", DASHBOARD, "finance");
    expect(odd.report.totals.budget).toBe(350_000);
  });
});

describe("return on empathy", () => {
  it("counts outcomes and divides the spend by the positive ones", async () => {
    const { report } = await data("/reports/outcomes", OUTCOMES, "finance");
    // Fulfilled: g1 (thanked, $75), g3 (not recorded, $60), g4 (positive feedback, $100).
    expect(report.totals).toMatchObject({ fulfilled: 3, spent: 23_500, recorded: 2, positive: 2 });
    expect(report.totals.counts).toEqual({ thanked: 1, positive_feedback: 1, neutral: 0, no_response: 0, negative: 0 });
    const html = await (await server.fetch("/reports/outcomes", { cookie: cookies.finance })).text();
    expect(html).toContain("$117.50"); // 235.00 / 2
    expect(html).toContain("not a cause");
    expect(html).toContain("Small sample");
  });

  it("compares later signals of customers with and without a gesture for the same kind of signal", async () => {
    const { report } = await data("/reports/outcomes", OUTCOMES, "finance");
    // Bereavements of the period: a1 (flowers, then a complaint), c1 (flowers); a2 none.
    expect(report.comparison).toEqual([
      expect.objectContaining({
        kind: "bereavement",
        received: { cases: 2, later: { complaint: 1, survey_detractor: 0, survey_promoter: 0 } },
        notReceived: { cases: 1, later: { complaint: 0, survey_detractor: 0, survey_promoter: 0 } },
      }),
    ]);
  });

  it("for a region: North's cost per positive outcome is its spend over its one thank-you", async () => {
    const { report } = await data("/reports/outcomes?region=North", OUTCOMES, "finance");
    expect(report.totals).toMatchObject({ fulfilled: 2, spent: 13_500, positive: 1 });
    expect(report.byBranch.map((b: any) => b.label)).toEqual(["Alder"]);
  });
});

describe("a manager's reports are their own branch's", () => {
  it("shows the manager their branch only, whatever region they ask for", async () => {
    const own = await data("/reports?region=South", DASHBOARD, "managerA");
    expect(own.ownBranchOnly).toBe(true);
    expect(own.branch.id).toBe(branchA);
    expect(own.regions).toBeNull();
    expect(own.report.totals).toMatchObject({ budget: 100_000, committed: 2_500, spent: 13_500, pools: 1 });
    const outcomes = await data("/reports/outcomes", OUTCOMES, "managerA");
    expect(outcomes.report.totals).toMatchObject({ fulfilled: 2, spent: 13_500, positive: 1 });
    expect(outcomes.report.comparison[0].received.cases).toBe(1);
  });

  it("refuses another branch with 403", async () => {
    for (const path of [`/reports?branch=${branchC}`, `/reports/outcomes?branch=${branchC}`]) {
      const response = await server.fetch(path, { cookie: cookies.managerA });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("your own branch only");
    }
    const other = await data("/reports", DASHBOARD, "managerC");
    expect(other.report.totals).toMatchObject({ budget: 200_000, spent: 10_000 });
  });

  it("refuses staff", async () => {
    expect((await server.fetch("/reports", { cookie: cookies.staffA })).status).toBe(403);
  });
});

describe("the branch spend page", () => {
  it("shows the pool's committed and spent, and every gesture of the period", async () => {
    const spend = await data("/spend", SPEND, "staffA");
    expect(spend.spend.balance).toMatchObject({ allocated: 100_000, committed: 2_500, spent: 13_500, available: 84_000 });
    expect(spend.spend.rows.map((r: any) => r.id).sort()).toEqual([g.g1!.id, g.g2!.id, g.g3!.id, g.draft!.id].sort());
    expect(spend.spend.rows.find((r: any) => r.id === g.g1!.id)).toMatchObject({ actualAmount: 7_500, outcome: "thanked" });
  });

  it("filters by status, occasion and type", async () => {
    expect((await data("/spend?status=approved", SPEND, "staffA")).spend.rows.map((r: any) => r.id)).toEqual([g.g2!.id]);
    expect((await data("/spend?occasion=illness", SPEND, "managerA")).spend.rows.map((r: any) => r.id)).toEqual([g.g3!.id]);
    const { types } = await data("/spend", SPEND, "staffA");
    const voucher = types.find((t: any) => t.name === "Coffee or meal voucher").id;
    expect((await data(`/spend?type=${voucher}`, SPEND, "staffA")).spend.rows.map((r: any) => r.id)).toEqual([g.g2!.id]);
    const none = await (await server.fetch("/spend?occasion=marriage", { cookie: cookies.staffA })).text();
    expect(none).toContain("No gesture of this period matches these filters.");
  });

  it("never shows another branch's gestures", async () => {
    const spend = await data("/spend", SPEND, "managerC");
    expect(spend.spend.rows.map((r: any) => r.id)).toEqual([g.g4!.id]);
  });
});

describe("one vocabulary for period and scope; old bookmarks redirect", () => {
  const codeOf = async (id: number) => (await firstRow(db.select({ code: branches.code }).from(branches).where(eq(branches.id, id)).limit(1)))!.code;
  const location = async (path: string, who: keyof typeof cookies) => {
    const response = await server.fetch(path, { cookie: cookies[who] });
    expect(response.status, path).toBe(302);
    return response.headers.get("Location");
  };

  it("a budget period is named by its first day, a branch by its code", async () => {
    const cedar = await data(`/reports?from=${period.startsOn}&branch=${await codeOf(branchC)}`, DASHBOARD, "finance");
    expect(cedar.period.startsOn).toBe(period.startsOn);
    expect(cedar.region).toBe("South");
    expect(cedar.report.totals).toMatchObject({ budget: 200_000, spent: 10_000 });
    // Any day of the period finds it; a day no period covers is refused beside the choice.
    expect((await data(`/reports?from=${addDays(period.startsOn, 20)}`, DASHBOARD, "finance")).period.startsOn).toBe(period.startsOn);
    const none = await data("/reports?from=1999-01-01", DASHBOARD, "finance");
    expect(none.periodField.errors.from).toBe("Choose a budget period from the list.");
    expect(none.report.totals.budget).toBe(350_000);
  });

  it("a spend report bookmarked with a period id and a branch id goes on to its dates and branch code", async () => {
    expect(await location(`/reports?period=${period.id}&region=North`, "finance")).toBe(`/reports?region=North&from=${period.startsOn}`);
    expect(await location(`/reports/outcomes?branch=${branchC}&period=${period.id}`, "finance")).toBe(`/reports/outcomes?branch=${await codeOf(branchC)}&from=${period.startsOn}`);
    // An unreadable old period is dropped, as the old page ignored it.
    expect(await location("/reports?period=abc", "finance")).toBe("/reports");
    // The redirect lands on the same figures the old URL showed.
    const old = await data(`/reports?branch=${branchC}&period=${period.id}`, DASHBOARD, "finance");
    expect(old.report.totals).toMatchObject({ budget: 200_000, spent: 10_000 });
  });

  it("a manager's own branch id is translated, another branch's id is refused without naming it", async () => {
    expect(await location(`/reports?branch=${branchA}`, "managerA")).toBe(`/reports?branch=${await codeOf(branchA)}`);
    const other = await server.fetch(`/reports?branch=${branchC}`, { cookie: cookies.managerA });
    expect(other.status).toBe(403);
    expect(other.headers.get("Location")).toBeNull();
    expect((await server.fetch(`/reports?branch=${await codeOf(branchC)}`, { cookie: cookies.managerA })).status).toBe(403);
  });

  it("the branch spend page's old period id goes on to the period's first day, keeping its filters", async () => {
    expect(await location(`/spend?period=${period.id}&status=approved`, "staffA")).toBe(`/spend?status=approved&from=${period.startsOn}`);
    expect((await data(`/spend?period=${period.id}&status=approved`, SPEND, "staffA")).spend.rows.map((r: any) => r.id)).toEqual([g.g2!.id]);
  });

  it("the old URL is checked after the guard: staff asking for an old report URL get 403, not a redirect", async () => {
    expect((await server.fetch(`/reports?period=${period.id}`, { cookie: cookies.staffA })).status).toBe(403);
  });
});

describe("no report carries a note", () => {
  it("finance's and managers' report loaders and pages never contain the canary written into every note", async () => {
    const pages: [string, string, keyof typeof cookies][] = [
      ["/reports", DASHBOARD, "finance"],
      ["/reports?region=North", DASHBOARD, "finance"],
      [`/reports?branch=${branchA}`, DASHBOARD, "finance"],
      ["/reports/outcomes", OUTCOMES, "finance"],
      [`/reports/outcomes?branch=${branchA}`, OUTCOMES, "finance"],
      ["/finance", "routes/_app.finance", "finance"],
      ["/reports", DASHBOARD, "managerA"],
      ["/reports/outcomes", OUTCOMES, "managerA"],
      ["/spend", SPEND, "managerA"],
    ];
    for (const [path, route, who] of pages) {
      const json = JSON.stringify(await data(path, route, who));
      expect(json.length).toBeGreaterThan(100);
      expect(json).not.toContain(CANARY);
      const html = await (await page(path, who)).text();
      expect(html).not.toContain(CANARY);
    }
    // The canary is really there: the database holds it in the notes the reports leave out.
    expect((await firstRow(db.select({ note: gestures.outcomeNote }).from(gestures).where(eq(gestures.id, g.g1!.id)).limit(1)))?.note).toBe(CANARY);
  });
});
