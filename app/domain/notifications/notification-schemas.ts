// The notification page's forms (mark one read, mark all read), shared by the browser and the server.
import { z } from "zod";
import type { NotificationKind } from "../../../db/schema";

export const NOTIFICATIONS_PAGE_SIZE = 25;

const id = (message: string) => z.coerce.number({ error: message }).int({ message }).positive({ message });

export const NotificationActionSchema = z.discriminatedUnion("intent", [
  z.strictObject({ intent: z.literal("read"), notificationId: id("Choose a notification to mark as read.") }),
  z.strictObject({ intent: z.literal("read-all"), upToId: id("Reload the page and try again.") }),
]);

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  approval_needed: "To approve",
  decision: "Decision",
  approval_reminder: "Reminder",
  expired: "Expired",
  outcome_reminder: "Outcome reminder",
  outcome_recorded: "Outcome recorded",
  reapproval_needed: "Re-approval needed",
  story_submitted: "Story to review",
  story_decided: "Your story",
  budget_alert: "Budget alert",
};
