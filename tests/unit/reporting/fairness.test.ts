// Fairness figures on a fixed seed, against values computed by hand in the comments.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Branch, User } from "../../../db/schema";
import { fairnessReport } from "~/domain/reporting/fairness.server";
import { readRange } from "~/domain/reporting/report-filter.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { createGesture } from "../../support/gesture-factory";
import { mapInSeries } from "~/utils/in-series";

const TZ = "America/New_York";
const range = readRange(new URLSearchParams({ from: "2026-01-01", to: "2026-03-31" }), TZ, new Date("2026-05-01T12:00:00Z")).range;

let db: Db;
let north: Branch;
let south: Branch;
let sam: User;

// North: 10 customers — premier P1 (customer since 2025-10-01: under a year at 2026-04-01), premier P2
// (2024-01-01: 1 to 3 years), six retail R1..R6 (2020-01-01: 3 to 10 years), two business (2015-06-01:
// 10 years or more). South: 10 retail customers, no gestures.
// Sam (North) gives 10 granted gestures: P1 ×4, P2 ×3, R1, R2, R3. Not counted: a rejected one, a
// draft, one submitted after the period.
beforeAll(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  north = await createBranch(db, { name: "North", region: "Northern" });
  south = await createBranch(db, { name: "South", region: "Southern" });
  sam = await createUser(db, { role: "staff", branchId: north.id, name: "Sam Staff" });
  const p1 = await createCustomer(db, { branchId: north.id, segment: "premier", customerSince: "2025-10-01" });
  const p2 = await createCustomer(db, { branchId: north.id, segment: "premier", customerSince: "2024-01-01" });
  const retail = await mapInSeries(Array.from({ length: 6 }), async () => await createCustomer(db, { branchId: north.id, segment: "retail", customerSince: "2020-01-01" }));
  const business = await mapInSeries(Array.from({ length: 2 }), async () => await createCustomer(db, { branchId: north.id, segment: "business", customerSince: "2015-06-01" }));
  for (let i = 0; i < 10; i++) await createCustomer(db, { branchId: south.id, segment: "retail" });
  let day = 1;
  const give = async (customerId: number, status: "approved" | "fulfilled" | "closed" | "rejected" | "draft" = "approved", at?: Date) =>
    await createGesture(db, { customerId, branchId: north.id, proposerId: sam.id, status, submittedAt: at ?? new Date(Date.UTC(2026, 1, day++, 15)) });
  for (let i = 0; i < 4; i++) await give(p1.id, i === 0 ? "closed" : "approved");
  for (let i = 0; i < 3; i++) await give(p2.id, "fulfilled");
  await give(retail[0]!.id);
  await give(retail[1]!.id);
  await give(retail[2]!.id);
  await give(business[0]!.id, "rejected");
  await give(business[1]!.id, "draft", new Date("2026-02-20T15:00:00Z"));
  await give(retail[3]!.id, "approved", new Date("2026-04-02T15:00:00Z"));
});
afterAll(() => closeDatabase(db));

const pick = <Row extends { key: string }>(rows: Row[], key: string) => rows.find((r) => r.key === key)!;

describe("fairness across the whole bank", () => {
  it("compares each segment's share of gestures with its share of customers", async () => {
    const report = await fairnessReport(db, { scope: { branchId: null, region: null }, range });
    expect(report.totals).toEqual({ gestures: 10, customers: 20 });
    // Premier: 7 of 10 gestures (70%) against 2 of 20 customers (10%): more than twice its share.
    expect(pick(report.segments, "premier")).toMatchObject({ gestures: 7, gestureShare: 0.7, customers: 2, customerShare: 0.1, flagged: true });
    // Retail: 3 of 10 (30%) against 16 of 20 (80%).
    expect(pick(report.segments, "retail")).toMatchObject({ gestures: 3, gestureShare: 0.3, customers: 16, customerShare: 0.8, flagged: false });
    expect(pick(report.segments, "business")).toMatchObject({ gestures: 0, customers: 2, flagged: false });
    expect(pick(report.segments, "private")).toMatchObject({ gestures: 0, customers: 0, flagged: false });
  });

  it("bands tenure at the end of the period, and flags only groups with at least five gestures", async () => {
    const report = await fairnessReport(db, { scope: { branchId: null, region: null }, range });
    // Under a year: P1's 4 gestures (40%) against 1 customer (5%): far over, but only 4 gestures.
    expect(pick(report.tenure, "under_1")).toMatchObject({ gestures: 4, customers: 1, flagged: false });
    expect(pick(report.tenure, "1_to_3")).toMatchObject({ gestures: 3, customers: 1, flagged: false });
    expect(pick(report.tenure, "3_to_10")).toMatchObject({ gestures: 3, customers: 6, flagged: false });
    // South's customers default to 2015-06-01: 10 years or more, with the two business customers.
    expect(pick(report.tenure, "10_plus")).toMatchObject({ gestures: 0, customers: 12, flagged: false });
  });

  it("compares branches, and flags a proposer whose gestures concentrate on a few customers and one segment", async () => {
    const report = await fairnessReport(db, { scope: { branchId: null, region: null }, range });
    // North: all 10 gestures (100%) against 10 of 20 customers (50%): exactly twice, not more than twice.
    expect(pick(report.branches, String(north.id))).toMatchObject({ label: "North", gestures: 10, gestureShare: 1, customerShare: 0.5, flagged: false });
    expect(pick(report.branches, String(south.id))).toMatchObject({ gestures: 0, customers: 10, flagged: false });
    const samRow = report.concentration.find((c) => c.kind === "proposer" && c.id === sam.id)!;
    // Top three customers: P1 4 + P2 3 + one retail 1 = 8 of 10. Premier: 70% against North's 20%.
    expect(samRow).toMatchObject({
      name: "Sam Staff",
      branchName: "North",
      gestures: 10,
      customers: 5,
      topCustomers: 8,
      topShare: 0.8,
      topSegment: "premier",
      topSegmentShare: 0.7,
      segmentBaseShare: 0.2,
      flaggedCustomers: true,
      flaggedSegment: true,
    });
    expect(report.concentration.find((c) => c.kind === "branch" && c.id === north.id)).toMatchObject({ gestures: 10, flaggedCustomers: true });
  });

  it("a branch's report counts only that branch's customers", async () => {
    const report = await fairnessReport(db, { scope: { branchId: south.id, region: null }, range });
    expect(report.totals).toEqual({ gestures: 0, customers: 10 });
    expect(report.branches).toEqual([]);
    expect(report.concentration).toEqual([]);
    const regional = await fairnessReport(db, { scope: { branchId: null, region: "Northern" }, range });
    expect(regional.totals).toEqual({ gestures: 10, customers: 10 });
    expect(pick(regional.segments, "premier")).toMatchObject({ customerShare: 0.2, flagged: true });
  });
});
