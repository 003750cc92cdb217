// The npm scripts a new developer or an operator runs: migrate, seed, audit:verify.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { branches, organisation, stories, users } from "../../db/schema";
import { verifyPassword } from "~/domain/identity/passwords.server";
import { whatHasWorked } from "~/domain/feedback/what-worked.server";
import { openDatabase, sqliteOf } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

const TSX = "node_modules/.bin/tsx";
const run = (script: string, file: string, args: string[] = []) => spawnSync(TSX, [script, ...args], { env: { ...process.env, DATABASE_URL: file }, encoding: "utf8", timeout: 60_000 });

describe("scripts", () => {
  const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-scripts-")), "demo.sqlite");

  it("db:migrate creates the schema and db:seed the demo organisation with every demo account", { timeout: 120_000 }, async () => {
    expect(run("db/migrate.ts", file).status).toBe(0);
    const seeded = run("db/seed.ts", file);
    expect(seeded.status, seeded.stderr).toBe(0);
    const db = openDatabase(file);
    const accounts = await db.select({ email: users.email, role: users.role, branch: branches.name, hash: users.passwordHash }).from(users).leftJoin(branches, eq(branches.id, users.branchId));
    const byEmail = new Map(accounts.map((a) => [a.email, a]));
    expect(byEmail.get("staff.north@example.com")).toMatchObject({ role: "staff", branch: "North" });
    expect(byEmail.get("manager.north@example.com")).toMatchObject({ role: "manager", branch: "North" });
    expect(byEmail.get("staff.south@example.com")).toMatchObject({ role: "staff", branch: "South" });
    expect(byEmail.get("manager.south@example.com")).toMatchObject({ role: "manager", branch: "South" });
    expect(byEmail.get("finance@example.com")).toMatchObject({ role: "finance", branch: null });
    expect(byEmail.get("admin@example.com")).toMatchObject({ role: "admin", branch: null });
    expect(await verifyPassword("empathy-demo-2026", byEmail.get("admin@example.com")!.hash)).toBe(true);
    const regions = new Set((await db.select({ region: branches.region }).from(branches)).map((b) => b.region));
    expect((await db.select().from(branches)).length).toBeGreaterThanOrEqual(3);
    expect(regions.size).toBeGreaterThanOrEqual(2);
    // The demo accounts sign in with their password alone (the README says so).
    expect(await firstRow(db.select({ required: organisation.secondFactorRequired }).from(organisation).limit(1))).toEqual({ required: false });
    // Stories (issue 21): published at several branches, one waiting for the North manager, one returned.
    const told = await db.select({ status: stories.status, branch: branches.code }).from(stories).innerJoin(branches, eq(branches.id, stories.branchId));
    expect(new Set(told.filter((t) => t.status === "published").map((t) => t.branch)).size).toBeGreaterThanOrEqual(2);
    expect(told).toContainEqual({ status: "submitted", branch: "NTH" });
    expect(told.map((t) => t.status)).toContain("returned");
    // ...and a story in every other state too (declined, withdrawn, a draft).
    expect(new Set(told.map((t) => t.status))).toEqual(new Set(["draft", "submitted", "returned", "published", "declined", "withdrawn"]));
    // Every hold in the demo belongs to a gesture (issue 21): the spend report has no "Holds without a gesture".
    const holdsByGesture = sqliteOf(db).prepare("select count(*) as total, sum(gesture_id is null) as anonymous from holds").get() as { total: number; anonymous: number };
    expect(holdsByGesture.total).toBeGreaterThan(0);
    expect(holdsByGesture.anonymous).toBe(0);
    // Four quarters of history (issue 21 part 5): "what has worked" has more than a small sample and
    // tells the types apart (flowers after a bereavement well above condolence cards).
    const bereavement = await whatHasWorked(db, "bereavement");
    expect(bereavement.slice(0, 2).map((r) => [r.typeName, r.smallSample])).toEqual([
      ["Flowers", false],
      ["Condolence card", false],
    ]);
    expect(bereavement[0]!.positive / bereavement[0]!.recorded).toBeGreaterThan(0.8);
    expect(bereavement[1]!.positive / bereavement[1]!.recorded).toBeLessThan(0.6);
    expect((await whatHasWorked(db, "illness"))[0]).toMatchObject({ typeName: "Get-well card", smallSample: false });
    const raw = sqliteOf(db);
    // The older quarters are closed as finance closes them (nothing open in them); the previous and the current one are open.
    expect((raw.prepare("select status from budget_periods order by starts_on").all() as { status: string }[]).map((p) => p.status)).toEqual(["closed", "closed", "closed", "open", "open"]);
    // Customers who received a gesture answered later surveys better than those with the same signal and none.
    const later = raw
      .prepare(
        "select received, sum(cases) as cases, sum(survey_promoter) as promoters, sum(survey_detractor) + sum(complaint) as unhappy from signal_followups where kind in ('bereavement', 'illness', 'long_wait') group by received order by received",
      )
      .all() as { received: number; cases: number; promoters: number; unhappy: number }[];
    const [without, withGesture] = later;
    expect(withGesture!.promoters / withGesture!.cases).toBeGreaterThan(without!.promoters / without!.cases + 0.2);
    expect(withGesture!.unhappy / withGesture!.cases).toBeLessThan(without!.unhappy / without!.cases);
    raw.close();
  });

  it("seeding again with --if-empty changes nothing; without it, it refuses", () => {
    const again = run("db/seed.ts", file, ["--if-empty"]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("already has data");
    expect(run("db/seed.ts", file).status).toBe(1);
  });

  it("audit:verify passes on an intact chain and names the first broken link of a tampered one", () => {
    const ok = run("db/audit-verify.ts", file);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("Audit chain intact");
    const db = openDatabase(file);
    sqliteOf(db).exec("drop trigger audit_events_no_update; update audit_events set action = 'tampered' where id = 1;");
    sqliteOf(db).close();
    const broken = run("db/audit-verify.ts", file);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("Audit chain BROKEN at event 1");
  });

  it("the seed is deterministic: two fresh databases hold the same organisation", () => {
    const other = join(mkdtempSync(join(tmpdir(), "empathy-fund-scripts-")), "demo2.sqlite");
    expect(run("db/seed.ts", other).status).toBe(0);
    const dump = (path: string) =>
      execFileSync(
        "node",
        [
          "-e",
          `const D=require("better-sqlite3");const d=new D(${JSON.stringify(
            path,
          )});console.log(JSON.stringify([d.prepare("select code,name,region from branches order by id").all(),d.prepare("select email,name,role,branch_id,active from users order by id").all()]))`,
        ],
        { encoding: "utf8" },
      );
    expect(dump(other)).toBe(dump(file));
  }, 120_000);
});
