// After approval: fulfilment (capture the actual amount, release the rest, attach the receipt),
// re-approval when the actual amount is beyond the variance rule, cancellation, expiry, and the
// customer's outcome. Each transition is one immediate transaction that re-reads the gesture,
// checks its state and the actor's right, moves the money through ledger.server.ts (which refuses
// a second capture or release of a hold), writes the audit event and the notifications.
//
// Re-approval: the hold stays as approved while the gesture waits; the approver's approval
// captures the actual amount from it in one step (the fulfilment was already recorded, with its
// receipt), or, refused, the gesture is approved again at the old amount for staff to fulfil
// within it or cancel.
import { and, asc, desc, eq, inArray, lte } from "drizzle-orm";
import { branches, customers, gestureDecisions, gestureReceipts, gestures, holds, users, type Gesture, type Outcome } from "../../../db/schema";
import { writeTransaction, type Db, type DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { DomainError } from "../core/errors";
import { approvalIsExpired, cleanFileName, fulfilmentVerdict, outcomeDueAt, receiptRequired } from "./fulfilment-rules";
import { CONFIRM_NO_GESTURES_MESSAGE, type OutcomeChoice } from "./fulfilment-schemas";
import { GESTURE_STATUS_LABELS } from "./gesture-rules";
import { loadGesture, staleVersion, type GestureActor, type TransitionResult } from "./gesture-record.server";
import { captureHold, currentPoolFor, getPoolBalance, placeHold, releaseHold } from "../budget/ledger.server";
import { formatMoney } from "../core/money";
import { gestureLabel, notify } from "../notifications/notifications.server";
import { getOrganisation } from "../core/organisation.server";
import { formatIsoDate, localDate } from "../core/dates";
import { tenureBandOn } from "../customers/tenure";
import { getEffectivePolicy } from "../policy/policy.server";
import { budgetAlertThresholds } from "../policy/policy";
import { raiseBudgetAlerts } from "../budget/budget-alerts.server";
import { type CheckedReceipt, saveReceiptContent } from "./receipts.server";
import { activeFinanceUserIds, managerLevelApprovers } from "../approvals/routing.server";
import { firstRow, returnedRow } from "~/utils/query.server";
import { filterInSeries } from "~/utils/in-series";

export type ReceiptUpload = CheckedReceipt & { originalName: string };

/** Staff and managers of the gesture's branch look after it once approved. */
function requireBranchPerson(actor: GestureActor, gesture: Gesture, what: string) {
  if ((actor.role !== "staff" && actor.role !== "manager") || actor.branchId !== gesture.branchId) {
    throw new DomainError("FORBIDDEN", `Only staff and managers of the gesture's branch ${what}.`);
  }
}

/** The gesture's open hold (after a period close it is the carried one), or null for a zero-cost gesture. */
export async function openHoldOf(tx: DbOrTx, gestureId: number) {
  return (
    (await firstRow(
      tx
        .select()
        .from(holds)
        .where(and(eq(holds.gestureId, gestureId), eq(holds.status, "open")))
        .orderBy(desc(holds.id))
        .limit(1),
    )) ?? null
  );
}

export async function latestReceipt(db: DbOrTx, gestureId: number) {
  return (await firstRow(db.select().from(gestureReceipts).where(eq(gestureReceipts.gestureId, gestureId)).orderBy(desc(gestureReceipts.id)).limit(1))) ?? null;
}

function result(g: Gesture, alreadyDone = false): TransitionResult {
  return { gestureId: g.id, status: g.status, version: g.version, alreadyDone };
}

// ---------------------------------------------------------------------------------------------
// Expiry

// Policies count at least one day; a local day lasts at least 23 hours (the day clocks go forward),
// so nothing younger than that can be due.
const SHORTEST_LOCAL_DAY_MS = 23 * 60 * 60 * 1000;

async function expireInTransaction(tx: DbOrTx, gesture: Gesture, now: Date): Promise<boolean> {
  if (gesture.status !== "approved" || !gesture.approvedAt) return false;
  const { policy } = await getEffectivePolicy(tx, gesture.branchId);
  if (!approvalIsExpired(gesture.approvedAt, policy.approvalExpiryDays, now, (await getOrganisation(tx)).timeZone)) return false;
  const hold = await openHoldOf(tx, gesture.id);
  if (hold) await releaseHold(tx, { id: null }, { holdId: hold.id, memo: `Gesture #${gesture.id} expired unfulfilled`, idempotencyKey: `gesture:${gesture.id}:expire`, now });
  const changed = await tx
    .update(gestures)
    .set({ status: "expired", endedAt: now, version: gesture.version + 1, updatedAt: now })
    .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version), eq(gestures.status, "approved")));
  if (changed.changes !== 1) throw staleVersion(gesture, "gesture");
  await recordAudit(tx, {
    actorId: null,
    action: "gesture.expired",
    entity: "gesture",
    entityId: gesture.id,
    detail: { from: "approved", to: "expired", released: hold?.amount ?? 0, expiryDays: policy.approvalExpiryDays },
    at: now,
  });
  const timeZone = (await getOrganisation(tx)).timeZone;
  await notify(tx, {
    userId: gesture.proposerId,
    kind: "expired",
    gestureId: gesture.id,
    message: `${await gestureLabel(tx, gesture.id)} was approved on ${formatIsoDate(localDate(gesture.approvedAt, timeZone))} and not fulfilled within ${
      policy.approvalExpiryDays
    } days, so it expired and the money went back to the pool. Propose it again if it is still wanted.`,
    dedupeKey: `expired:${gesture.id}`,
    now,
  });
  return true;
}

/** Expires the gesture when its approval has run out (called whenever a gesture is read). */
export async function expireIfDue(db: DbOrTx, gestureId: number, now: Date): Promise<boolean> {
  // A read first: a write transaction is opened only for an approval that has run out (it checks again inside).
  const peek = await firstRow(db.select({ status: gestures.status, approvedAt: gestures.approvedAt, branchId: gestures.branchId }).from(gestures).where(eq(gestures.id, gestureId)).limit(1));
  if (peek?.status !== "approved" || !peek.approvedAt) return false;
  if (!approvalIsExpired(peek.approvedAt, (await getEffectivePolicy(db, peek.branchId)).policy.approvalExpiryDays, now, (await getOrganisation(db)).timeZone)) return false;
  return await writeTransaction(db, async (tx) => await expireInTransaction(tx, await loadGesture(tx, gestureId), now));
}

/** The job: every approval left unfulfilled beyond its branch's expiry. A second run finds none. */
export async function expireDueApprovals(db: Db, now: Date): Promise<{ expired: number }> {
  // Every policy keeps an approval at least a day, so nothing approved in the last day is read.
  const candidates = await db
    .select({ id: gestures.id })
    .from(gestures)
    .where(and(eq(gestures.status, "approved"), lte(gestures.approvedAt, new Date(now.getTime() - SHORTEST_LOCAL_DAY_MS))));
  let expired = 0;
  for (const { id } of candidates) if (await expireIfDue(db, id, now)) expired++;
  return { expired };
}

// ---------------------------------------------------------------------------------------------
// Fulfilment

export type FulfilInput = {
  gestureId: number;
  version: number;
  actualAmount: number;
  vendor: string;
  fulfilledOn: string;
  note: string;
  receipt: ReceiptUpload | null;
};

export type FulfilResult = TransitionResult & { captured: number; released: number; difference: number };

export async function fulfilGesture(db: DbOrTx, actor: GestureActor, input: FulfilInput, now: Date): Promise<FulfilResult> {
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
    requireBranchPerson(actor, gesture, "record its fulfilment");
    if (gesture.version !== input.version) {
      if ((gesture.status === "fulfilled" || gesture.status === "needs_reapproval") && gesture.fulfilledById === actor.id) {
        return { ...result(gesture, true), captured: gesture.actualAmount ?? 0, released: 0, difference: 0 };
      }
      throw staleVersion(gesture, "gesture");
    }
    if (gesture.status !== "approved") {
      throw new DomainError("INVALID_STATE", `This gesture is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; only an approved gesture can be fulfilled.`);
    }
    const { policy } = await getEffectivePolicy(tx, gesture.branchId);
    if (gesture.approvedAt && approvalIsExpired(gesture.approvedAt, policy.approvalExpiryDays, now, (await getOrganisation(tx)).timeZone)) {
      throw new DomainError("INVALID_STATE", "This approval has expired; reload the page. Nothing was recorded.");
    }
    const timeZone = (await getOrganisation(tx)).timeZone;
    const today = localDate(now, timeZone);
    const approvedOn = gesture.approvedAt ? localDate(gesture.approvedAt, timeZone) : today;
    if (input.fulfilledOn > today) throw new DomainError("VALIDATION", "The date cannot be in the future.", { field: "fulfilledOn" });
    if (input.fulfilledOn < approvedOn) {
      throw new DomainError("VALIDATION", `The date cannot be before the approval on ${formatIsoDate(approvedOn)}.`, { field: "fulfilledOn" });
    }
    const currency = (await getOrganisation(tx)).currency;
    const onFile = await latestReceipt(tx, gesture.id);
    if (receiptRequired(input.actualAmount, policy.receiptRequiredAbove) && !input.receipt && !onFile) {
      throw new DomainError("VALIDATION", `Attach the receipt: it is required above ${formatMoney(policy.receiptRequiredAbove, currency)}.`, { field: "receipt" });
    }
    if (input.receipt) {
      const [stored] = await tx
        .insert(gestureReceipts)
        .values({
          gestureId: gesture.id,
          storedName: input.receipt.storedName,
          mediaType: input.receipt.mediaType,
          size: input.receipt.size,
          sha256: input.receipt.sha256,
          originalName: cleanFileName(input.receipt.originalName),
          uploadedById: actor.id,
          uploadedAt: now,
        })
        .returning({ id: gestureReceipts.id });
      await saveReceiptContent(tx, stored!.id, input.receipt.content);
      await recordAudit(tx, {
        actorId: actor.id,
        action: "gesture.receipt_attached",
        entity: "gesture",
        entityId: gesture.id,
        detail: { mediaType: input.receipt.mediaType, size: input.receipt.size, sha256: input.receipt.sha256 },
        at: now,
      });
    }
    const hold = await openHoldOf(tx, gesture.id);
    const approved = hold?.amount ?? 0;
    const poolId = hold?.poolId ?? gesture.poolId;
    const available = poolId ? (await getPoolBalance(tx, poolId)).available : 0;
    const verdict = fulfilmentVerdict({ approved, actual: input.actualAmount, tolerancePercent: policy.varianceTolerancePercent, available });
    const nextVersion = gesture.version + 1;
    const recipient = (await firstRow(tx.select({ segment: customers.segment, since: customers.customerSince }).from(customers).where(eq(customers.id, gesture.customerId)).limit(1)))!;
    const fields = {
      // Who received it, as on the day it reached them: what has worked is split by these (issue 21).
      recipientSegment: recipient.segment,
      recipientTenureBand: tenureBandOn(recipient.since, input.fulfilledOn),
      actualAmount: input.actualAmount,
      vendor: input.vendor,
      fulfilledOn: input.fulfilledOn,
      fulfilmentNote: input.note || null,
      fulfilledById: actor.id,
      fulfilledAt: now,
      version: nextVersion,
      updatedAt: now,
    };
    if (verdict.kind === "needs_reapproval") {
      const updated = await returnedRow(
        tx
          .update(gestures)
          .set({ ...fields, status: "needs_reapproval" })
          .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
          .returning(),
      );
      await recordAudit(tx, {
        actorId: actor.id,
        action: "gesture.reapproval_requested",
        entity: "gesture",
        entityId: gesture.id,
        detail: { from: "approved", to: "needs_reapproval", approved, actual: input.actualAmount, difference: verdict.difference, reason: verdict.reason },
        at: now,
      });
      const why = verdict.reason === "over_tolerance" ? `more than the ${policy.varianceTolerancePercent}% the policy allows over the approved amount` : "more than the pool has available";
      const message = `${await gestureLabel(tx, gesture.id)} cost ${formatMoney(input.actualAmount, currency)}, ${formatMoney(verdict.difference, currency)} over the approved ${formatMoney(
        approved,
        currency,
      )} (${why}). It needs your approval again.`;
      for (const userId of await reapprovers(tx, updated, today)) await notify(tx, { userId, kind: "reapproval_needed", gestureId: gesture.id, message, now });
      return { ...result(updated), captured: 0, released: 0, difference: verdict.difference };
    }
    if (hold) {
      if (input.actualAmount > 0) {
        await captureHold(
          tx,
          { id: actor.id },
          { holdId: hold.id, actualAmount: input.actualAmount, memo: `Gesture #${gesture.id} fulfilled`, idempotencyKey: `gesture:${gesture.id}:capture:v${nextVersion}`, now },
        );
        // Within the variance tolerance the actual may be above the hold: more of the pool is used.
        await raiseBudgetAlerts(tx, hold.poolId, budgetAlertThresholds(policy), now);
      } else {
        await releaseHold(tx, { id: actor.id }, { holdId: hold.id, memo: `Gesture #${gesture.id} fulfilled at no cost`, idempotencyKey: `gesture:${gesture.id}:release:v${nextVersion}`, now });
      }
    }
    const updated = await returnedRow(
      tx
        .update(gestures)
        .set({ ...fields, status: "fulfilled" })
        .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.fulfilled",
      entity: "gesture",
      entityId: gesture.id,
      detail: { from: "approved", to: "fulfilled", approved, captured: verdict.captured, released: verdict.released, extra: verdict.extra, receipt: Boolean(input.receipt ?? onFile) },
      at: now,
    });
    return { ...result(updated), captured: verdict.captured, released: verdict.released, difference: verdict.extra };
  });
}

// ---------------------------------------------------------------------------------------------
// Re-approval

async function lastApproverId(tx: DbOrTx, gestureId: number): Promise<number | null> {
  return (
    (
      await firstRow(
        tx
          .select({ id: gestureDecisions.approverId })
          .from(gestureDecisions)
          .where(and(eq(gestureDecisions.gestureId, gestureId), eq(gestureDecisions.decision, "approve")))
          .orderBy(desc(gestureDecisions.id))
          .limit(1),
      )
    )?.id ?? null
  );
}

/** Who is asked: the approver who approved it when they still may, else the branch's manager-level approvers, else finance. */
async function reapprovers(tx: DbOrTx, gesture: Gesture, today: string): Promise<number[]> {
  const excluded = new Set([gesture.proposerId, gesture.fulfilledById]);
  const last = await lastApproverId(tx, gesture.id);
  const active = last !== null ? (await firstRow(tx.select({ active: users.active }).from(users).where(eq(users.id, last)).limit(1)))?.active : false;
  if (last !== null && active && !excluded.has(last) && (await reapprovalRight(tx, { id: last, role: await roleOf(tx, last), branchId: null }, gesture, today)).allowed) return [last];
  const managers = (await managerLevelApprovers(tx, gesture, today)).filter((a) => !a.away && !excluded.has(a.userId)).map((a) => a.userId);
  return managers.length > 0 ? managers : (await activeFinanceUserIds(tx)).filter((id) => !excluded.has(id));
}

async function roleOf(tx: DbOrTx, userId: number) {
  return (await firstRow(tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1)))!.role;
}

export type ReapprovalRight = { allowed: true; level: "manager" | "finance" } | { allowed: false; reason: string };

/** A manager-level approver of the branch (or their delegate), or finance; never the proposer or whoever recorded the fulfilment. */
export async function reapprovalRight(tx: DbOrTx, actor: { id: number; role: GestureActor["role"]; branchId: number | null }, gesture: Gesture, today: string): Promise<ReapprovalRight> {
  if (gesture.status !== "needs_reapproval") return { allowed: false, reason: "This gesture is not waiting for approval again." };
  if (actor.id === gesture.proposerId || actor.id === gesture.fulfilledById) {
    return { allowed: false, reason: "Someone other than the proposer and whoever recorded the fulfilment approves the new amount." };
  }
  if ((await managerLevelApprovers(tx, gesture, today)).some((a) => a.userId === actor.id)) return { allowed: true, level: "manager" };
  if (actor.role === "finance") return { allowed: true, level: "finance" };
  return { allowed: false, reason: "Only a manager of the gesture's branch, their delegate, or finance approves the new amount." };
}

/** At most this many gestures waiting for approval again are listed on the approvals page (there are few: each is an exception). */
const REAPPROVAL_LIST_MAX = 100;

/**
 * The gestures that cost more than approved and wait for the actor to approve the new amount
 * (reapprovalRight), oldest fulfilment first, for the approvals page. Finance sees the branch,
 * never the customer's context; the amounts are what the decision needs.
 */
export async function reapprovalQueue(db: DbOrTx, actor: GestureActor, now: Date) {
  const today = localDate(now, (await getOrganisation(db)).timeZone);
  const candidates = await db
    .select({ gesture: gestures, customerName: customers.name, branchName: branches.name })
    .from(gestures)
    .innerJoin(customers, eq(customers.id, gestures.customerId))
    .innerJoin(branches, eq(branches.id, gestures.branchId))
    .where(and(eq(gestures.status, "needs_reapproval"), actor.role === "finance" || actor.branchId === null ? undefined : eq(gestures.branchId, actor.branchId)))
    .orderBy(asc(gestures.fulfilledAt), asc(gestures.id))
    .limit(REAPPROVAL_LIST_MAX);
  return (await filterInSeries(candidates, async ({ gesture }) => (await reapprovalRight(db, actor, gesture, today)).allowed)).map(({ gesture, customerName, branchName }) => ({
    id: gesture.id,
    customerName,
    branchName,
    approved: gesture.approvedAmount ?? 0,
    actual: gesture.actualAmount ?? 0,
    difference: (gesture.actualAmount ?? 0) - (gesture.approvedAmount ?? 0),
    fulfilledAt: gesture.fulfilledAt,
  }));
}

export type ReapprovalInput = { gestureId: number; version: number; decision: "approve" | "refuse"; comment: string };

export async function decideReapproval(db: DbOrTx, actor: GestureActor, input: ReapprovalInput, now: Date): Promise<TransitionResult> {
  const comment = input.comment.trim();
  if (input.decision === "refuse" && !comment) throw new DomainError("VALIDATION", "Say why; the person who fulfilled it reads it.", { field: "comment" });
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
    if (gesture.version !== input.version) {
      const last = await firstRow(tx.select().from(gestureDecisions).where(eq(gestureDecisions.gestureId, gesture.id)).orderBy(desc(gestureDecisions.id)).limit(1));
      if (last?.approverId === actor.id && (gesture.status === "fulfilled" || gesture.status === "approved")) return result(gesture, true);
      throw staleVersion(gesture, "gesture");
    }
    const { timeZone, currency } = await getOrganisation(tx);
    const right = await reapprovalRight(tx, actor, gesture, localDate(now, timeZone));
    if (!right.allowed) throw new DomainError(gesture.status === "needs_reapproval" ? "FORBIDDEN" : "INVALID_STATE", right.reason);
    const actual = gesture.actualAmount!;
    const nextVersion = gesture.version + 1;
    const hold = await openHoldOf(tx, gesture.id);
    await tx
      .insert(gestureDecisions)
      .values({
        gestureId: gesture.id,
        approverId: actor.id,
        onBehalfOfId: null,
        level: right.level,
        decision: input.decision === "approve" ? "approve" : "reject",
        amount: input.decision === "approve" ? actual : null,
        comment,
        at: now,
      });
    const label = await gestureLabel(tx, gesture.id);
    const approverName = (await firstRow(tx.select({ name: users.name }).from(users).where(eq(users.id, actor.id)).limit(1)))!.name;
    let updated: Gesture;
    if (input.decision === "approve") {
      let holdId = hold?.id ?? null;
      if (!holdId) {
        const pool = await currentPoolFor(tx, gesture.branchId, now);
        if (!pool || pool.periodStatus !== "open") throw new DomainError("INVALID_STATE", "No budget period is open for the branch; finance opens one. Nothing was approved.");
        holdId = (
          await placeHold(
            tx,
            { id: actor.id },
            { poolId: pool.id, gestureId: gesture.id, amount: actual, memo: `Gesture #${gesture.id} re-approved`, idempotencyKey: `gesture:${gesture.id}:hold:v${nextVersion}`, now },
          )
        ).holdId;
      }
      const capture = await captureHold(
        tx,
        { id: actor.id },
        { holdId, actualAmount: actual, memo: `Gesture #${gesture.id} fulfilled (re-approved)`, idempotencyKey: `gesture:${gesture.id}:capture:v${nextVersion}`, now },
      );
      const poolId = (await firstRow(tx.select({ poolId: holds.poolId }).from(holds).where(eq(holds.id, holdId)).limit(1)))!.poolId;
      await raiseBudgetAlerts(tx, poolId, budgetAlertThresholds((await getEffectivePolicy(tx, gesture.branchId)).policy), now);
      updated = await returnedRow(
        tx
          .update(gestures)
          .set({ status: "fulfilled", approvedAmount: actual, version: nextVersion, updatedAt: now, decidedAt: now })
          .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
          .returning(),
      );
      await recordAudit(tx, {
        actorId: actor.id,
        action: "gesture.reapproved",
        entity: "gesture",
        entityId: gesture.id,
        detail: { from: "needs_reapproval", to: "fulfilled", previouslyApproved: hold?.amount ?? 0, captured: actual, remainderReleased: capture.remainderReleased, level: right.level },
        at: now,
      });
      const message = `${approverName} approved the actual amount of ${formatMoney(actual, currency)} for ${label}; it is fulfilled.`;
      for (const userId of new Set([gesture.proposerId, gesture.fulfilledById!])) await notify(tx, { userId, kind: "decision", gestureId: gesture.id, message, now });
    } else {
      updated = await returnedRow(
        tx
          .update(gestures)
          .set({ status: "approved", actualAmount: null, vendor: null, fulfilledOn: null, fulfilmentNote: null, fulfilledById: null, fulfilledAt: null, version: nextVersion, updatedAt: now })
          .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
          .returning(),
      );
      await recordAudit(tx, {
        actorId: actor.id,
        action: "gesture.reapproval_refused",
        entity: "gesture",
        entityId: gesture.id,
        detail: { from: "needs_reapproval", to: "approved", refusedAmount: actual, level: right.level },
        at: now,
      });
      const message = `${approverName} did not approve ${formatMoney(
        actual,
        currency,
      )} for ${label}. It stays approved at the earlier amount: fulfil it within that, or cancel it. Open it to read why.`;
      for (const userId of new Set([gesture.proposerId, gesture.fulfilledById!])) await notify(tx, { userId, kind: "decision", gestureId: gesture.id, message, now });
    }
    return result(updated);
  });
}

// ---------------------------------------------------------------------------------------------
// Cancellation

const CANCELLABLE = ["approved", "needs_reapproval"] as const;

export async function cancelGesture(db: DbOrTx, actor: GestureActor, input: { gestureId: number; version: number; reason: string }, now: Date): Promise<TransitionResult> {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError("VALIDATION", "Give the reason for cancelling it.", { field: "reason" });
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
    requireBranchPerson(actor, gesture, "cancel it");
    if (gesture.version !== input.version) {
      if (gesture.status === "cancelled" && gesture.cancelledById === actor.id) return result(gesture, true);
      throw staleVersion(gesture, "gesture");
    }
    if (!(CANCELLABLE as readonly string[]).includes(gesture.status)) {
      throw new DomainError("INVALID_STATE", `This gesture is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; only an approved gesture can be cancelled.`);
    }
    const hold = await openHoldOf(tx, gesture.id);
    if (hold) await releaseHold(tx, { id: actor.id }, { holdId: hold.id, memo: `Gesture #${gesture.id} cancelled`, idempotencyKey: `gesture:${gesture.id}:cancel`, now });
    const updated = await returnedRow(
      tx
        .update(gestures)
        .set({ status: "cancelled", cancelReason: reason, cancelledById: actor.id, endedAt: now, version: gesture.version + 1, updatedAt: now })
        .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.cancelled",
      entity: "gesture",
      entityId: gesture.id,
      detail: { from: gesture.status, to: "cancelled", released: hold?.amount ?? 0 },
      at: now,
    });
    if (gesture.proposerId !== actor.id) {
      const name = (await firstRow(tx.select({ name: users.name }).from(users).where(eq(users.id, actor.id)).limit(1)))!.name;
      await notify(tx, {
        userId: gesture.proposerId,
        kind: "decision",
        gestureId: gesture.id,
        message: `${name} cancelled ${await gestureLabel(tx, gesture.id)}; the money went back to the pool.`,
        now,
      });
    }
    return result(updated);
  });
}

// ---------------------------------------------------------------------------------------------
// Outcome

/**
 * Closes a fulfilled gesture with the customer's response. "Asked not to receive gestures" is
 * stored as a negative response that also marks the customer do-not-contact with that reason, in
 * the same transaction, so they leave every suggestion queue at once (issue 21).
 */
export async function recordOutcome(
  db: DbOrTx,
  actor: GestureActor,
  input: { gestureId: number; version: number; outcome: OutcomeChoice; note: string; confirmNoGestures?: "on" },
  now: Date,
): Promise<TransitionResult> {
  const askedNoGestures = input.outcome === "asked_no_gestures";
  if (askedNoGestures && input.confirmNoGestures !== "on") {
    throw new DomainError("VALIDATION", CONFIRM_NO_GESTURES_MESSAGE, { field: "confirmNoGestures" });
  }
  const outcome: Outcome = askedNoGestures ? "negative" : (input.outcome as Outcome);
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
    requireBranchPerson(actor, gesture, "record the customer's response");
    if (gesture.version !== input.version) {
      if (gesture.status === "closed" && gesture.outcomeRecordedById === actor.id) return result(gesture, true);
      throw staleVersion(gesture, "gesture");
    }
    if (gesture.status !== "fulfilled") {
      throw new DomainError("INVALID_STATE", `This gesture is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; the response is recorded once, after fulfilment.`);
    }
    const updated = await returnedRow(
      tx
        .update(gestures)
        .set({
          status: "closed",
          outcome,
          askedNoGestures,
          outcomeNote: input.note.trim() || null,
          outcomeRecordedAt: now,
          outcomeRecordedById: actor.id,
          version: gesture.version + 1,
          updatedAt: now,
        })
        .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.outcome_recorded",
      entity: "gesture",
      entityId: gesture.id,
      detail: { from: "fulfilled", to: "closed", outcome, askedNoGestures },
      at: now,
    });
    if (askedNoGestures) await markGesturesDeclined(tx, actor, gesture, now);
    if (gesture.proposerId !== actor.id) {
      const name = (await firstRow(tx.select({ name: users.name }).from(users).where(eq(users.id, actor.id)).limit(1)))!.name;
      await notify(tx, {
        userId: gesture.proposerId,
        kind: "outcome_recorded",
        gestureId: gesture.id,
        message: `${name} recorded how the customer responded to ${await gestureLabel(tx, gesture.id)}, the gesture you proposed. Open it to see.`,
        now,
      });
    }
    return result(updated);
  });
}

/** The job: remind the proposer (and whoever fulfilled it) of a missing outcome after the follow-up delay, once. */
export async function sendOutcomeReminders(db: Db, now: Date): Promise<{ due: number; sent: number }> {
  const candidates = await db
    .select({ id: gestures.id, branchId: gestures.branchId, proposerId: gestures.proposerId, fulfilledById: gestures.fulfilledById, fulfilledAt: gestures.fulfilledAt })
    .from(gestures)
    .where(and(inArray(gestures.status, ["fulfilled"]), lte(gestures.fulfilledAt, new Date(now.getTime() - SHORTEST_LOCAL_DAY_MS))));
  const { timeZone } = await getOrganisation(db);
  let due = 0;
  let sent = 0;
  for (const g of candidates) {
    const { policy } = await getEffectivePolicy(db, g.branchId);
    if (!g.fulfilledAt || outcomeDueAt(g.fulfilledAt, policy.outcomeFollowUpDays, timeZone) > now) continue;
    due++;
    sent += await writeTransaction(db, async (tx) => {
      let count = 0;
      const label = await gestureLabel(tx, g.id);
      for (const userId of new Set([g.proposerId, ...(g.fulfilledById ? [g.fulfilledById] : [])])) {
        const id = await notify(tx, {
          userId,
          kind: "outcome_reminder",
          gestureId: g.id,
          message: `${label} was fulfilled ${policy.outcomeFollowUpDays} or more days ago and the customer's response is not recorded yet. Record it when you know.`,
          dedupeKey: `outcome_reminder:${g.id}:${userId}`,
          now,
        });
        if (id !== null) count++;
      }
      return count;
    });
  }
  return { due, sent };
}

/** The customer asked not to receive gestures: do-not-contact with that reason, which a CRM import then keeps. */
async function markGesturesDeclined(tx: DbOrTx, actor: GestureActor, gesture: Gesture, now: Date) {
  const customer = (await firstRow(tx.select({ doNotContact: customers.doNotContact }).from(customers).where(eq(customers.id, gesture.customerId)).limit(1)))!;
  const reason = `Asked not to receive gestures (recorded with gesture #${gesture.id})`;
  await tx.update(customers).set({ doNotContact: true, doNotContactReason: reason, gesturesDeclinedAt: now, updatedAt: now }).where(eq(customers.id, gesture.customerId));
  await recordAudit(tx, {
    actorId: actor.id,
    action: "customer.gestures_declined",
    entity: "customer",
    entityId: gesture.customerId,
    detail: { gestureId: gesture.id, doNotContactBefore: customer.doNotContact },
    at: now,
  });
}
