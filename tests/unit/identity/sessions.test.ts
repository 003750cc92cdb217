import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessions, users, type User } from "../../../db/schema";
import { createSession, endAllSessionsOf, lookupSession, purgeExpiredSessions, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "~/domain/identity/sessions.server";
import type { Db } from "~/utils/db.server";
import { createClock, HOUR, MINUTE, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createUser } from "../../support/factories";
import { mapInSeries } from "~/utils/in-series";

const SECRET = "unit-test-secret-0123456789abcdefghijkl";
let db: Db;
let clock: TestClock;
let user: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  user = await createUser(db, { role: "manager" });
});
afterEach(() => closeDatabase(db));

const start = async () => (await createSession(db, { userId: user.id, secret: SECRET, now: clock.now() })).token;
const look = async (token: string) => await lookupSession(db, token, SECRET, clock.now());

describe("session expiry", () => {
  it("a session used within 30 minutes stays alive; after 30 idle minutes it has expired", async () => {
    const token = await start();
    clock.advance(29 * MINUTE);
    expect((await look(token)).status).toBe("active");
    clock.advance(SESSION_IDLE_MS + MINUTE);
    expect((await look(token)).status).toBe("expired");
  });

  it("a session in constant use still ends 12 hours after sign-in", async () => {
    const token = await start();
    for (let elapsed = 0; elapsed < SESSION_ABSOLUTE_MS - 20 * MINUTE; elapsed += 20 * MINUTE) {
      clock.advance(20 * MINUTE);
      expect((await look(token)).status).toBe("active");
    }
    clock.advance(20 * MINUTE);
    expect((await look(token)).status).toBe("expired");
  });

  it("an expired session never becomes active again, and is purged", async () => {
    const token = await start();
    clock.advance(13 * HOUR);
    expect((await look(token)).status).toBe("expired");
    expect(await purgeExpiredSessions(db, clock.now())).toBe(1);
    expect((await look(token)).status).toBe("none");
  });

  it("a deactivated user's sessions stop working at once", async () => {
    const token = await start();
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect((await look(token)).status).toBe("none");
  });

  it("ending all sessions of a user leaves other users signed in", async () => {
    const other = await createUser(db, { role: "staff" });
    const mine = await start();
    const theirs = (await createSession(db, { userId: other.id, secret: SECRET, now: clock.now() })).token;
    await endAllSessionsOf(db, user.id);
    expect((await look(mine)).status).toBe("none");
    expect((await look(theirs)).status).toBe("active");
  });

  it("a token is looked up by its keyed hash: the same token under another secret finds nothing", async () => {
    const token = await start();
    expect((await lookupSession(db, token, SECRET + "x", clock.now())).status).toBe("none");
    expect((await db.select().from(sessions))[0]!.idHash).not.toContain(token);
  });

  it("tokens are 256-bit random values, never repeated", async () => {
    const tokens = new Set(await mapInSeries(Array.from({ length: 200 }), async () => await start()));
    expect(tokens.size).toBe(200);
    for (const token of tokens) expect(Buffer.from(token, "base64url").length).toBe(32);
  });
});
