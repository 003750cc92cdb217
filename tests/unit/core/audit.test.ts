import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents } from "../../../db/schema";
import { GENESIS_HASH, recordAudit, verifyAuditChain } from "~/domain/core/audit.server";
import { type Db, writeTransaction } from "~/utils/db.server";
import { createClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";

let db: Db;
const clock = createClock();

beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

async function recordMany(n: number) {
  for (let i = 0; i < n; i++) {
    await writeTransaction(db, async (tx) => await recordAudit(tx, { actorId: null, action: "test.event", entity: "thing", entityId: i, detail: { i }, at: clock.advance(1000) }));
  }
}

describe("audit trail", () => {
  it("each event stores the previous event's hash, starting from the genesis hash", async () => {
    await recordMany(3);
    const events = await db.select().from(auditEvents);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(events[2]!.prevHash).toBe(events[1]!.hash);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 3 });
  });

  it("an event recorded inside a transaction that fails is rolled back with it", async () => {
    await expect(
      writeTransaction(db, async (tx) => {
        await recordAudit(tx, { actorId: null, action: "test.doomed", entity: "thing", at: clock.now() });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.select().from(auditEvents)).toHaveLength(0);
  });

  it("verification walks a chain longer than one batch", async () => {
    await recordMany(25);
    expect(await verifyAuditChain(db, 7)).toEqual({ ok: true, checked: 25 });
  });
});
