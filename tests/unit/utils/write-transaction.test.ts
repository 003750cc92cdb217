// The async write transaction (issue 20): its body may await, yet writers of one process still take
// turns, nothing of another call lands inside an open transaction, and a failure leaves nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { branches } from "../../../db/schema";
import { writeTransaction, type Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { postgresAdminUrl } from "../../support/postgres-databases";

const onPostgres = postgresAdminUrl() !== undefined;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let db: Db;
let n = 0;
const branch = (code: string) => ({ code: `${code}${++n}`, name: `Branch ${code} ${n}`, region: "R" });
const codes = async () => (await db.select({ code: branches.code }).from(branches).orderBy(branches.id)).map((b) => b.code.replace(/\d+$/, ""));

beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

describe("writeTransaction", () => {
  it("writers of one process take turns even when a body waits on a timer between its statements", async () => {
    const first = writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("A"));
      await pause(30);
      await tx.insert(branches).values(branch("A"));
    });
    const second = writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("B"));
    });
    await Promise.all([first, second]);
    expect(await codes()).toEqual(["A", "A", "B"]);
  });

  it("a read from outside an open transaction sees the last committed state, not the transaction's rows", async () => {
    await db.insert(branches).values(branch("C"));
    let seenInside = 0;
    let seenOutside = -1;
    const writing = writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("D"));
      seenInside = (await tx.select().from(branches)).length;
      await pause(30);
    });
    await pause(5);
    seenOutside = (await db.select().from(branches)).length;
    await writing;
    expect(seenInside).toBe(2);
    expect(seenOutside).toBe(1);
    expect(await codes()).toEqual(["C", "D"]);
  });

  it("a write from outside an open transaction never lands inside it: refused on SQLite (one connection), committed alone on PostgreSQL (another)", async () => {
    const writing = writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("E"));
      await pause(30);
      throw new Error("refused halfway");
    });
    await pause(5);
    const outside = db.insert(branches).values(branch("X"));
    if (onPostgres) await outside;
    else await expect(outside).rejects.toThrow(/outside writeTransaction/);
    await expect(writing).rejects.toThrow("refused halfway");
    // The transaction's row is gone with its rollback; the outside write, where allowed, stays.
    expect(await codes()).toEqual(onPostgres ? ["X"] : []);
  });

  it("a body that fails leaves nothing, and the next writer goes ahead", async () => {
    const failing = writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("F"));
      await pause(10);
      throw new Error("refused halfway");
    });
    const next = writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("G"));
    });
    await expect(failing).rejects.toThrow("refused halfway");
    await next;
    expect(await codes()).toEqual(["G"]);
  });

  it("a nested call is a savepoint: its failure undoes only its own rows", async () => {
    await writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("H"));
      await expect(
        writeTransaction(tx, async (inner) => {
          await inner.insert(branches).values(branch("I"));
          throw new Error("inner refused");
        }),
      ).rejects.toThrow("inner refused");
      await tx.insert(branches).values(branch("J"));
    });
    expect(await codes()).toEqual(["H", "J"]);
  });

  it("a transaction opened with the db from inside one joins it as a savepoint instead of waiting for itself", async () => {
    await writeTransaction(db, async (tx) => {
      await tx.insert(branches).values(branch("K"));
      await writeTransaction(db, async (inner) => {
        await inner.insert(branches).values(branch("L"));
      });
      await expect(
        writeTransaction(db, async (inner) => {
          await inner.insert(branches).values(branch("M"));
          throw new Error("inner refused");
        }),
      ).rejects.toThrow("inner refused");
    });
    expect(await codes()).toEqual(["K", "L"]);
  });
});
