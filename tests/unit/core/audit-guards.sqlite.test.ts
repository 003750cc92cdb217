// SQLite's own schema at work (issue 20): run by `npm run test:unit` only; the PostgreSQL twins of these
// guards are in tests/postgres/baseline.test.ts, and the PostgreSQL run leaves *.sqlite.test.ts out.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordAudit, verifyAuditChain } from "~/domain/core/audit.server";
import { sqliteOf, writeTransaction, type Db } from "~/utils/db.server";
import { auditEvents } from "../../../db/schema";
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

describe("audit trail, tampered with below the app", () => {
  it("the database refuses to update or delete an audit event", async () => {
    await recordMany(2);
    const sqlite = sqliteOf(db);
    expect(() => sqlite.prepare("update audit_events set action = 'x' where id = 1").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare("delete from audit_events where id = 1").run()).toThrow(/append-only/);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("the database refuses a fork: a second event after the same one (UNIQUE prev_hash, as on PostgreSQL)", async () => {
    await recordMany(2);
    const [first] = await db.select().from(auditEvents);
    const fork = () =>
      sqliteOf(db)
        .prepare("insert into audit_events (at, actor_id, action, entity, entity_id, detail, prev_hash, hash) values (?, null, 'x', 'y', null, '{}', ?, ?)")
        .run(Date.now(), first!.hash, "f".repeat(64));
    expect(fork).toThrow(/UNIQUE constraint failed: audit_events\.prev_hash/);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 2 });
  });

  it("verification names the first altered event when someone bypasses the triggers", async () => {
    await recordMany(5);
    const sqlite = sqliteOf(db);
    sqlite.exec("drop trigger audit_events_no_update");
    sqlite.prepare("update audit_events set detail = '{\"i\":99}' where id = 3").run();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3, checked: 2 });
  });

  it("verification names the link after a removed event", async () => {
    await recordMany(5);
    const sqlite = sqliteOf(db);
    sqlite.exec("drop trigger audit_events_no_delete");
    sqlite.prepare("delete from audit_events where id = 2").run();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it("a forged event with a recomputed own hash still breaks the chain at the next event", async () => {
    await recordMany(4);
    const sqlite = sqliteOf(db);
    sqlite.exec("drop trigger audit_events_no_update");
    sqlite.prepare("update audit_events set hash = ? where id = 2").run("f".repeat(64));
    const result = await verifyAuditChain(db);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.brokenAt).toBe(2);
  });
});
