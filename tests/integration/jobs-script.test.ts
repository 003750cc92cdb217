// `npm run jobs` as cron runs it: on a real database file, twice.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signals } from "../../db/schema";
import { openDatabase, sqliteOf } from "~/utils/db.server";
import { createBranch, createCustomer, createOrganisation, createSignal } from "../support/factories";

describe("npm run jobs", () => {
  it("redacts expired sensitive notes, keeps the signals, and a second run changes nothing", { timeout: 120_000 }, () => {
    const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-jobs-")), "jobs.sqlite");
    const db = openDatabase(file);
    createOrganisation(db);
    const customer = createCustomer(db, { branchId: createBranch(db).id });
    createSignal(db, customer, { kind: "bereavement", occurredOn: "2020-01-01", note: "Old grief" });
    createSignal(db, customer, { kind: "complaint", occurredOn: "2020-01-01", note: "Old complaint" });
    sqliteOf(db).close();
    const run = () => spawnSync("node_modules/.bin/tsx", ["db/jobs.ts"], { env: { ...process.env, DATABASE_URL: file }, encoding: "utf8", timeout: 60_000 });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Redacted the notes of 1 sensitive signal(s)");
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("Redacted the notes of 0 sensitive signal(s)");
    const after = openDatabase(file);
    expect(after.select({ kind: signals.kind, note: signals.note }).from(signals).all()).toEqual([
      { kind: "bereavement", note: null },
      { kind: "complaint", note: "Old complaint" },
    ]);
    sqliteOf(after).close();
  });
});
