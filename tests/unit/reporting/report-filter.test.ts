// The one vocabulary of the reports' URLs (from, to, region, branch code), who may see which
// branches, and the translation of older bookmarks (period id, branch id, quarter name).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { branches, type Branch } from "../../../db/schema";
import { currentReportUrl, readBudgetPeriod, readQuarter, readScope } from "~/domain/reporting/report-filter.server";
import type { Db } from "~/utils/db.server";
import { setupBudget } from "../../support/budget";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch } from "../../support/factories";

const NOW = new Date("2026-02-10T15:00:00Z");
const TZ = "America/New_York";
const FINANCE = { role: "finance" as const, branchId: null };

let db: Db;
let north: Branch;
let south: Branch;
let numeric: Branch;
let periodId: number;

beforeAll(async () => {
  db = createTestDatabase();
  const budget = await setupBudget(db, { branches: 2, now: NOW });
  [north, south] = budget.branches as [Branch, Branch];
  await db.update(branches).set({ code: "NTH", region: "Northern" }).where(eq(branches.id, north.id));
  await db.update(branches).set({ code: "STH", region: "Southern" }).where(eq(branches.id, south.id));
  north = { ...north, code: "NTH", region: "Northern" };
  south = { ...south, code: "STH", region: "Southern" };
  // A branch whose code is digits that are also another branch's id.
  numeric = await createBranch(db, { code: String(north.id), region: "Southern" });
  periodId = budget.periodId;
});
afterAll(() => closeDatabase(db));

const params = (query: string) => new URLSearchParams(query);

describe("the scope", () => {
  it("finance chooses a region, or a branch by its code, which names its region", async () => {
    expect((await readScope(db, FINANCE, params("region=Southern"))).scope).toEqual({ branchId: null, region: "Southern" });
    const branch = await readScope(db, FINANCE, params("region=Northern&branch=sth"));
    expect(branch.scope).toEqual({ branchId: south.id, region: null });
    expect(branch).toMatchObject({ region: "Southern", label: south.name, errors: {} });
  });

  it("an unknown region or branch is named beside its field and the report covers every branch", async () => {
    const odd = await readScope(db, FINANCE, params("region=Atlantis&branch=NOPE"));
    expect(odd.scope).toEqual({ branchId: null, region: null });
    expect(odd.errors).toEqual({ region: "Choose a region from the list.", branch: "Choose a branch from the list." });
  });

  it("a manager gets their own branch; asking for another is refused on the spend reports and ignored on fairness and exports", async () => {
    const manager = { role: "manager" as const, branchId: north.id };
    expect((await readScope(db, manager, params("region=Southern"))).scope).toEqual({ branchId: north.id, region: null });
    await expect(readScope(db, manager, params("branch=STH"), "refuse")).rejects.toThrow("your own branch only");
    expect((await readScope(db, manager, params("branch=STH"), "own")).scope).toEqual({ branchId: north.id, region: null });
    await expect(readScope(db, { role: "staff", branchId: north.id }, params(""))).rejects.toThrow("finance and branch managers");
  });
});

describe("the period", () => {
  it("a budget period is chosen by any of its days, by default the current one", async () => {
    expect((await readBudgetPeriod(db, params(""), NOW)).period?.id).toBe(periodId);
    expect((await readBudgetPeriod(db, params("from=2026-03-31"), NOW)).period?.id).toBe(periodId);
    expect((await readBudgetPeriod(db, params("from=2025-06-01"), NOW)).errors.from).toBe("Choose a budget period from the list.");
    expect((await readBudgetPeriod(db, params("from=2026-02-30"), NOW)).errors.from).toBe("Enter a date like 2026-01-01.");
  });

  it("a range that is not the whole period is refused beside the choice", async () => {
    const partial = await readBudgetPeriod(db, params("from=2026-01-01&to=2026-02-15"), NOW);
    expect(partial.period?.id).toBe(periodId);
    expect(partial.errors.from).toMatch(/covers a whole budget period/);
    expect((await readBudgetPeriod(db, params("from=2026-01-01&to=2026-03-31"), NOW)).errors).toEqual({});
  });

  it("a quarter that has begun, by its first day; a later one is refused", () => {
    expect(readQuarter(params("from=2025-10-01"), TZ, NOW).quarter.name).toBe("2025-Q4");
    expect(readQuarter(params(""), TZ, NOW).quarter.name).toBe("2026-Q1");
    const future = readQuarter(params("from=2026-04-01"), TZ, NOW);
    expect(future.quarter.name).toBe("2026-Q1");
    expect(future.errors.from).toBe("Choose a quarter from the list.");
    // An old quarter reached by its URL stays among the choices.
    expect(readQuarter(params("from=2020-01-01"), TZ, NOW).options.map((o) => o.label)).toContain("2020-Q1");
  });
});

describe("old bookmarks", () => {
  const url = (path: string) => new URL(`http://app.test${path}`);

  it("a budget period's id becomes its first day, a quarter's name its first day, a branch's id its code", async () => {
    expect(await currentReportUrl(db, FINANCE, url(`/reports?period=${periodId}&region=Northern`))).toBe("/reports?region=Northern&from=2026-01-01");
    expect(await currentReportUrl(db, FINANCE, url("/finance/flags?quarter=2025-Q4&rule=split_customer"))).toBe("/finance/flags?rule=split_customer&from=2025-10-01");
    expect(await currentReportUrl(db, FINANCE, url(`/reports?branch=${south.id}`))).toBe("/reports?branch=STH");
  });

  it("a URL already in today's vocabulary is left alone, including a branch code made of digits", async () => {
    expect(await currentReportUrl(db, FINANCE, url("/reports?from=2026-01-01&branch=NTH"))).toBeNull();
    expect(await currentReportUrl(db, FINANCE, url(`/reports?branch=${numeric.code}`))).toBeNull();
  });

  it("unreadable old values are dropped and Remix's _data never leaks into the target", async () => {
    expect(await currentReportUrl(db, FINANCE, url("/reports?period=abc&quarter=2026-Q9&_data=routes%2F_app.reports._index"))).toBe("/reports");
    expect(await currentReportUrl(db, FINANCE, url("/reports?period=99999"))).toBe("/reports");
  });

  it("a new `from` wins over an old `period`", async () => {
    expect(await currentReportUrl(db, FINANCE, url(`/reports?from=2025-10-01&period=${periodId}`))).toBe("/reports?from=2025-10-01");
  });

  it("a manager's own branch id is translated; another branch's id is left for the reader to refuse, never named", async () => {
    const manager = { role: "manager" as const, branchId: south.id };
    expect(await currentReportUrl(db, manager, url(`/reports?branch=${south.id}`))).toBe("/reports?branch=STH");
    expect(await currentReportUrl(db, manager, url(`/reports?branch=${numeric.id}`))).toBeNull();
  });
});
