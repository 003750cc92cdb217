// In-app notifications, each with an e-mail written to the outbox in the same transaction as its
// cause. Sending happens later (npm run jobs), so a slow or failing mail server never blocks or
// fails a transition. Messages name the gesture and the people, never a customer's notes.
import { eq } from "drizzle-orm";
import { emailOutbox, notifications, users, type NotificationKind } from "../../db/schema";
import type { DbOrTx } from "~/utils/db.server";

export type NotifyInput = {
  userId: number;
  kind: NotificationKind;
  gestureId: number | null;
  /** Plain text, one or two sentences, without customer notes. */
  message: string;
  /** For notifications that must exist once (reminders): a second notify with the key does nothing. */
  dedupeKey?: string;
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
};

/** Writes the notification and its e-mail; returns the notification id (null when deduplicated or the user is inactive). */
export function notify(tx: DbOrTx, input: NotifyInput): number | null {
  const user = tx.select({ email: users.email, active: users.active }).from(users).where(eq(users.id, input.userId)).get();
  if (!user || !user.active) return null;
  const row = tx
    .insert(notifications)
    .values({
      userId: input.userId,
      kind: input.kind,
      gestureId: input.gestureId,
      message: input.message,
      dedupeKey: input.dedupeKey ?? null,
      createdAt: input.now,
    })
    .onConflictDoNothing()
    .returning({ id: notifications.id })
    .get();
  if (!row) return null;
  tx.insert(emailOutbox)
    .values({
      notificationId: row.id,
      toAddress: user.email,
      subject: SUBJECTS[input.kind],
      body: input.gestureId === null ? input.message : `${input.message}\n\nOpen it in Empathy Fund: /gestures/${input.gestureId}`,
      createdAt: input.now,
    })
    .run();
  return row.id;
}
