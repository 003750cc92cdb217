import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reuseStatements, sqliteOf } from "~/utils/database.server";
import { branches } from "../../../db/schema";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch } from "../../support/factories";
import { firstRow } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

function memory(size?: number) {
  const sqlite = new Database(":memory:");
  sqlite.exec("create table t (id integer primary key, name text not null)");
  reuseStatements(sqlite, size);
  return sqlite;
}

describe("the connection keeps its compiled statements (decision 52)", () => {
  it("compiles a text once: the same text gives the same statement back", () => {
    const sqlite = memory();
    expect(sqlite.prepare("select name from t where id = ?")).toBe(sqlite.prepare("select name from t where id = ?"));
    expect(sqlite.prepare("select name from t where id = ?")).not.toBe(sqlite.prepare("select id from t where id = ?"));
  });

  it("a statement switched to arrays or to single values by one caller gives the next caller plain rows", () => {
    const sqlite = memory();
    sqlite.prepare("insert into t (id, name) values (?, ?)").run(1, "Ada");
    expect(sqlite.prepare("select id, name from t where id = ?").raw().get(1)).toEqual([1, "Ada"]);
    expect(sqlite.prepare("select id, name from t where id = ?").get(1)).toEqual({ id: 1, name: "Ada" });
    expect(sqlite.prepare("select id, name from t where id = ?").pluck().get(1)).toBe(1);
    expect(sqlite.prepare("select id, name from t where id = ?").get(1)).toEqual({ id: 1, name: "Ada" });
  });

  it("a statement still being iterated is not handed out again: the caller gets a fresh one and both read correctly", () => {
    const sqlite = memory();
    for (let id = 1; id <= 3; id++) sqlite.prepare("insert into t (id, name) values (?, ?)").run(id, `n${id}`);
    const seen: string[] = [];
    for (const row of sqlite.prepare("select id, name from t where id >= ? order by id").iterate(1) as Iterable<{ id: number; name: string }>) {
      const inner = sqlite.prepare("select id, name from t where id >= ? order by id").all(row.id) as { name: string }[];
      seen.push(`${row.name}:${inner.map((r) => r.name).join(",")}`);
    }
    expect(seen).toEqual(["n1:n1,n2,n3", "n2:n2,n3", "n3:n3"]);
  });

  it("keeps at most its size, the least recently used text dropped first", () => {
    const sqlite = memory(2);
    const a = sqlite.prepare("select 1");
    sqlite.prepare("select 2");
    expect(sqlite.prepare("select 1")).toBe(a); // used again: now the most recent
    sqlite.prepare("select 3"); // drops "select 2"
    expect(sqlite.prepare("select 1")).toBe(a);
    const b = sqlite.prepare("select 2");
    expect(sqlite.prepare("select 2")).toBe(b);
    expect(sqlite.prepare("select 3")).not.toBe(undefined);
  });

  it("the app's connection reuses statements, and every drizzle query reads its own parameters' rows", async () => {
    const db = createTestDatabase();
    try {
      const sqlite = sqliteOf(db);
      expect(sqlite.prepare("select id from branches where id = ?")).toBe(sqlite.prepare("select id from branches where id = ?"));
      const ids = await mapInSeries([1, 2, 3, 4], async () => (await createBranch(db)).id);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: ids.length }), { minLength: 1, maxLength: 30 }), async (picks) => {
          for (const pick of picks) {
            const id = ids[pick] ?? 99_999;
            const viaDrizzle = await firstRow(db.select({ name: branches.name }).from(branches).where(eq(branches.id, id)).limit(1));
            const fresh = new Database(sqlite.name, { readonly: true });
            const truth = fresh.prepare("select name from branches where id = ?").get(id) as { name: string } | undefined;
            fresh.close();
            expect(viaDrizzle).toEqual(truth);
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      await closeDatabase(db);
    }
  });
});
