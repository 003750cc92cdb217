// `npm run seed:scale` at 1/200 of its size: the same generator the benchmark uses, checked for the
// shape a bank's history has and for money that adds up.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

describe("seed:scale", () => {
  it("builds a deterministic bank-shaped database whose ledger and gestures agree", { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "empathy-fund-scale-"));
    const build = (name: string) => {
      const file = join(dir, name);
      const run = spawnSync("node_modules/.bin/tsx", ["db/seed-scale.ts", "--to", file], { env: { ...process.env, SCALE_DIVISOR: "200" }, encoding: "utf8", timeout: 110_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain("ledger: ok");
      return new Database(file, { readonly: true });
    };
    const db = build("a.sqlite");
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

    expect(count("select count(*) n from branches")).toBe(20);
    expect(count("select count(distinct region) n from branches")).toBe(20);
    expect(count("select count(*) n from customers")).toBe(2_500);
    expect(count("select count(*) n from signals")).toBe(10_000);
    expect(count("select count(*) n from budget_periods where status = 'closed'")).toBe(7);
    expect(count("select count(*) n from budget_periods where status = 'open'")).toBe(1);
    expect(count("select count(*) n from gestures")).toBeGreaterThan(4_500);
    // Every state of the lifecycle that history produces is there.
    const statuses = (db.prepare("select distinct status from gestures").all() as { status: string }[]).map((r) => r.status);
    expect(statuses).toEqual(expect.arrayContaining(["submitted", "approved", "rejected", "withdrawn", "cancelled", "expired", "fulfilled", "closed"]));

    // Money and status agree: an approved gesture holds its amount, a fulfilled one captured it, and
    // nothing outside the open period is still held.
    expect(count("select count(*) n from gestures g where g.status = 'approved' and g.approved_amount > 0 and not exists (select 1 from holds h where h.gesture_id = g.id and h.status = 'open' and h.amount = g.approved_amount)")).toBe(0);
    expect(count("select count(*) n from gestures g where g.status in ('fulfilled', 'closed') and g.actual_amount > 0 and (select -sum(amount) from ledger_entries e where e.gesture_id = g.id and e.kind = 'capture') <> g.actual_amount")).toBe(0);
    expect(count("select count(*) n from holds h join budget_pools p on p.id = h.pool_id join budget_periods bp on bp.id = p.period_id where h.status = 'open' and bp.status = 'closed'")).toBe(0);
    expect(count("select count(*) n from gestures where status in ('rejected', 'withdrawn', 'draft', 'submitted', 'returned') and exists (select 1 from holds h where h.gesture_id = gestures.id)")).toBe(0);
    // Nobody decided their own proposal.
    expect(count("select count(*) n from gesture_decisions d join gestures g on g.id = d.gesture_id where d.approver_id = g.proposer_id")).toBe(0);

    // The same input builds the same bank.
    const again = build("b.sqlite");
    const digest = (d: Database.Database) => d.prepare("select count(*) n, sum(requested_amount) s, sum(coalesce(actual_amount, 0)) a, group_concat(status, '') x from (select * from gestures order by id limit 2000)").get();
    expect(digest(again)).toEqual(digest(db));
    db.close();
    again.close();
  });
});
