// SQLite's query planner at work (issue 20): run by `npm run test:unit` only; the PostgreSQL run
// leaves *.sqlite.test.ts out (PostgreSQL's planner chooses by statistics, not by a pinned plan).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteOf, type Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

describe("customer search", () => {
  it("the search uses the branch indexes, not a scan of the customer table", () => {
    const plan = sqliteOf(db)
      .prepare(
        "explain query plan select id from customers where branch_id = ? and ((name_key >= ? and name_key < ?) or (surname_key >= ? and surname_key < ?) or (crm_ref >= ? and crm_ref < ?)) order by name_key limit 26",
      )
      .all(1, "a", "a\uffff", "a", "a\uffff", "a", "a\uffff") as { detail: string }[];
    const text = plan.map((p) => p.detail).join("\n");
    expect(text).not.toMatch(/SCAN customers(?! USING)/);
    expect(text).toMatch(/customers_branch_name_idx|customers_branch_surname_idx/);
  });
});
