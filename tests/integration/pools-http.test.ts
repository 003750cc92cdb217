// The budget pages over real HTTP against the production build: who may see which pool, and the
// money forms (review, confirm, repeat, wrong input, CSV, open, close) as a browser without
// JavaScript would post them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetPeriods, holds, type Branch, type User } from "../../db/schema";
import { openPeriod } from "~/domain/budget/budget-periods.server";
import { currentPoolFor, getPoolBalance, placeHold, type PoolContext } from "~/domain/budget/ledger.server";
import { db } from "~/utils/db.server";
import { key } from "../support/budget";
import { createBranch, createOrganisation, createUser } from "../support/factories";
import { cookiePair, startTestServer, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";
import { midMonthBefore } from "../support/calendar";

let server: TestServer;
let branchA: Branch;
let branchB: Branch;
const people = {} as Record<"finance" | "managerA" | "staffA" | "admin", User>;
let poolA: PoolContext;
let poolB: PoolContext;
let pastPeriodId: number;

const NOW = new Date();
// A day in the quarter before the current one.
const PAST = midMonthBefore(3, NOW);

beforeAll(async () => {
  server = await startTestServer();
  await createOrganisation(db);
  branchA = await createBranch(db, { code: "AAA", name: "Alderley", region: "North Region" });
  branchB = await createBranch(db, { code: "BBB", name: "Bramhall", region: "South Region" });
  people.finance = await createUser(db, { role: "finance" });
  people.managerA = await createUser(db, { role: "manager", branchId: branchA.id });
  people.staffA = await createUser(db, { role: "staff", branchId: branchA.id });
  people.admin = await createUser(db, { role: "admin" });
  const finance = { id: people.finance.id, role: "finance" as const };
  pastPeriodId = (await openPeriod(db, finance, { amounts: [{ branchId: branchA.id, amount: 50_000 }], idempotencyKey: key(), now: PAST })).periodId;
  const past = (await currentPoolFor(db, branchA.id, PAST))!;
  await placeHold(db, { id: null }, { poolId: past.id, amount: 4_000, memo: "Flowers", idempotencyKey: key(), now: PAST });
  await openPeriod(db, finance, {
    amounts: [
      { branchId: branchA.id, amount: 123_400 },
      { branchId: branchB.id, amount: 567_800 },
    ],
    idempotencyKey: key(),
    now: NOW,
  });
  poolA = (await currentPoolFor(db, branchA.id, NOW))!;
  poolB = (await currentPoolFor(db, branchB.id, NOW))!;
});
afterAll(() => server.close());

async function as(who: keyof typeof people) {
  return (await sessionCookieFor(db, people[who])).cookie;
}

/** The page's HTML without the comments React puts between adjacent pieces of text. */
const textOf = async (response: Response) => (await response.text()).replaceAll("<!-- -->", "");

async function get(path: string, who: keyof typeof people) {
  const response = await server.fetch(path, { cookie: await as(who) });
  return { status: response.status, html: await textOf(response) };
}

/** Posts a form and, on a redirect, follows it with the toast cookie to read the message. */
async function post(path: string, who: keyof typeof people, form: Record<string, string>) {
  const cookie = await as(who);
  const response = await server.fetch(path, { method: "POST", cookie, form });
  if (response.status !== 302) return { status: response.status, html: await textOf(response), location: null };
  const location = response.headers.get("Location")!;
  const toast = cookiePair(response, "ef_toast") ?? cookiePair(response, "__Host-ef_toast");
  const next = await server.fetch(location, { cookie: [cookie, toast].filter(Boolean).join("; ") });
  return { status: 302, html: await textOf(next), location };
}

const keysIn = (html: string) => [...html.matchAll(/name="idempotencyKey" value="([^"]+)"/g)].map((m) => m[1]!);

describe("who sees which pool", () => {
  it("finance sees every branch's pool of the period with its balances", async () => {
    const { status, html } = await get("/pools", "finance");
    expect(status).toBe(200);
    expect(html).toContain("Alderley");
    expect(html).toContain("Bramhall");
    expect(html).toContain("$1,234.00");
    expect(html).toContain("$5,678.00");
  });

  it("a manager reads their own branch's pool, without the money forms", async () => {
    const { status, html } = await get(`/pools/${poolA.id}`, "managerA");
    expect(status).toBe(200);
    expect(html).toContain("$1,234.00");
    expect(html).toContain("Ledger");
    expect(html).not.toContain("Review allocation");
  });

  it("a manager asking for another branch's pool is refused with no data", async () => {
    const { status, html } = await get(`/pools/${poolB.id}`, "managerA");
    expect(status).toBe(403);
    expect(html).toContain("This budget belongs to another branch.");
    expect(html).not.toContain("Bramhall");
    expect(html).not.toContain("5,678");
    const data = await server.fetch(`/pools/${poolB.id}?_data=routes%2F_app.pools.%24poolId`, { cookie: await as("managerA") });
    expect(data.status).toBe(403);
    expect(await data.text()).not.toContain("5678");
  });

  it("staff and admins are refused pool pages; staff see only their own branch's balance at home", async () => {
    expect((await get(`/pools/${poolA.id}`, "staffA")).status).toBe(403);
    expect((await get(`/pools/${poolA.id}`, "admin")).status).toBe(403);
    expect((await get("/pools", "managerA")).status).toBe(403);
    const home = await get("/branch", "staffA");
    expect(home.status).toBe(200);
    expect(home.html).toContain("Budget for");
    expect(home.html).toContain("$1,234.00");
    expect(home.html).not.toContain("$5,678.00");
    expect(home.html).not.toContain(`/pools/${poolA.id}`);
  });
});

describe("allocating and adjusting", () => {
  it("an allocation takes a review and a confirmation; confirming twice moves the money once", async () => {
    const page = await get(`/pools/${poolA.id}`, "finance");
    const [allocateKey] = keysIn(page.html);
    expect(allocateKey).toMatch(/^[0-9a-f-]{36}$/);
    const form = { intent: "allocate", amount: "250", memo: "Winter campaign", idempotencyKey: allocateKey! };

    const review = await post(`/pools/${poolA.id}`, "finance", { ...form, step: "review" });
    expect(review.status).toBe(200);
    expect(review.html).toContain("Check and confirm");
    expect(review.html).toContain("$250.00");
    expect(review.html).toContain("$1,484.00");
    expect((await getPoolBalance(db, poolA.id)).allocated).toBe(123_400);

    const confirmed = await post(`/pools/${poolA.id}`, "finance", { ...form, step: "confirm" });
    expect(confirmed.location).toBe(`/pools/${poolA.id}`);
    expect(confirmed.html).toContain("Allocated $250.00 for Alderley");
    expect((await getPoolBalance(db, poolA.id)).allocated).toBe(148_400);

    const again = await post(`/pools/${poolA.id}`, "finance", { ...form, step: "confirm" });
    expect(again.status).toBe(302);
    expect(again.html).toContain("That was already recorded; nothing was added twice.");
    expect((await getPoolBalance(db, poolA.id)).allocated).toBe(148_400);

    const changed = await post(`/pools/${poolA.id}`, "finance", { ...form, amount: "251", step: "confirm" });
    expect(changed.status).toBe(409);
    expect(changed.html).toContain("already made with a different amount");
    expect((await getPoolBalance(db, poolA.id)).allocated).toBe(148_400);
  });

  it("an amount that is not money is refused beside the field, keeping what was typed", async () => {
    const [allocateKey] = keysIn((await get(`/pools/${poolA.id}`, "finance")).html);
    for (const [amount, message] of [
      ["12.345", "Use at most two decimals (cents)."],
      ["1e3", "without an exponent"],
      ["-5", "The amount cannot be negative."],
      ["１２", "Use the digits 0 to 9 only."],
      ["99,999,999", "The amount cannot be more than 10,000,000.00."],
    ] as const) {
      const response = await post(`/pools/${poolA.id}`, "finance", { intent: "allocate", step: "review", amount, idempotencyKey: allocateKey! });
      expect(response.status, amount).toBe(400);
      expect(response.html).toContain(message);
      expect(response.html).toContain(`value="${amount}"`);
    }
  });

  it("an adjustment needs a reason, and may not take the pool below zero", async () => {
    const [, adjustKey] = keysIn((await get(`/pools/${poolA.id}`, "finance")).html);
    const noReason = await post(`/pools/${poolA.id}`, "finance", { intent: "adjust", step: "review", amount: "-10", reason: "", idempotencyKey: adjustKey! });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain("Give the reason for this adjustment.");
    const tooMuch = await post(`/pools/${poolA.id}`, "finance", { intent: "adjust", step: "review", amount: "-5,000", reason: "Cut", idempotencyKey: adjustKey! });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.html).toContain("has $1,484.00 available");
    const fine = await post(`/pools/${poolA.id}`, "finance", { intent: "adjust", step: "confirm", amount: "-84", reason: "Correction", idempotencyKey: adjustKey! });
    expect(fine.status).toBe(302);
    expect(await getPoolBalance(db, poolA.id)).toMatchObject({ adjustments: -8_400, available: 140_000 });
  });

  it("managers cannot post to a pool, not even their own", async () => {
    const response = await post(`/pools/${poolA.id}`, "managerA", { intent: "allocate", step: "confirm", amount: "1", idempotencyKey: "aaaaaaaa-bbbb" });
    expect(response.status).toBe(403);
    expect((await getPoolBalance(db, poolA.id)).allocated).toBe(148_400);
  });
});

describe("opening and closing periods", () => {
  it("a CSV of branch codes and amounts fills in the form, and a bad one is refused line by line", async () => {
    const upload = async (csv: string) => {
      const body = new FormData();
      body.append("file", new Blob([csv], { type: "text/csv" }), "budgets.csv");
      const response = await server.fetch("/pools/open", { method: "POST", cookie: await as("finance"), body });
      return { status: response.status, html: await textOf(response) };
    };
    const good = await upload('branch code,amount\r\nAAA,100\r\nbbb,"1,234.50"\r\n');
    expect(good.status).toBe(200);
    expect(good.html).toContain("Read 2 rows.");
    expect(good.html).toContain('value="100.00"');
    expect(good.html).toContain('value="1234.50"');
    const bad = await upload("AAA,12.345\nZZZ,5\nAAA,7\nBBB,1,234.50\n");
    expect(bad.html).toContain("Line 1 (AAA): Use at most two decimals (cents).");
    expect(bad.html).toContain("Line 2: no active branch has the code “ZZZ”.");
    expect(bad.html).toContain("Line 3: AAA appears again (first on line 1).");
    expect(bad.html).toContain("Line 4: expected a branch code and an amount, found 3 values.");
  });

  it("finance opens the next period for every branch after reviewing the amounts; a repeat opens it once", async () => {
    const page = await get("/pools/open", "finance");
    expect(page.status).toBe(200);
    const [openKey] = keysIn(page.html);
    const form = {
      "amounts[0].branchId": String(branchA.id),
      "amounts[0].amount": "1,000",
      "amounts[1].branchId": String(branchB.id),
      "amounts[1].amount": "",
      idempotencyKey: openKey!,
    };
    const review = await post("/pools/open", "finance", { ...form, intent: "review" });
    expect(review.status).toBe(200);
    expect(review.html).toContain("$1,000.00");
    expect(review.html).toContain("1 branch gets nothing for now");
    const periodsBefore = (await db.select().from(budgetPeriods)).length;
    const opened = await post("/pools/open", "finance", { ...form, intent: "open" });
    expect(opened.status).toBe(302);
    expect(opened.html).toMatch(/is open: 2 branch pools, \$1,000\.00 allocated\./);
    const again = await post("/pools/open", "finance", { ...form, intent: "open" });
    expect(again.html).toContain("was already opened; nothing was added twice.");
    expect(await db.select().from(budgetPeriods)).toHaveLength(periodsBefore + 1);
  });

  it("closing a period with open holds is refused unless finance carries them into the next period", async () => {
    const page = await get(`/pools/close/${pastPeriodId}`, "finance");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Carry the 1 open hold into");
    const refused = await post(`/pools/close/${pastPeriodId}`, "finance", {});
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("1 hold is still open");
    const closed = await post(`/pools/close/${pastPeriodId}`, "finance", { carryOpenHolds: "on" });
    expect(closed.status).toBe(302);
    expect(closed.html).toContain("is closed: 1 open hold carried into the next period; $500.00 unspent lapsed.");
    const carried = (await db.select().from(holds)).find((h) => h.status === "carried")!;
    expect((await db.select().from(holds)).find((h) => h.id === carried.carriedToHoldId)).toMatchObject({ status: "open", amount: 4_000 });
  });
});
