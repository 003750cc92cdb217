// In-app notifications, each with an e-mail written to the outbox in the same transaction as its
// cause. Sending happens later (npm run jobs), so a slow or failing mail server never blocks or
// fails a transition. Messages name the gesture and the people, never a customer's notes (nor the
// customer or the occasion: an e-mail leaves the bank).
import { and, count, desc, eq, isNull, lte, sql } from "drizzle-orm";
import { branches, emailOutbox, gestures, gestureTypes, notifications, users, type NotificationKind } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { DomainError } from "../core/errors";
import { NOTIFICATIONS_PAGE_SIZE } from "./notification-schemas";
import { formatMoney } from "../core/money";
import { getOrganisation } from "../core/organisation.server";
import { writeTransaction } from "~/utils/db.server";
import { firstRow, returnedRow } from "~/utils/query.server";

export type NotifyInput = {
  userId: number;
  kind: NotificationKind;
  gestureId: number | null;
  /** The budget pool the notification is about (budget alerts), when it is not about a gesture. */
  poolId?: number | null;
  /** Plain text, one or two sentences, without customer notes. */
  message: string;
  /** For notifications that must exist once (reminders): a second notify with the key does nothing. */
  dedupeKey?: string;
  /** The e-mail's subject when the kind's standard one does not fit (a summary of several items). */
  subject?: string;
  now: Date;
};

const SUBJECTS: Record<NotificationKind, string> = {
  approval_needed: "A gesture is waiting for your approval",
  decision: "A decision on your proposal",
  approval_reminder: "Reminder: a gesture has waited more than two working days",
  expired: "An approved gesture expired",
  outcome_reminder: "Reminder: record the customer's response",
  outcome_recorded: "The customer's response was recorded",
  reapproval_needed: "A fulfilled gesture needs your approval again",
  story_submitted: "A story is waiting for your review",
  story_decided: "News of your story",
  budget_alert: "A budget pool is filling up",
};

/** The line that ends an e-mail about a gesture; the sender makes the path absolute when it knows the app's origin. */
export const EMAIL_LINK_PREFIX = "Open it in Empathy Fund: ";

/** Writes the notification and its e-mail; returns the notification id (null when deduplicated or the user is inactive). */
export async function notify(tx: DbOrTx, input: NotifyInput): Promise<number | null> {
  const user = await firstRow(tx.select({ email: users.email, active: users.active }).from(users).where(eq(users.id, input.userId)).limit(1));
  if (!user || !user.active) return null;
  const row = await returnedRow(
    tx
      .insert(notifications)
      .values({
        userId: input.userId,
        kind: input.kind,
        gestureId: input.gestureId,
        poolId: input.poolId ?? null,
        message: input.message,
        dedupeKey: input.dedupeKey ?? null,
        createdAt: input.now,
      })
      .onConflictDoNothing()
      .returning({ id: notifications.id }),
  );
  if (!row) return null;
  await tx.insert(emailOutbox).values({
    notificationId: row.id,
    toAddress: user.email,
    subject: input.subject ?? SUBJECTS[input.kind],
    body: `${input.message}\n\n${EMAIL_LINK_PREFIX}${notificationHref({ kind: input.kind, gestureId: input.gestureId, poolId: input.poolId ?? null })}`,
    createdAt: input.now,
  });
  return row.id;
}

/** Where a notification leads: its gesture, else the approval or story review queue, the author's stories, or the list itself. */
export function notificationHref(notification: { kind: NotificationKind; gestureId: number | null; poolId: number | null }): string {
  if (notification.gestureId !== null) return `/gestures/${notification.gestureId}`;
  if (notification.poolId !== null) return `/pools/${notification.poolId}`;
  if (notification.kind === "story_submitted") return "/stories/review";
  if (notification.kind === "story_decided") return "/stories#your-stories";
  if (notification.kind === "approval_needed" || notification.kind === "approval_reminder") return "/approvals";
  return "/notifications";
}

/**
 * "Proposal #12 at North: Flowers, $85.00" — how messages name a gesture without naming the
 * customer or the occasion. The amount is the approved one once a manager approved, else the one asked for.
 */
export async function gestureLabel(tx: DbOrTx, gestureId: number): Promise<string> {
  const row = await firstRow(
    tx
      .select({
        id: gestures.id,
        branchName: branches.name,
        typeName: gestureTypes.name,
        amount: sql<number>`coalesce(${gestures.approvedAmount}, ${gestures.requestedAmount})`,
      })
      .from(gestures)
      .innerJoin(branches, eq(branches.id, gestures.branchId))
      .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
      .where(eq(gestures.id, gestureId))
      .limit(1),
  );
  if (!row) return `Proposal #${gestureId}`;
  return `Proposal #${row.id} at ${row.branchName}: ${row.typeName}, ${formatMoney(row.amount, (await getOrganisation(tx)).currency)}`;
}

// ---------------------------------------------------------------------------------------------
// The user's list. Every query is scoped to the signed-in user and reads one index.

export { NOTIFICATIONS_PAGE_SIZE };
/** The badge counts at most this many; above it shows "99+". Bounds the cost of the header query. */
export const UNREAD_BADGE_CAP = 100;

/** Unread notifications of a user, counted up to `UNREAD_BADGE_CAP` (one read of notifications_unread_idx). */
export async function unreadCount(db: DbOrTx, userId: number): Promise<number> {
  const capped = db
    .select({ one: sql`1` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .limit(UNREAD_BADGE_CAP)
    .as("capped");
  return (await firstRow(db.select({ n: count() }).from(capped).limit(1)))?.n ?? 0;
}

export type NotificationRow = {
  id: number;
  kind: NotificationKind;
  gestureId: number | null;
  poolId: number | null;
  message: string;
  createdAt: Date;
  readAt: Date | null;
  href: string;
};

/** Newest first, a page at a time; `latestId` is what "Mark all as read" may mark up to. */
export async function listNotifications(db: Db, userId: number, input: { page: number; pageSize?: number }) {
  const pageSize = input.pageSize ?? NOTIFICATIONS_PAGE_SIZE;
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      gestureId: notifications.gestureId,
      poolId: notifications.poolId,
      message: notifications.message,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.id))
    .limit(pageSize + 1)
    .offset((input.page - 1) * pageSize);
  const latest = await firstRow(db.select({ id: notifications.id }).from(notifications).where(eq(notifications.userId, userId)).orderBy(desc(notifications.id)).limit(1));
  const total = (await firstRow(db.select({ n: count() }).from(notifications).where(eq(notifications.userId, userId)).limit(1)))?.n ?? 0;
  return {
    rows: rows.slice(0, pageSize).map((row): NotificationRow => ({ ...row, href: notificationHref(row) })),
    hasNext: rows.length > pageSize,
    total,
    latestId: latest?.id ?? 0,
    unread: await unreadCount(db, userId),
  };
}

/** Marks one of the user's notifications read. Someone else's (or a missing one) is NOT_FOUND. Idempotent. */
export async function markNotificationRead(db: Db, userId: number, notificationId: number, now: Date): Promise<void> {
  await writeTransaction(db, async (tx) => {
    const row = await firstRow(
      tx
        .select({ readAt: notifications.readAt })
        .from(notifications)
        .where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId)))
        .limit(1),
    );
    if (!row) throw new DomainError("NOT_FOUND", "This notification does not exist.");
    if (row.readAt) return;
    await tx.update(notifications).set({ readAt: now }).where(eq(notifications.id, notificationId));
  });
}

/**
 * Marks the user's unread notifications read, up to `upToId` (the newest one the page showed), so
 * that one arriving meanwhile stays unread. Returns how many changed.
 */
export async function markAllNotificationsRead(db: Db, userId: number, input: { upToId: number }, now: Date): Promise<number> {
  return await writeTransaction(
    db,
    async (tx) =>
      (
        await tx
          .update(notifications)
          .set({ readAt: now })
          .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), lte(notifications.id, input.upToId)))
      ).changes,
  );
}

/** Marks the user's notifications about a gesture read (for the gesture page: opening it is reading them). */
export async function markNotificationsReadForGesture(db: DbOrTx, userId: number, gestureId: number, now: Date): Promise<number> {
  return (
    await db
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.userId, userId), eq(notifications.gestureId, gestureId), isNull(notifications.readAt)))
  ).changes;
}
