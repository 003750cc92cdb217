import { describe, expect, it } from "vitest";
import { sqliteOf } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createUser } from "../../support/factories";

describe("database connection", () => {
  it("opens with WAL, synchronous=FULL, foreign keys on and a busy timeout", async () => {
    const db = createTestDatabase();
    const sqlite = sqliteOf(db);
    expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqlite.pragma("synchronous", { simple: true })).toBe(2);
    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(sqlite.pragma("busy_timeout", { simple: true })).toBeGreaterThan(0);
    await closeDatabase(db);
  });

  it("gives each connection a 64 MB page cache and a memory-mapped file, not SQLite's 2 MB default", async () => {
    const db = createTestDatabase();
    const sqlite = sqliteOf(db);
    expect(sqlite.pragma("cache_size", { simple: true })).toBe(-64 * 1024);
    // SQLite caps the map at its compile-time limit (just under 2 GB); the bank-scale file is 1.7 GB
    const mapped = Number(sqlite.pragma("mmap_size", { simple: true }));
    expect(mapped).toBeGreaterThan(1024 * 1024 * 1024);
    await closeDatabase(db);
  });

  it("e-mail addresses are unique whatever their case, and staff must belong to a branch", async () => {
    const db = createTestDatabase();
    const branch = await createBranch(db);
    await createUser(db, { role: "staff", branchId: branch.id, email: "same@test.example" });
    await expect(createUser(db, { role: "staff", branchId: branch.id, email: "same@test.example" })).rejects.toThrow(/UNIQUE/);
    expect(() => sqliteOf(db).prepare("insert into users (email, name, role, password_hash, created_at) values ('x@test.example', 'X', 'staff', 'h', 0)").run()).toThrow(/CHECK/);
    expect(() => sqliteOf(db).prepare("insert into users (email, name, role, branch_id, password_hash, created_at) values ('Upper@Test.example', 'X', 'staff', ?, 'h', 0)").run(branch.id)).toThrow(
      /CHECK/,
    );
    await closeDatabase(db);
  });
});
