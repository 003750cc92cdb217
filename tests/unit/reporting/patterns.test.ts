// Unusual-pattern rules, each on data made to trigger it and on data made not to, on a real
// migrated database; and finance's review of a flag (once, with a note, audited).
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, flagReviews, gestures, type Branch, type Customer, type User } from "../../../db/schema";
import { computeFlags, median, peerOutliers, reviewFlag, unusualApprovalRates, type FlagRule } from "~/domain/reporting/patterns.server";
import { quarterNamed } from "~/domain/reporting/report-filter.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { createDecision, createGesture } from "../../support/gesture-factory";
import { firstRow } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

const TZ = "America/New_York";
const Q1 = quarterNamed("2026-Q1", TZ)!;
const day = (n: number) => new Date(Date.UTC(2026, 1, n, 15)); // February n, 10:00 in New York

let db: Db;
let branch: Branch;
let other: Branch;
let staff: User;
let staff2: User;
let manager: User;
let finance: User;
let customer: Customer;
let customer2: Customer;

beforeEach(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  branch = await createBranch(db, { name: "North" });
  other = await createBranch(db, { name: "South" });
  staff = await createUser(db, { role: "staff", branchId: branch.id, name: "Sam Staff" });
  staff2 = await createUser(db, { role: "staff", branchId: branch.id, name: "Pat Staff" });
  manager = await createUser(db, { role: "manager", branchId: branch.id, name: "Morgan Manager" });
  finance = await createUser(db, { role: "finance", name: "Fiona Finance" });
  customer = await createCustomer(db, { branchId: branch.id, crmRef: "CRM-1" });
  customer2 = await createCustomer(db, { branchId: branch.id, crmRef: "CRM-2" });
});
afterEach(() => closeDatabase(db));

const flagsOf = async (rule: FlagRule) => await computeFlags(db, Q1, "USD", [rule]);
const gesture = async (options: Partial<Parameters<typeof createGesture>[1]> & { at: Date }) =>
  await createGesture(db, { customerId: customer.id, branchId: branch.id, proposerId: staff.id, submittedAt: options.at, createdAt: options.at, ...options });

describe("split requests (the second-approval threshold is $150.00 by default)", () => {
  it("flags one proposer's gestures within 7 days, each under the threshold, that together reach it", async () => {
    const a = await gesture({ at: day(2), requestedAmount: 8_000, customerId: customer.id });
    const b = await gesture({ at: day(5), requestedAmount: 8_000, customerId: customer2.id });
    const flags = await flagsOf("split_proposer");
    expect(flags).toHaveLength(1);
    expect(flags[0]!.gestureIds).toEqual([a.id, b.id]);
    expect(flags[0]!.subject).toBe("Sam Staff");
    expect(flags[0]!.summary).toContain("$160.00");
    // Two customers: not a split for the customer.
    expect(await flagsOf("split_customer")).toEqual([]);
  });

  it("flags one customer's gestures from different proposers", async () => {
    const a = await gesture({ at: day(2), requestedAmount: 10_000, proposerId: staff.id });
    const b = await gesture({ at: day(3), requestedAmount: 6_000, proposerId: staff2.id });
    const flags = await flagsOf("split_customer");
    expect(flags.map((f) => f.gestureIds)).toEqual([[a.id, b.id]]);
    expect(flags[0]!.subject).toBe("Customer CRM-1");
    expect(await flagsOf("split_proposer")).toEqual([]);
  });

  it("does not flag gestures more than 7 days apart, a sum under the threshold, or a gesture at the threshold", async () => {
    await gesture({ at: day(1), requestedAmount: 8_000 });
    await gesture({ at: day(10), requestedAmount: 8_000 }); // 9 days later
    await gesture({ at: day(20), requestedAmount: 7_000 });
    await gesture({ at: day(21), requestedAmount: 7_000 }); // $140.00 together
    await gesture({ at: day(25), requestedAmount: 15_000 }); // at the threshold: went to finance anyway
    expect(await flagsOf("split_proposer")).toEqual([]);
    expect(await flagsOf("split_customer")).toEqual([]);
  });

  it("ignores drafts and withdrawn proposals", async () => {
    await gesture({ at: day(2), requestedAmount: 8_000 });
    await gesture({ at: day(3), requestedAmount: 8_000, status: "withdrawn" });
    await gesture({ at: day(4), requestedAmount: 8_000, status: "draft" });
    expect(await flagsOf("split_proposer")).toEqual([]);
  });

  it("makes one flag of a run of overlapping windows, keyed by its first gesture", async () => {
    const ids = await mapInSeries([1, 3, 5, 7, 9], async (d) => (await gesture({ at: day(d), requestedAmount: 8_000 })).id);
    const flags = await flagsOf("split_proposer");
    expect(flags).toHaveLength(1);
    expect(flags[0]!.gestureIds).toEqual(ids);
    expect(flags[0]!.key).toBe(`split_proposer:proposer:${staff.id}:${ids[0]}`);
  });
});

describe("one customer across branches", () => {
  it("flags gestures for one customer recorded against two branches", async () => {
    const a = await gesture({ at: day(2), branchId: branch.id });
    const b = await gesture({ at: day(20), branchId: other.id });
    const flags = await flagsOf("repeat_customer");
    expect(flags).toHaveLength(1);
    expect(flags[0]!.gestureIds).toEqual([a.id, b.id]);
    expect(flags[0]!.key).toBe(`repeat_customer:customer:${customer.id}:2026-Q1`);
  });

  it("does not flag repeat gestures in one branch, nor a second branch in another quarter", async () => {
    await gesture({ at: day(2) });
    await gesture({ at: day(20) });
    await gesture({ at: new Date("2026-04-15T15:00:00Z"), branchId: other.id });
    expect(await flagsOf("repeat_customer")).toEqual([]);
  });
});

describe("far above branch peers", () => {
  it("flags a proposer with more than three times the branch median of gestures", async () => {
    const third = await createUser(db, { role: "staff", branchId: branch.id });
    await gesture({ at: day(1), proposerId: staff2.id });
    await gesture({ at: day(1), proposerId: third.id });
    await gesture({ at: day(1), proposerId: manager.id });
    for (let i = 0; i < 4; i++) await gesture({ at: day(2 + i), proposerId: staff.id });
    const flags = await flagsOf("peer_outlier");
    expect(flags.map((f) => f.subject)).toEqual(["Sam Staff"]);
    expect(flags[0]!.summary).toContain("4 gestures against a branch median of 1");
    expect(flags[0]!.gestureIds).toHaveLength(4);
  });

  it("does not flag three times the median or less, nor a branch with fewer than three proposers", async () => {
    const third = await createUser(db, { role: "staff", branchId: branch.id });
    await gesture({ at: day(1), proposerId: staff2.id });
    await gesture({ at: day(1), proposerId: third.id });
    for (let i = 0; i < 3; i++) await gesture({ at: day(2 + i), proposerId: staff.id });
    expect(await flagsOf("peer_outlier")).toEqual([]);
    // Two proposers in the other branch, one far ahead: too few peers to compare.
    await gesture({ at: day(1), proposerId: manager.id, branchId: other.id });
    for (let i = 0; i < 9; i++) await gesture({ at: day(2 + i), proposerId: staff2.id, branchId: other.id });
    expect(await flagsOf("peer_outlier")).toEqual([]);
  });

  it("the median of a list is its middle value (property: never below the minimum, never above the maximum)", () => {
    expect(median([1, 1, 5])).toBe(1);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }), (values) => {
        const m = median(values);
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
        // Nobody is an outlier when everybody gave the same.
        const same = values.map((_, i) => ({ branchId: 1, proposerId: i, gestures: 3, spend: 100 }));
        expect(peerOutliers(same, 3, 3)).toEqual([]);
      }),
    );
  });
});

describe("unusual approval rate", () => {
  async function decide(proposer: User, outcomes: ("approve" | "reject")[]) {
    for (const [i, decision] of outcomes.entries()) {
      const g = await gesture({ at: day(1 + i), proposerId: proposer.id, status: decision === "approve" ? "approved" : "rejected" });
      await createDecision(db, { gestureId: g.id, approverId: manager.id, decision, at: day(2 + i) });
    }
  }

  it("flags an approver who approves one proposer far more readily than everyone else", async () => {
    await decide(staff, ["approve", "approve", "approve", "approve", "approve"]);
    await decide(staff2, ["approve", "approve", "reject", "reject", "reject"]);
    const flags = await flagsOf("approver_rate");
    expect(flags).toHaveLength(1);
    expect(flags[0]!.subject).toBe("Morgan Manager approving Sam Staff");
    expect(flags[0]!.summary).toContain("approved 5 of 5 (100%) against 40%");
  });

  it("does not flag a gap under 30 points, or too few decisions to compare", async () => {
    await decide(staff, ["approve", "approve", "approve", "approve", "approve"]);
    await decide(staff2, ["approve", "approve", "approve", "approve", "reject"]);
    expect(await flagsOf("approver_rate")).toEqual([]);
    expect(
      unusualApprovalRates(
        [
          { approverId: 1, proposerId: 2, decisions: 4, approvals: 4 },
          { approverId: 1, proposerId: 3, decisions: 10, approvals: 0 },
        ],
        5,
        30,
      ),
    ).toEqual([]);
  });
});

describe("reviewing a flag", () => {
  async function splitFlag() {
    await gesture({ at: day(2), requestedAmount: 8_000 });
    await gesture({ at: day(3), requestedAmount: 8_000 });
    return (await flagsOf("split_proposer"))[0]!;
  }

  it("finance marks a flag reviewed once, with a note, and the review is audited", async () => {
    const flag = await splitFlag();
    const at = new Date("2026-03-10T12:00:00Z");
    await reviewFlag(db, finance, { quarter: Q1, flagKey: flag.key, note: "  Two bereavements in one family; fine.  ", currency: "USD" }, at);
    const review = (await firstRow(db.select().from(flagReviews).limit(1)))!;
    expect(review).toMatchObject({ flagKey: flag.key, rule: "split_proposer", reviewedById: finance.id, note: "Two bereavements in one family; fine." });
    const event = (await firstRow(db.select().from(auditEvents).where(eq(auditEvents.action, "flag.reviewed")).limit(1)))!;
    expect(event.actorId).toBe(finance.id);
    expect(JSON.parse(event.detail)).toMatchObject({ rule: "split_proposer", flagKey: flag.key, gestures: 2 });
    await expect(reviewFlag(db, finance, { quarter: Q1, flagKey: flag.key, note: "again", currency: "USD" }, at)).rejects.toThrow(/already reviewed/);
  });

  it("refuses an empty note, an unknown flag, and anyone but finance", async () => {
    const flag = await splitFlag();
    const at = new Date("2026-03-10T12:00:00Z");
    await expect(reviewFlag(db, finance, { quarter: Q1, flagKey: flag.key, note: "   ", currency: "USD" }, at)).rejects.toThrow(/Write what you found/);
    await expect(reviewFlag(db, finance, { quarter: Q1, flagKey: "split_proposer:proposer:999:1", note: "ok", currency: "USD" }, at)).rejects.toThrow(/does not exist/);
    await expect(reviewFlag(db, finance, { quarter: Q1, flagKey: "nonsense", note: "ok", currency: "USD" }, at)).rejects.toThrow(/does not exist/);
    await expect(reviewFlag(db, manager, { quarter: Q1, flagKey: flag.key, note: "ok", currency: "USD" }, at)).rejects.toThrow(/Only finance/);
    expect(await db.select().from(flagReviews)).toEqual([]);
  });

  it("a flag whose gestures no longer add up cannot be reviewed", async () => {
    const flag = await splitFlag();
    await db.update(gestures).set({ status: "withdrawn", approvalRoute: null }).where(eq(gestures.id, flag.gestureIds[1]!));
    await expect(reviewFlag(db, finance, { quarter: Q1, flagKey: flag.key, note: "ok", currency: "USD" }, new Date())).rejects.toThrow(/does not exist/);
  });
});
