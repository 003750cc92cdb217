// Deciding a proposal: approve, reject or return it, at manager level or at finance level (the
// second approval, at or over the threshold), one at a time or several at once from the queue. Who
// may decide is routing.server.ts's decisionRight (delegations, the proposer's own proposal, the
// manager who approved first); the thresholds are the branch's policy (policy.server.ts); the
// money is held through ledger.server.ts.
//
// One decision is one immediate transaction: re-read the gesture, refuse a stale version, check the
// right, check the pool covers the amount, write the decision row, place the hold at the final
// approval, write the audit event, bump the version and tell the proposer (and finance, when the
// proposal goes on to them). Illegal transitions throw a DomainError and change nothing.
//
// The hold is placed at the final approval (at once at the proposer's discretion, in
// proposals.server.ts; at the manager's approval under the second-approval threshold; at finance's
// approval at or over it), so a gesture waiting for finance holds no money yet and finance sees the
// balance after its approval.
//
// Idempotency: a replay by the same approver of the same decision answers "already done"; a second
// approver is told who decided first, and nothing happens twice.
import { and, desc, eq } from "drizzle-orm";
import { branches, customers, gestureDecisions, gestures, users, type Decision, type GestureStatus, type Role } from "../../../db/schema";
import { writeTransaction, type DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { findGestureType } from "../policy/catalogue.server";
import { DomainError, domainErrorOf } from "../core/errors";
import { needsSecondApproval } from "./gesture-rules";
import { currentPoolFor, getPoolBalance, placeHold } from "../budget/ledger.server";
import { approverReasonNeeded, loadGesture, managerApproverOf, organisationFacts, staleVersion, userName, type GestureActor, type TransitionResult } from "./gesture-record.server";
import { formatMoney } from "../core/money";
import { notify } from "../notifications/notifications.server";
import { getOrganisation } from "../core/organisation.server";
import { getEffectivePolicy } from "../policy/policy.server";
import { budgetAlertThresholds } from "../policy/policy";
import { raiseBudgetAlerts } from "../budget/budget-alerts.server";
import { activeFinanceUserIds, decisionRight } from "../approvals/routing.server";
import { firstRow, returnedRow } from "~/utils/query.server";

export type DecideInput = {
  gestureId: number;
  version: number;
  decision: Decision;
  comment: string;
  /** How the decision arrived, for the audit: the proposal's page (the default) or an approval e-mail's link. */
  via?: "page" | "email_link";
};

const DECISION_PAST: Record<Decision, string> = { approve: "approved", reject: "rejected", return: "returned for changes" };

async function lastDecision(tx: DbOrTx, gestureId: number) {
  return await firstRow(
    tx
      .select({ approverId: gestureDecisions.approverId, decision: gestureDecisions.decision, level: gestureDecisions.level, at: gestureDecisions.at, approverName: users.name })
      .from(gestureDecisions)
      .innerJoin(users, eq(users.id, gestureDecisions.approverId))
      .where(eq(gestureDecisions.gestureId, gestureId))
      .orderBy(desc(gestureDecisions.id))
      .limit(1),
  );
}

function timeWords(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(at);
}

/** Approve, reject or return a proposal, at the level the actor's right gives. */
export async function decideGesture(db: DbOrTx, actor: GestureActor & { role: Role }, input: DecideInput, now: Date): Promise<TransitionResult> {
  const comment = input.comment.trim();
  if (input.decision !== "approve" && comment === "") {
    throw new DomainError("VALIDATION", input.decision === "reject" ? "Give the reason for the rejection; the proposer reads it." : "Say what should change; the proposer reads it.", {
      field: "comment",
    });
  }
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
    const { today, timeZone, currency } = await organisationFacts(tx, now);
    if (gesture.version !== input.version) {
      const last = await lastDecision(tx, gesture.id);
      if (last && last.approverId === actor.id && last.decision === input.decision) {
        return { gestureId: gesture.id, status: gesture.status, version: gesture.version, alreadyDone: true };
      }
      if (last && last.approverId !== actor.id) {
        throw new DomainError("CONFLICT", `This proposal was already ${DECISION_PAST[last.decision]} by ${last.approverName} at ${timeWords(last.at, timeZone)}; nothing was changed.`);
      }
      throw staleVersion(gesture);
    }
    const right = await decisionRight(tx, actor, gesture, today, gesture.status === "awaiting_finance" ? await managerApproverOf(tx, gesture.id) : null);
    if (!right.allowed) throw new DomainError(gesture.status === "submitted" || gesture.status === "awaiting_finance" ? "FORBIDDEN" : "INVALID_STATE", right.reason);

    // A customer in hardship, collections or a dispute: the approval carries a written reason (issue 22).
    if (input.decision === "approve" && comment === "") {
      const reason = await approverReasonNeeded(tx, gesture, today);
      if (reason) throw new DomainError("VALIDATION", reason, { field: "comment" });
    }
    const from = gesture.status;
    const nextVersion = gesture.version + 1;
    const { policy } = await getEffectivePolicy(tx, gesture.branchId);
    const amount = gesture.requestedAmount;
    let to: GestureStatus;
    let poolId: number | null = gesture.poolId;
    if (input.decision === "approve") {
      const pool = await currentPoolFor(tx, gesture.branchId, now);
      const branchName = (await firstRow(tx.select({ name: branches.name }).from(branches).where(eq(branches.id, gesture.branchId)).limit(1)))!.name;
      if (!pool || pool.periodStatus !== "open") {
        throw new DomainError("INVALID_STATE", `No budget period is open for ${branchName}; finance opens one. Nothing was approved.`);
      }
      const available = (await getPoolBalance(tx, pool.id)).available;
      if (available < amount) {
        throw new DomainError("INSUFFICIENT_FUNDS", `The pool has ${formatMoney(available, currency)} available; this gesture needs ${formatMoney(amount, currency)}. Nothing was approved.`);
      }
      const toFinance = right.level === "manager" && needsSecondApproval(amount, policy);
      if (toFinance) {
        to = "awaiting_finance";
      } else {
        to = "approved";
        poolId = pool.id;
        if (amount > 0) {
          await placeHold(tx, { id: actor.id }, { poolId: pool.id, gestureId: gesture.id, amount, memo: `Gesture #${gesture.id}`, idempotencyKey: `gesture:${gesture.id}:hold:v${nextVersion}`, now });
          await raiseBudgetAlerts(tx, pool.id, budgetAlertThresholds(policy), now);
        }
      }
    } else {
      to = input.decision === "reject" ? "rejected" : "returned";
    }

    await tx.insert(gestureDecisions).values({
      gestureId: gesture.id,
      approverId: actor.id,
      onBehalfOfId: right.onBehalfOfId,
      level: right.level,
      decision: input.decision,
      amount: input.decision === "approve" ? amount : null,
      comment,
      at: now,
    });
    const updated = await returnedRow(
      tx
        .update(gestures)
        .set({
          status: to,
          approvalRoute: null,
          version: nextVersion,
          updatedAt: now,
          ...(to === "approved" ? { approvedAmount: amount, approvedAt: now, decidedAt: now, poolId } : {}),
          ...(to === "rejected" || to === "returned" ? { decidedAt: now } : {}),
        })
        .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: `gesture.${input.decision === "approve" ? "approved" : input.decision === "reject" ? "rejected" : "returned"}`,
      entity: "gesture",
      entityId: gesture.id,
      detail: { from, to, amount, level: right.level, onBehalfOfId: right.onBehalfOfId, poolId: to === "approved" ? poolId : null, ...(input.via === "email_link" ? { via: "email_link" } : {}) },
      at: now,
    });

    const approverName = await userName(tx, actor.id);
    const typeName = (await findGestureType(tx, gesture.typeId))!.name;
    const what = `${typeName} (${formatMoney(amount, currency)})`;
    const proposerMessage =
      to === "awaiting_finance"
        ? `${approverName} approved your proposal of ${what}; it now waits for finance's second approval.`
        : to === "approved"
        ? `${approverName} approved your proposal of ${what}. The money is set aside; you can arrange it now.`
        : to === "rejected"
        ? `${approverName} rejected your proposal of ${what}. Open it to read the reason.`
        : `${approverName} returned your proposal of ${what} for changes. Open it to read what should change.`;
    await notify(tx, { userId: gesture.proposerId, kind: "decision", gestureId: gesture.id, message: proposerMessage, now });
    if (to === "awaiting_finance") {
      const message = `${approverName} approved ${what}, at or over the second-approval threshold; it waits for finance's approval.`;
      for (const userId of await activeFinanceUserIds(tx)) {
        if (userId !== actor.id && userId !== gesture.proposerId) await notify(tx, { userId, kind: "approval_needed", gestureId: gesture.id, message, now });
      }
    }
    return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false };
  });
}

export type BulkResult = { gestureId: number; customerName: string; ok: boolean; message: string };

/** Approves each selected proposal in its own transaction; one refusal does not stop the others. */
export async function bulkApprove(db: DbOrTx, actor: GestureActor, items: { gestureId: number; version: number }[], now: Date): Promise<BulkResult[]> {
  const currency = (await getOrganisation(db)).currency;
  const results: BulkResult[] = [];
  const seen = new Set<number>();
  for (const item of items) {
    if (seen.has(item.gestureId)) continue;
    seen.add(item.gestureId);
    const row = await firstRow(
      db
        .select({ customerName: customers.name, amount: gestures.requestedAmount })
        .from(gestures)
        .innerJoin(customers, eq(customers.id, gestures.customerId))
        .where(eq(gestures.id, item.gestureId))
        .limit(1),
    );
    if (!row) {
      results.push({ gestureId: item.gestureId, customerName: `Proposal #${item.gestureId}`, ok: false, message: "This proposal does not exist." });
      continue;
    }
    try {
      const result = await decideGesture(db, actor, { ...item, decision: "approve", comment: "" }, now);
      results.push({
        gestureId: item.gestureId,
        customerName: row.customerName,
        ok: true,
        message: result.alreadyDone
          ? "Already approved by you; nothing changed."
          : result.status === "awaiting_finance"
          ? `Approved ${formatMoney(row.amount, currency)}; it now waits for finance.`
          : `Approved ${formatMoney(row.amount, currency)}; the money is set aside.`,
      });
    } catch (caught) {
      const error = domainErrorOf(caught);
      if (!error) throw caught;
      results.push({ gestureId: item.gestureId, customerName: row.customerName, ok: false, message: error.message });
    }
  }
  return results;
}
