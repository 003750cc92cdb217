// `npm run seed:scale -- --to postgres://…` (issue 20): the scale seed's SQLite file copied row for
// row into PostgreSQL, so that the benchmark compares the engines on the same data. Checked here at
// 1/500 of the bank's size: every table holds the same rows (counts, money, flags, the audit chain's
// head), the copy passes db:check's checks, and the app can go on writing (ids past the copied ones).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dropDatabase, sameServer } from "../../db/postgres/databases";
import { postgresAdminUrl } from "../support/postgres-databases";

const dir = mkdtempSync(join(tmpdir(), "empathy-fund-scale-pg-"));
const file = join(dir, "scale.sqlite");
const url = sameServer(postgresAdminUrl()!, `scale_copy_${process.pid}`);

afterAll(async () => {
  await dropDatabase(url).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** Figures that differ if a row, an amount, a boolean or the order of the audit chain were lost. */
const FIGURES = [
  "select count(*) as n from customers",
  "select count(*) as n from customers where do_not_contact = true",
  "select count(*) as n from signals",
  "select count(*) as n from gestures",
  "select count(*) as n from gestures where approved_at_discretion = true",
  "select sum(requested_amount) as n from gestures",
  "select sum(coalesce(actual_amount, 0)) as n from gestures",
  "select count(*) as n from gesture_decisions",
  "select count(*) as n from holds",
  "select count(*) as n from ledger_entries",
  "select sum(amount) as n from ledger_entries",
  "select sum(available) as n from pool_totals",
  "select sum(later_complaint) as n from signals",
  "select count(*) as n from audit_events",
  "select hash as n from audit_events order by id desc limit 1",
  "select count(*) as n from users where active = true",
];

describe("seed:scale into PostgreSQL", () => {
  it("copies the SQLite scale file row for row, passes every check, and the app's ids go on after the copied ones", { timeout: 180_000 }, async () => {
    const env = { ...process.env, SCALE_DIVISOR: "500", SCALE_SQLITE: file };
    const built = spawnSync("node_modules/.bin/tsx", ["db/seed-scale.ts", "--to", url], { env, encoding: "utf8", timeout: 170_000 });
    expect(built.status, built.stderr).toBe(0);
    // Built first (the file was missing), then copied and checked on PostgreSQL.
    expect(built.stdout).toMatch(/Built .*scale\.sqlite/);
    expect(built.stdout).toMatch(/Copied [\d,]+ rows of \d+ tables/);
    expect(built.stdout).toMatch(/ledger: ok/);
    expect(built.stdout).toMatch(/audit chain: ok/);

    const sqlite = new Database(file, { readonly: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const query of FIGURES) {
        const expected = (sqlite.prepare(query).get() as { n: unknown }).n;
        const { rows } = await client.query<{ n: unknown }>(query);
        expect(String(rows[0]!.n), query).toBe(String(expected));
      }
      expect(Number((sqlite.prepare("select count(*) as n from gestures").get() as { n: number }).n)).toBeGreaterThan(1_000);
      // A row the app adds after the load takes the next id, not one the copy already used.
      const { rows } = await client.query<{ id: number }>("insert into branches (code, name, region, created_at) values ('NEW', 'New branch', 'Central', 0) returning id");
      const largest = (sqlite.prepare("select max(id) as n from branches").get() as { n: number }).n;
      expect(rows[0]!.id).toBe(largest + 1);
    } finally {
      sqlite.close();
      await client.end();
    }
  });
});
