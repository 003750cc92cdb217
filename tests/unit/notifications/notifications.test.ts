// The in-app notification list and its e-mail outbox (app/domain/notifications/notifications.server.ts).
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emailOutbox, notifications, users, type User } from "../../../db/schema";
import {
  gestureLabel,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  markNotificationsReadForGesture,
  notify,
  unreadCount,
  UNREAD_BADGE_CAP,
} from "~/domain/notifications/notifications.server";
import type { Db } from "~/utils/db.server";
import { createClock, MINUTE, type TestClock } from "../../support/clock";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { createBranch, createCustomer, createOrganisation, createUser } from "../../support/factories";
import { createGesture } from "../../support/gesture-factory";
import { refusal } from "../../support/refusal";
import { firstRow, returnedRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

let db: Db;
let clock: TestClock;
let user: User;
let other: User;

beforeEach(async () => {
  db = createTestDatabase();
  clock = createClock();
  await createOrganisation(db);
  user = await createUser(db, { role: "manager" });
  other = await createUser(db, { role: "manager" });
});
afterEach(() => closeDatabase(db));

async function send(to: User, message: string, gestureId: number | null = null, dedupeKey?: string) {
  clock.advance(MINUTE);
  return await writeTransaction(db, async (tx) => await notify(tx, { userId: to.id, kind: "approval_needed", gestureId, message, dedupeKey, now: clock.now() }));
}

describe("notify", () => {
  it("writes the notification and its e-mail (subject of its kind, the message, a link to the gesture) together", async () => {
    const branchId = (await createBranch(db, { name: "North" })).id;
    const staff = await returnedRow(db.insert(users).values({ email: "s@test.example", name: "S", role: "staff", branchId, passwordHash: "x" }).returning());
    const gesture = await createGesture(db, { customerId: (await createCustomer(db, { branchId })).id, branchId, proposerId: staff.id, type: "gift_basket", requestedAmount: 7550 });
    const label = await gestureLabel(db, gesture.id);
    expect(label).toBe(`Proposal #${gesture.id} at North: Gift basket, $75.50`);
    const id = (await send(user, `${label} is waiting for your approval.`, gesture.id))!;
    expect(await firstRow(db.select().from(notifications).where(eq(notifications.id, id)).limit(1))).toMatchObject({ userId: user.id, kind: "approval_needed", gestureId: gesture.id, readAt: null });
    expect(await db.select().from(emailOutbox)).toEqual([
      expect.objectContaining({
        notificationId: id,
        toAddress: user.email,
        subject: "A gesture is waiting for your approval",
        body: `${label} is waiting for your approval.\n\nOpen it in Empathy Fund: /gestures/${gesture.id}`,
        status: "pending",
        attempts: 0,
      }),
    ]);
  });

  it("with a dedupe key, a second notify writes nothing (no second e-mail either)", async () => {
    expect(await send(user, "Reminder", null, "approval_reminder:1:submitted:0:1")).not.toBeNull();
    expect(await send(user, "Reminder", null, "approval_reminder:1:submitted:0:1")).toBeNull();
    expect(await db.select().from(notifications)).toHaveLength(1);
    expect(await db.select().from(emailOutbox)).toHaveLength(1);
  });

  it("a deactivated user is not notified", async () => {
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect(await send(user, "Hello")).toBeNull();
    expect(await db.select().from(emailOutbox)).toHaveLength(0);
  });

  it("a summary without a gesture links to the approval queue", async () => {
    await send(user, "3 proposals are waiting.");
    expect((await firstRow(db.select().from(emailOutbox).limit(1)))!.body).toBe("3 proposals are waiting.\n\nOpen it in Empathy Fund: /approvals");
    expect((await listNotifications(db, user.id, { page: 1 })).rows[0]!.href).toBe("/approvals");
  });
});

describe("the list", () => {
  it("is the user's own, newest first, 25 a page, with the unread count", async () => {
    for (let i = 1; i <= 30; i++) await send(user, `Message ${i}`);
    await send(other, "Not yours");
    const first = await listNotifications(db, user.id, { page: 1 });
    expect(first.rows).toHaveLength(25);
    expect(first.rows[0]!.message).toBe("Message 30");
    expect(first.hasNext).toBe(true);
    expect(first.total).toBe(30);
    expect(first.unread).toBe(30);
    const second = await listNotifications(db, user.id, { page: 2 });
    expect(second.rows.map((r) => r.message)).toEqual(["Message 5", "Message 4", "Message 3", "Message 2", "Message 1"]);
    expect(second.hasNext).toBe(false);
  });

  it("the unread badge counts at most UNREAD_BADGE_CAP", async () => {
    await db.insert(notifications).values(Array.from({ length: UNREAD_BADGE_CAP + 20 }, (_, i) => ({ userId: user.id, kind: "decision" as const, message: `n${i}`, createdAt: clock.now() })));
    expect(await unreadCount(db, user.id)).toBe(UNREAD_BADGE_CAP);
    expect(await unreadCount(db, other.id)).toBe(0);
  });

  it("marking one read changes only that one; someone else's is not found and stays unread", async () => {
    const mine = (await send(user, "Mine"))!;
    const theirs = (await send(other, "Theirs"))!;
    await markNotificationRead(db, user.id, mine, clock.now());
    await markNotificationRead(db, user.id, mine, clock.advance(MINUTE));
    expect((await firstRow(db.select({ readAt: notifications.readAt }).from(notifications).where(eq(notifications.id, mine)).limit(1)))!.readAt).toEqual(new Date(clock.now().getTime() - MINUTE));
    expect((await refusal(async () => await markNotificationRead(db, user.id, theirs, clock.now()))).code).toBe("NOT_FOUND");
    expect(await unreadCount(db, other.id)).toBe(1);
  });

  it("mark all as read stops at the newest one the page showed, so a later arrival stays unread", async () => {
    await send(user, "One");
    await send(user, "Two");
    const shown = await listNotifications(db, user.id, { page: 1 });
    await send(user, "Arrived meanwhile");
    await send(other, "Someone else's");
    expect(await markAllNotificationsRead(db, user.id, { upToId: shown.latestId }, clock.now())).toBe(2);
    const after = await listNotifications(db, user.id, { page: 1 });
    expect(after.rows.map((r) => [r.message, r.readAt === null])).toEqual([
      ["Arrived meanwhile", true],
      ["Two", false],
      ["One", false],
    ]);
    expect(await unreadCount(db, other.id)).toBe(1);
  });

  it("opening a gesture can mark its notifications read", async () => {
    const branchId = (await createBranch(db)).id;
    const gesture = await createGesture(db, { customerId: (await createCustomer(db, { branchId })).id, branchId, proposerId: user.id });
    await send(user, "About it", gesture.id);
    await send(user, "Something else");
    expect(await markNotificationsReadForGesture(db, user.id, gesture.id, clock.now())).toBe(1);
    expect(await unreadCount(db, user.id)).toBe(1);
  });
});
