// Reminders for proposals that have waited more than two working days for a decision: one to each
// person who may decide it now, once per waiting spell (the dedupe key carries when it started).
import { and, desc, eq, inArray, lte } from "drizzle-orm";
import { gestureDecisions, gestures } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { gestureLabel, notify } from "../notifications/notifications.server";
import { getOrganisation } from "../core/organisation.server";
import { formatIsoDate, localDate } from "../core/dates";
import { activeFinanceUserIds, managerLevelApprovers } from "./routing.server";
import { waitedMoreThan } from "../core/working-days";
import { localDateTime } from "../core/dates";
import { writeTransaction } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

export const REMINDER_WORKING_DAYS = 2;
// Two working days are never less than two calendar days, less an hour for a change to summer
// time: the query reads only gestures submitted before that, through gestures_status_idx.
const AT_LEAST_MS = (REMINDER_WORKING_DAYS * 24 - 1) * 60 * 60 * 1000;

type Waiting = {
  id: number;
  status: "submitted" | "awaiting_finance";
  approvalRoute: "branch" | "finance" | null;
  branchId: number;
  proposerId: number;
  submittedAt: Date;
};

/** Who may decide a waiting gesture now (the proposer never; the first approver not at finance level). */
async function currentApprovers(tx: DbOrTx, gesture: Waiting, today: string): Promise<number[]> {
  if (gesture.status === "submitted" && gesture.approvalRoute === "branch") {
    return (await managerLevelApprovers(tx, gesture, today)).filter((a) => !a.away).map((a) => a.userId);
  }
  const managerApprover = gesture.status === "awaiting_finance" ? (await latestApproval(tx, gesture.id))?.approverId : undefined;
  return (await activeFinanceUserIds(tx)).filter((id) => id !== gesture.proposerId && id !== managerApprover);
}

async function latestApproval(tx: DbOrTx, gestureId: number) {
  return await firstRow(
    tx
      .select({ approverId: gestureDecisions.approverId, at: gestureDecisions.at })
      .from(gestureDecisions)
      .where(and(eq(gestureDecisions.gestureId, gestureId), eq(gestureDecisions.decision, "approve")))
      .orderBy(desc(gestureDecisions.id))
      .limit(1),
  );
}

/**
 * Sends the reminders that are due at `now`. Waiting starts at submission for a submitted gesture
 * and at the manager's approval for one awaiting finance. Returns how many gestures were overdue
 * and how many reminders went out (a second run sends none of the same again).
 */
export async function sendApprovalReminders(db: Db, now: Date): Promise<{ overdue: number; sent: number }> {
  const timeZone = (await getOrganisation(db)).timeZone;
  const today = localDate(now, timeZone);
  const nowLocal = localDateTime(now, timeZone);
  const candidates = await db
    .select({
      id: gestures.id,
      status: gestures.status,
      approvalRoute: gestures.approvalRoute,
      branchId: gestures.branchId,
      proposerId: gestures.proposerId,
      submittedAt: gestures.submittedAt,
    })
    .from(gestures)
    .where(and(inArray(gestures.status, ["submitted", "awaiting_finance"]), lte(gestures.submittedAt, new Date(now.getTime() - AT_LEAST_MS))));
  let overdue = 0;
  let sent = 0;
  for (const candidate of candidates) {
    if (!candidate.submittedAt || (candidate.status !== "submitted" && candidate.status !== "awaiting_finance")) continue;
    const gesture: Waiting = { ...candidate, status: candidate.status, submittedAt: candidate.submittedAt };
    const since = gesture.status === "awaiting_finance" ? (await latestApproval(db, gesture.id))?.at ?? gesture.submittedAt : gesture.submittedAt;
    if (!waitedMoreThan(localDateTime(since, timeZone), nowLocal, REMINDER_WORKING_DAYS)) continue;
    overdue += 1;
    sent += await writeTransaction(db, async (tx) => {
      let count = 0;
      const label = await gestureLabel(tx, gesture.id);
      const level = gesture.status === "awaiting_finance" ? "finance's second approval" : "a decision";
      for (const userId of await currentApprovers(tx, gesture, today)) {
        const id = await notify(tx, {
          userId,
          kind: "approval_reminder",
          gestureId: gesture.id,
          message: `${label} has waited for ${level} since ${formatIsoDate(localDate(since, timeZone))}, more than two working days.`,
          dedupeKey: `approval_reminder:${gesture.id}:${gesture.status}:${since.getTime()}:${userId}`,
          now,
        });
        if (id !== null) count += 1;
      }
      return count;
    });
  }
  return { overdue, sent };
}
