// SQLite's own schema at work (issue 20): run by `npm run test:unit` only; the PostgreSQL twins of these
// guards are in tests/postgres/baseline.test.ts, and the PostgreSQL run leaves *.sqlite.test.ts out.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, signalRevisions, signals, type Branch, type User } from "../../../db/schema";
import { addSignal, correctSignal, searchCustomers, viewCustomer } from "~/domain/customers/customers.server";
import type { Db } from "~/utils/db.server";
import { createClock, HOUR } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createSignal, createUser } from "../../support/factories";
import { firstRow } from "~/utils/query.server";

let db: Db;
let branch: Branch;
let other: Branch;
let staff: User;
let manager: User;
let otherStaff: User;
// 2026-03-02 09:00 UTC is 04:00 in New York: the organisation's "today" is 2026-03-02.
const clock = createClock("2026-03-02T15:00:00Z");

beforeEach(async () => {
  db = createTestDatabase();
  await createOrganisation(db);
  branch = await createBranch(db);
  other = await createBranch(db);
  staff = await createUser(db, { role: "staff", branchId: branch.id });
  manager = await createUser(db, { role: "manager", branchId: branch.id });
  otherStaff = await createUser(db, { role: "staff", branchId: other.id });
});
afterEach(() => closeDatabase(db));

describe("customer search", () => {
  it("the search uses the branch indexes, not a scan of the customer table", () => {
    const plan = (db as unknown as { $client: import("better-sqlite3").Database }).$client
      .prepare(
        "explain query plan select id from customers where branch_id = ? and ((name_key >= ? and name_key < ?) or (surname_key >= ? and surname_key < ?) or (crm_ref >= ? and crm_ref < ?)) order by name_key limit 26",
      )
      .all(1, "a", "a\uffff", "a", "a\uffff", "a", "a\uffff") as { detail: string }[];
    const text = plan.map((p) => p.detail).join("\n");
    expect(text).not.toMatch(/SCAN customers(?! USING)/);
    expect(text).toMatch(/customers_branch_name_idx|customers_branch_surname_idx/);
  });
});
