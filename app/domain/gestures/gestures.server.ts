// The gesture workflow: propose (draft or submit), edit, submit with the policy checks and routing,
// approve (manager, then finance at or over the threshold), reject, return for changes, withdraw,
// bulk approve; and the lists people work from (my proposals, approval queues, the detail page).
//
// Every transition is one function and one immediate transaction: it re-reads the gesture, checks
// its state, the actor's right (routing.server.ts decides who may decide) and the policy, writes
// the hold (ledger.server.ts joins the transaction), the decision row, the audit event and the
// notifications, and bumps the version. Illegal transitions throw a DomainError and change nothing.
//
// Idempotency: creation by the form's `createKey`; every other transition carries the version the
// user saw. A replay by the same person of something already done answers "already done"; a second
// approver is told who decided first, and nothing happens twice.
//
// The hold is placed at the final approval (at once at staff discretion, at the manager's approval
// under the second-approval threshold, at finance's approval at or over it), so a gesture waiting
// for finance holds no money yet and finance sees the balance after its approval.
import { aliasedTable, and, asc, count, desc, eq, gte, inArray, isNotNull, ne, or, sql, type SQL } from "drizzle-orm";
import {
  branches,
  customers,
  delegations,
  gestureDecisions,
  gestures,
  gestureTypes,
  signals,
  users,
  type Decision,
  type DeliveryMethod,
  type Gesture,
  type GestureStatus,
  type Occasion,
  type Policy,
  type Role,
} from "../../../db/schema";
import { writeTransaction, type DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { findGestureType, listGestureTypes } from "../policy/catalogue.server";
import { SIGNAL_KIND_LABELS } from "../customers/customer-rules";
import { DomainError } from "../core/errors";
import { COUNTING_STATUSES, customerCapNote, GESTURE_STATUS_LABELS, needsSecondApproval, policyRefusals, withinDiscretion } from "./gesture-rules";
import { currentPoolFor, getPoolBalance, placeHold } from "../budget/ledger.server";
import { approvalExpiresAt, outcomeDueAt } from "./fulfilment-rules";
import { expireIfDue, latestReceipt, openHoldOf, reapprovalRight } from "./fulfilment.server";
import { loadGesture, staleVersion, type GestureActor, type TransitionResult } from "./gesture-record.server";
import { formatMoney } from "../core/money";
import { notify } from "../notifications/notifications.server";
import { getOrganisation } from "../core/organisation.server";
import { localDate, startOfLocalDay } from "../core/dates";
import { getEffectivePolicy } from "../policy/policy.server";
import { activeFinanceUserIds, decisionRight, managerLevelApprovers, routeFor } from "../approvals/routing.server";

export type ProposalInput = {
  occasion: Occasion;
  signalId?: number | null;
  typeId: number;
  /** null: the type's default amount. */
  amount: number | null;
  cardMessage: string;
  justification: string;
  deliveryMethod: DeliveryMethod;
};

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Small helpers

function organisationFacts(db: DbOrTx, now: Date) {
  const org = getOrganisation(db);
  return { currency: org.currency, timeZone: org.timeZone, today: localDate(now, org.timeZone) };
}

function money(db: DbOrTx, amount: number) {
  return formatMoney(amount, getOrganisation(db).currency);
}

function timeWords(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(at);
}

function requireProposer(actor: GestureActor): number {
  if ((actor.role !== "staff" && actor.role !== "manager") || actor.branchId === null) {
    throw new DomainError("FORBIDDEN", "Only staff and managers of a branch propose gestures.");
  }
  return actor.branchId;
}

function userName(db: DbOrTx, userId: number): string {
  return db.select({ name: users.name }).from(users).where(eq(users.id, userId)).get()?.name ?? "someone";
}

/** What a gesture counts for against caps: the actual amount once fulfilled, else the approved, else the requested. */
const countedAmount = sql<number>`coalesce(sum(case when ${gestures.status} in ('fulfilled', 'closed') and ${gestures.actualAmount} is not null then ${gestures.actualAmount} when ${gestures.approvedAmount} is not null then ${gestures.approvedAmount} else ${gestures.requestedAmount} end), 0)`;

/** The customer's counting gestures over the rolling 12 months, without `exceptGestureId`. */
export function customerTwelveMonths(db: DbOrTx, customerId: number, now: Date, exceptGestureId: number | null = null) {
  const row = db
    .select({ amount: countedAmount, count: count() })
    .from(gestures)
    .where(
      and(
        eq(gestures.customerId, customerId),
        inArray(gestures.status, [...COUNTING_STATUSES]),
        gte(gestures.submittedAt, twelveMonthsBefore(now)),
        exceptGestureId === null ? undefined : ne(gestures.id, exceptGestureId),
      ),
    )
    .get();
  return { amount: Number(row?.amount ?? 0), count: row?.count ?? 0 };
}

// ---------------------------------------------------------------------------------------------
// Propose, edit, submit

function checkProposalInput(db: DbOrTx, customerId: number, input: ProposalInput) {
  const type = findGestureType(db, input.typeId);
  if (!type) throw new DomainError("VALIDATION", "Choose a gesture from the list.", { field: "typeId" });
  if (input.signalId != null) {
    const signal = db.select({ customerId: signals.customerId }).from(signals).where(eq(signals.id, input.signalId)).get();
    if (!signal || signal.customerId !== customerId) {
      throw new DomainError("VALIDATION", "Choose a signal of this customer, or none.", { field: "signalId" });
    }
  }
  const amount = input.amount ?? type.defaultAmount;
  return { type, amount };
}

function checkDelivery(customer: { deliveryAddress: string | null }, input: ProposalInput) {
  if (input.deliveryMethod === "post" && !customer.deliveryAddress) {
    throw new DomainError("VALIDATION", "No delivery address is on record for this customer: choose in branch or courier, or add the address in the CRM first.", {
      field: "deliveryMethod",
    });
  }
}

function loadCustomerForProposal(db: DbOrTx, branchId: number, customerId: number) {
  const customer = db.select().from(customers).where(eq(customers.id, customerId)).get();
  if (!customer || customer.branchId !== branchId) throw new DomainError("NOT_FOUND", "There is no such customer in your branch.", { field: "customerId" });
  if (customer.erasedAt) throw new DomainError("POLICY_VIOLATION", "This customer was erased at their request; they receive no gesture.");
  if (customer.doNotContact) throw new DomainError("POLICY_VIOLATION", "This customer asked not to be contacted; they receive no gesture.");
  return customer;
}

export type ProposeInput = ProposalInput & { customerId: number; createKey: string; submit: boolean };

/**
 * Creates a proposal as a draft, and submits it at once when asked. A replay of the same form
 * (same createKey) returns the proposal it created.
 */
export function proposeGesture(db: DbOrTx, actor: GestureActor, input: ProposeInput, now: Date): TransitionResult {
  const branchId = requireProposer(actor);
  return writeTransaction(db, (tx) => {
    const existing = tx.select().from(gestures).where(eq(gestures.createKey, input.createKey)).get();
    if (existing) {
      if (existing.proposerId !== actor.id) throw new DomainError("CONFLICT", "This form was already used. Reload the page and try again.");
      return { gestureId: existing.id, status: existing.status, version: existing.version, alreadyDone: true };
    }
    const customer = loadCustomerForProposal(tx, branchId, input.customerId);
    checkDelivery(customer, input);
    const { amount } = checkProposalInput(tx, customer.id, input);
    const created = tx
      .insert(gestures)
      .values({
        customerId: customer.id,
        branchId: customer.branchId,
        proposerId: actor.id,
        occasion: input.occasion,
        signalId: input.signalId ?? null,
        typeId: input.typeId,
        requestedAmount: amount,
        cardMessage: input.cardMessage,
        justification: input.justification,
        deliveryMethod: input.deliveryMethod,
        status: "draft",
        createKey: input.createKey,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.drafted",
      entity: "gesture",
      entityId: created.id,
      detail: { customerId: customer.id, branchId: customer.branchId, typeId: input.typeId, amount, status: "draft" },
      at: now,
    });
    if (!input.submit) return { gestureId: created.id, status: created.status, version: created.version, alreadyDone: false };
    return submitInTransaction(tx, actor, created, now);
  });
}

export type EditInput = ProposalInput & { gestureId: number; version: number; submit: boolean };

/** The proposer edits a draft or a returned proposal, and saves it or (re)submits it. */
export function editProposal(db: DbOrTx, actor: GestureActor, input: EditInput, now: Date): TransitionResult {
  const branchId = requireProposer(actor);
  return writeTransaction(db, (tx) => {
    const gesture = loadGesture(tx, input.gestureId);
    if (gesture.proposerId !== actor.id) throw new DomainError("FORBIDDEN", "Only the person who proposed it may change a proposal.");
    if (gesture.version !== input.version) {
      if (input.submit && ["submitted", "awaiting_finance", "approved"].includes(gesture.status)) {
        return { gestureId: gesture.id, status: gesture.status, version: gesture.version, alreadyDone: true };
      }
      throw staleVersion(gesture);
    }
    if (gesture.status !== "draft" && gesture.status !== "returned") {
      throw new DomainError("INVALID_STATE", `This proposal is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; only a draft or a returned proposal can be changed.`);
    }
    if (gesture.branchId !== branchId) throw new DomainError("FORBIDDEN", "This proposal belongs to another branch; you moved since you made it.");
    checkDelivery(loadCustomerForProposal(tx, branchId, gesture.customerId), input);
    const { amount } = checkProposalInput(tx, gesture.customerId, input);
    const updated = tx
      .update(gestures)
      .set({
        occasion: input.occasion,
        signalId: input.signalId ?? null,
        typeId: input.typeId,
        requestedAmount: amount,
        cardMessage: input.cardMessage,
        justification: input.justification,
        deliveryMethod: input.deliveryMethod,
        version: gesture.version + 1,
        updatedAt: now,
      })
      .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
      .returning()
      .get();
    recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.edited",
      entity: "gesture",
      entityId: gesture.id,
      detail: { typeId: input.typeId, amount, status: gesture.status, version: updated.version },
      at: now,
    });
    if (!input.submit) return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false };
    return submitInTransaction(tx, actor, updated, now);
  });
}

/** Submits a draft or a returned proposal as it stands. */
export function submitGesture(db: DbOrTx, actor: GestureActor, input: { gestureId: number; version: number }, now: Date): TransitionResult {
  requireProposer(actor);
  return writeTransaction(db, (tx) => {
    const gesture = loadGesture(tx, input.gestureId);
    if (gesture.proposerId !== actor.id) throw new DomainError("FORBIDDEN", "Only the person who proposed it may submit a proposal.");
    if (gesture.version !== input.version) {
      if (["submitted", "awaiting_finance", "approved"].includes(gesture.status)) {
        return { gestureId: gesture.id, status: gesture.status, version: gesture.version, alreadyDone: true };
      }
      throw staleVersion(gesture);
    }
    return submitInTransaction(tx, actor, gesture, now);
  });
}

/** The figures the policy checks need, gathered inside the transaction. */
export function gatherProposalFigures(tx: DbOrTx, gesture: Gesture, now: Date) {
  const { currency, timeZone, today } = organisationFacts(tx, now);
  const { policy } = getEffectivePolicy(tx, gesture.branchId);
  const type = findGestureType(tx, gesture.typeId)!;
  const customer = tx.select().from(customers).where(eq(customers.id, gesture.customerId)).get()!;
  const branch = tx.select({ name: branches.name }).from(branches).where(eq(branches.id, gesture.branchId)).get()!;
  const duplicate = tx
    .select({ submittedAt: gestures.submittedAt, branchName: branches.name })
    .from(gestures)
    .innerJoin(branches, eq(branches.id, gestures.branchId))
    .where(
      and(
        eq(gestures.customerId, gesture.customerId),
        eq(gestures.occasion, gesture.occasion),
        inArray(gestures.status, [...COUNTING_STATUSES]),
        ne(gestures.id, gesture.id),
        gte(gestures.submittedAt, new Date(now.getTime() - policy.duplicateWindowDays * DAY_MS)),
      ),
    )
    .orderBy(desc(gestures.submittedAt))
    .limit(1)
    .get();
  const monthStart = startOfLocalDay(`${today.slice(0, 8)}01`, timeZone);
  const staffMonth = tx
    .select({ amount: countedAmount })
    .from(gestures)
    .where(
      and(eq(gestures.proposerId, gesture.proposerId), inArray(gestures.status, [...COUNTING_STATUSES]), gte(gestures.submittedAt, monthStart), ne(gestures.id, gesture.id)),
    )
    .get();
  const pool = currentPoolFor(tx, gesture.branchId, now);
  return {
    figures: {
      policy,
      currency,
      amount: gesture.requestedAmount,
      occasion: gesture.occasion,
      justification: gesture.justification,
      type: { name: type.name, maxAmount: type.maxAmount, active: type.active, occasions: type.occasions },
      customer: { doNotContact: customer.doNotContact, erased: customer.erasedAt !== null },
      customerTwelveMonths: customerTwelveMonths(tx, gesture.customerId, now, gesture.id),
      duplicate: duplicate?.submittedAt ? { branchName: duplicate.branchName, submittedOn: localDate(duplicate.submittedAt, timeZone) } : null,
      staffMonthAmount: Number(staffMonth?.amount ?? 0),
      branchName: branch.name,
      periodOpen: pool?.periodStatus === "open",
    },
    pool: pool?.periodStatus === "open" ? pool : null,
    today,
    timeZone,
    currency,
  };
}

function submitInTransaction(tx: DbOrTx, actor: GestureActor, gesture: Gesture, now: Date): TransitionResult {
  if (gesture.status !== "draft" && gesture.status !== "returned") {
    throw new DomainError("INVALID_STATE", `This proposal is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; only a draft or a returned proposal can be submitted.`);
  }
  const { figures, pool, today, currency } = gatherProposalFigures(tx, gesture, now);
  const refusals = policyRefusals(figures);
  if (refusals.length > 0) {
    const fields = new Set(refusals.map((r) => r.field));
    throw new DomainError("POLICY_VIOLATION", refusals.map((r) => r.message).join(" "), {
      field: fields.size === 1 ? refusals[0]!.field : undefined,
    });
  }
  const amount = gesture.requestedAmount;
  const available = pool ? getPoolBalance(tx, pool.id).available : 0;
  const nextVersion = gesture.version + 1;
  const proposerName = userName(tx, gesture.proposerId);
  const typeName = findGestureType(tx, gesture.typeId)!.name;

  if (pool && withinDiscretion(amount, figures.policy) && available >= amount) {
    if (amount > 0) {
      placeHold(tx, { id: actor.id }, { poolId: pool.id, gestureId: gesture.id, amount, memo: `Gesture #${gesture.id}`, idempotencyKey: `gesture:${gesture.id}:hold:v${nextVersion}`, now });
    }
    const updated = tx
      .update(gestures)
      .set({
        status: "approved",
        approvalRoute: null,
        approvedAtDiscretion: true,
        approvedAmount: amount,
        poolId: pool.id,
        submittedAt: now,
        approvedAt: now,
        decidedAt: now,
        version: nextVersion,
        updatedAt: now,
      })
      .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
      .returning()
      .get();
    recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.approved_at_discretion",
      entity: "gesture",
      entityId: gesture.id,
      detail: { from: gesture.status, to: "approved", amount, poolId: pool.id, level: "discretion" },
      at: now,
    });
    return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false };
  }

  const route = routeFor(tx, { branchId: gesture.branchId, proposerId: gesture.proposerId }, today);
  const updated = tx
    .update(gestures)
    .set({ status: "submitted", approvalRoute: route, submittedAt: now, version: nextVersion, updatedAt: now })
    .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
    .returning()
    .get();
  recordAudit(tx, {
    actorId: actor.id,
    action: gesture.status === "returned" ? "gesture.resubmitted" : "gesture.submitted",
    entity: "gesture",
    entityId: gesture.id,
    detail: { from: gesture.status, to: "submitted", amount, route },
    at: now,
  });
  const message = `${proposerName} proposed ${typeName} (${formatMoney(amount, currency)}) for a customer of ${figures.branchName}; it waits for your approval.`;
  const recipients =
    route === "branch"
      ? managerLevelApprovers(tx, { branchId: gesture.branchId, proposerId: gesture.proposerId }, today)
          .filter((a) => !a.away)
          .map((a) => a.userId)
      : activeFinanceUserIds(tx).filter((id) => id !== gesture.proposerId);
  for (const userId of recipients) notify(tx, { userId, kind: "approval_needed", gestureId: gesture.id, message, now });

  let warning: string | undefined;
  if (pool && withinDiscretion(amount, figures.policy) && available < amount) {
    warning = `The pool has ${formatMoney(available, currency)} available, not enough to approve this at your discretion, so it went to ${route === "branch" ? "a manager" : "finance"}.`;
  } else if (pool) {
    const pending = tx
      .select({ total: sql<number>`coalesce(sum(${gestures.requestedAmount}), 0)` })
      .from(gestures)
      .where(and(eq(gestures.branchId, gesture.branchId), inArray(gestures.status, ["submitted", "awaiting_finance"])))
      .get();
    const pendingTotal = Number(pending?.total ?? 0);
    if (pendingTotal > available) {
      warning = `Proposals waiting for approval in ${figures.branchName} add up to ${formatMoney(pendingTotal, currency)}, more than the ${formatMoney(available, currency)} the pool has available; some may be refused.`;
    }
  }
  return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false, warning };
}

// ---------------------------------------------------------------------------------------------
// Withdraw

const WITHDRAWABLE: GestureStatus[] = ["submitted", "awaiting_finance", "returned"];

/** The proposer takes back a proposal that is waiting (or returned). No money was held yet. */
export function withdrawGesture(db: DbOrTx, actor: GestureActor, input: { gestureId: number; version: number }, now: Date): TransitionResult {
  return writeTransaction(db, (tx) => {
    const gesture = loadGesture(tx, input.gestureId);
    if (gesture.proposerId !== actor.id) throw new DomainError("FORBIDDEN", "Only the person who proposed it may withdraw a proposal.");
    if (gesture.version !== input.version) {
      if (gesture.status === "withdrawn") return { gestureId: gesture.id, status: gesture.status, version: gesture.version, alreadyDone: true };
      throw staleVersion(gesture);
    }
    if (!WITHDRAWABLE.includes(gesture.status)) {
      throw new DomainError("INVALID_STATE", `This proposal is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; only a proposal waiting for a decision or returned to you can be withdrawn.`);
    }
    const updated = tx
      .update(gestures)
      .set({ status: "withdrawn", approvalRoute: null, version: gesture.version + 1, updatedAt: now, decidedAt: now })
      .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
      .returning()
      .get();
    recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.withdrawn",
      entity: "gesture",
      entityId: gesture.id,
      detail: { from: gesture.status, to: "withdrawn", amount: gesture.requestedAmount },
      at: now,
    });
    return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false };
  });
}

// ---------------------------------------------------------------------------------------------
// Decide: approve, reject, return

export type DecideInput = { gestureId: number; version: number; decision: Decision; comment: string };

const DECISION_PAST: Record<Decision, string> = { approve: "approved", reject: "rejected", return: "returned for changes" };

function lastDecision(tx: DbOrTx, gestureId: number) {
  return tx
    .select({ approverId: gestureDecisions.approverId, decision: gestureDecisions.decision, level: gestureDecisions.level, at: gestureDecisions.at, approverName: users.name })
    .from(gestureDecisions)
    .innerJoin(users, eq(users.id, gestureDecisions.approverId))
    .where(eq(gestureDecisions.gestureId, gestureId))
    .orderBy(desc(gestureDecisions.id))
    .limit(1)
    .get();
}

function managerApproverOf(tx: DbOrTx, gestureId: number): number | null {
  const row = tx
    .select({ approverId: gestureDecisions.approverId })
    .from(gestureDecisions)
    .where(and(eq(gestureDecisions.gestureId, gestureId), eq(gestureDecisions.level, "manager"), eq(gestureDecisions.decision, "approve")))
    .orderBy(desc(gestureDecisions.id))
    .limit(1)
    .get();
  return row?.approverId ?? null;
}

/** Approve, reject or return a proposal, at the level the actor's right gives. */
export function decideGesture(db: DbOrTx, actor: GestureActor & { role: Role }, input: DecideInput, now: Date): TransitionResult {
  const comment = input.comment.trim();
  if (input.decision !== "approve" && comment === "") {
    throw new DomainError(
      "VALIDATION",
      input.decision === "reject" ? "Give the reason for the rejection; the proposer reads it." : "Say what should change; the proposer reads it.",
      { field: "comment" },
    );
  }
  return writeTransaction(db, (tx) => {
    const gesture = loadGesture(tx, input.gestureId);
    const { today, timeZone, currency } = organisationFacts(tx, now);
    if (gesture.version !== input.version) {
      const last = lastDecision(tx, gesture.id);
      if (last && last.approverId === actor.id && last.decision === input.decision) {
        return { gestureId: gesture.id, status: gesture.status, version: gesture.version, alreadyDone: true };
      }
      if (last && last.approverId !== actor.id) {
        throw new DomainError(
          "CONFLICT",
          `This proposal was already ${DECISION_PAST[last.decision]} by ${last.approverName} at ${timeWords(last.at, timeZone)}; nothing was changed.`,
        );
      }
      throw staleVersion(gesture);
    }
    const right = decisionRight(tx, actor, gesture, today, gesture.status === "awaiting_finance" ? managerApproverOf(tx, gesture.id) : null);
    if (!right.allowed) throw new DomainError(gesture.status === "submitted" || gesture.status === "awaiting_finance" ? "FORBIDDEN" : "INVALID_STATE", right.reason);

    const from = gesture.status;
    const nextVersion = gesture.version + 1;
    const { policy } = getEffectivePolicy(tx, gesture.branchId);
    const amount = gesture.requestedAmount;
    let to: GestureStatus;
    let poolId: number | null = gesture.poolId;
    if (input.decision === "approve") {
      const pool = currentPoolFor(tx, gesture.branchId, now);
      const branchName = tx.select({ name: branches.name }).from(branches).where(eq(branches.id, gesture.branchId)).get()!.name;
      if (!pool || pool.periodStatus !== "open") {
        throw new DomainError("INVALID_STATE", `No budget period is open for ${branchName}; finance opens one. Nothing was approved.`);
      }
      const available = getPoolBalance(tx, pool.id).available;
      if (available < amount) {
        throw new DomainError(
          "INSUFFICIENT_FUNDS",
          `The pool has ${formatMoney(available, currency)} available; this gesture needs ${formatMoney(amount, currency)}. Nothing was approved.`,
        );
      }
      const toFinance = right.level === "manager" && needsSecondApproval(amount, policy);
      if (toFinance) {
        to = "awaiting_finance";
      } else {
        to = "approved";
        poolId = pool.id;
        if (amount > 0) {
          placeHold(tx, { id: actor.id }, { poolId: pool.id, gestureId: gesture.id, amount, memo: `Gesture #${gesture.id}`, idempotencyKey: `gesture:${gesture.id}:hold:v${nextVersion}`, now });
        }
      }
    } else {
      to = input.decision === "reject" ? "rejected" : "returned";
    }

    tx.insert(gestureDecisions)
      .values({
        gestureId: gesture.id,
        approverId: actor.id,
        onBehalfOfId: right.onBehalfOfId,
        level: right.level,
        decision: input.decision,
        amount: input.decision === "approve" ? amount : null,
        comment,
        at: now,
      })
      .run();
    const updated = tx
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
      .returning()
      .get();
    recordAudit(tx, {
      actorId: actor.id,
      action: `gesture.${input.decision === "approve" ? "approved" : input.decision === "reject" ? "rejected" : "returned"}`,
      entity: "gesture",
      entityId: gesture.id,
      detail: { from, to, amount, level: right.level, onBehalfOfId: right.onBehalfOfId, poolId: to === "approved" ? poolId : null },
      at: now,
    });

    const approverName = userName(tx, actor.id);
    const typeName = findGestureType(tx, gesture.typeId)!.name;
    const what = `${typeName} (${formatMoney(amount, currency)})`;
    const proposerMessage =
      to === "awaiting_finance"
        ? `${approverName} approved your proposal of ${what}; it now waits for finance's second approval.`
        : to === "approved"
          ? `${approverName} approved your proposal of ${what}. The money is set aside; you can arrange it now.`
          : to === "rejected"
            ? `${approverName} rejected your proposal of ${what}. Open it to read the reason.`
            : `${approverName} returned your proposal of ${what} for changes. Open it to read what should change.`;
    notify(tx, { userId: gesture.proposerId, kind: "decision", gestureId: gesture.id, message: proposerMessage, now });
    if (to === "awaiting_finance") {
      const message = `${approverName} approved ${what}, at or over the second-approval threshold; it waits for finance's approval.`;
      for (const userId of activeFinanceUserIds(tx)) {
        if (userId !== actor.id && userId !== gesture.proposerId) notify(tx, { userId, kind: "approval_needed", gestureId: gesture.id, message, now });
      }
    }
    return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false };
  });
}

export type BulkResult = { gestureId: number; customerName: string; ok: boolean; message: string };

/** Approves each selected proposal in its own transaction; one refusal does not stop the others. */
export function bulkApprove(db: DbOrTx, actor: GestureActor, items: { gestureId: number; version: number }[], now: Date): BulkResult[] {
  const currency = getOrganisation(db).currency;
  const results: BulkResult[] = [];
  const seen = new Set<number>();
  for (const item of items) {
    if (seen.has(item.gestureId)) continue;
    seen.add(item.gestureId);
    const row = db
      .select({ customerName: customers.name, amount: gestures.requestedAmount })
      .from(gestures)
      .innerJoin(customers, eq(customers.id, gestures.customerId))
      .where(eq(gestures.id, item.gestureId))
      .get();
    if (!row) {
      results.push({ gestureId: item.gestureId, customerName: `Proposal #${item.gestureId}`, ok: false, message: "This proposal does not exist." });
      continue;
    }
    try {
      const result = decideGesture(db, actor, { ...item, decision: "approve", comment: "" }, now);
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
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      results.push({ gestureId: item.gestureId, customerName: row.customerName, ok: false, message: error.message });
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Reading: my proposals, the approval queue, the detail page, a customer's history

const proposer = aliasedTable(users, "proposer");

export function listMyProposals(db: DbOrTx, actor: GestureActor, filter: { status?: GestureStatus; page: number; pageSize: number }) {
  requireProposer(actor);
  const where = and(eq(gestures.proposerId, actor.id), filter.status ? eq(gestures.status, filter.status) : undefined);
  const rows = db
    .select({
      id: gestures.id,
      status: gestures.status,
      occasion: gestures.occasion,
      amount: gestures.requestedAmount,
      approvedAmount: gestures.approvedAmount,
      approvedAtDiscretion: gestures.approvedAtDiscretion,
      createdAt: gestures.createdAt,
      submittedAt: gestures.submittedAt,
      updatedAt: gestures.updatedAt,
      customerId: customers.id,
      customerName: customers.name,
      typeName: gestureTypes.name,
      lastComment: sql<string | null>`(select d.comment from ${gestureDecisions} d where d.gesture_id = ${gestures.id} order by d.id desc limit 1)`,
      lastDecision: sql<string | null>`(select d.decision from ${gestureDecisions} d where d.gesture_id = ${gestures.id} order by d.id desc limit 1)`,
    })
    .from(gestures)
    .innerJoin(customers, eq(customers.id, gestures.customerId))
    .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
    .where(where)
    .orderBy(desc(gestures.updatedAt), desc(gestures.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .all();
  const total = db.select({ n: count() }).from(gestures).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** Branches whose managers delegated to `actorId` today (active delegations to this user). */
function delegatedBranchIds(db: DbOrTx, actorId: number, today: string): number[] {
  const manager = aliasedTable(users, "delegating_manager");
  return db
    .select({ branchId: manager.branchId })
    .from(delegations)
    .innerJoin(manager, eq(manager.id, delegations.managerId))
    .where(
      and(
        eq(delegations.delegateId, actorId),
        sql`${delegations.startsOn} <= ${today}`,
        sql`${delegations.endsOn} >= ${today}`,
        sql`${delegations.endedAt} is null`,
        eq(manager.active, true),
        eq(manager.role, "manager"),
        isNotNull(manager.branchId),
      ),
    )
    .all()
    .map((r) => r.branchId!)
    .filter((id, i, all) => all.indexOf(id) === i);
}

/** Which gestures the actor's queue holds (before the per-row decision right). */
function queueCondition(db: DbOrTx, actor: GestureActor, today: string): SQL | null {
  const branchIds = delegatedBranchIds(db, actor.id, today);
  if (actor.role === "manager" && actor.branchId !== null) branchIds.push(actor.branchId);
  const parts: SQL[] = [];
  if (branchIds.length > 0) {
    parts.push(and(eq(gestures.status, "submitted"), eq(gestures.approvalRoute, "branch"), inArray(gestures.branchId, branchIds))!);
  }
  if (actor.role === "finance") {
    parts.push(eq(gestures.status, "awaiting_finance"), and(eq(gestures.status, "submitted"), eq(gestures.approvalRoute, "finance"))!);
  }
  if (parts.length === 0) return null;
  return and(or(...parts), ne(gestures.proposerId, actor.id))!;
}

export type QueueRow = Awaited<ReturnType<typeof approvalQueue>>["rows"][number];

/** The proposals waiting for the actor's decision, oldest first, with what a decision needs. */
export function approvalQueue(db: DbOrTx, actor: GestureActor, input: { page: number; pageSize: number }, now: Date) {
  const { today, currency } = organisationFacts(db, now);
  const where = queueCondition(db, actor, today);
  if (!where) return { rows: [], total: 0, currency };
  const base = db
    .select({
      id: gestures.id,
      version: gestures.version,
      status: gestures.status,
      approvalRoute: gestures.approvalRoute,
      branchId: gestures.branchId,
      branchName: branches.name,
      proposerId: gestures.proposerId,
      proposerName: proposer.name,
      customerId: gestures.customerId,
      customerName: customers.name,
      occasion: gestures.occasion,
      typeName: gestureTypes.name,
      amount: gestures.requestedAmount,
      submittedAt: gestures.submittedAt,
      signalKind: signals.kind,
      signalOn: signals.occurredOn,
      signalSeverity: signals.severity,
    })
    .from(gestures)
    .innerJoin(customers, eq(customers.id, gestures.customerId))
    .innerJoin(branches, eq(branches.id, gestures.branchId))
    .innerJoin(proposer, eq(proposer.id, gestures.proposerId))
    .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
    .leftJoin(signals, eq(signals.id, gestures.signalId))
    .where(where)
    .orderBy(asc(gestures.submittedAt), asc(gestures.id))
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .all();
  const total = db.select({ n: count() }).from(gestures).where(where).get()?.n ?? 0;
  const policies = new Map<number, Policy>();
  const pools = new Map<number, { available: number; label: string } | null>();
  const rows = base.map((row) => {
    let policy = policies.get(row.branchId);
    if (!policy) policies.set(row.branchId, (policy = getEffectivePolicy(db, row.branchId).policy));
    if (!pools.has(row.branchId)) {
      const pool = currentPoolFor(db, row.branchId, now);
      pools.set(row.branchId, pool && pool.periodStatus === "open" ? { available: getPoolBalance(db, pool.id).available, label: pool.label } : null);
    }
    const pool = pools.get(row.branchId) ?? null;
    const right = decisionRight(db, actor, row, today, row.status === "awaiting_finance" ? managerApproverOf(db, row.id) : null);
    const level = right.allowed ? right.level : null;
    const goesToFinance = level === "manager" && needsSecondApproval(row.amount, policy);
    const totals = customerTwelveMonths(db, row.customerId, now, row.id);
    const isFinance = actor.role === "finance";
    return {
      id: row.id,
      version: row.version,
      status: row.status,
      branchName: row.branchName,
      proposerName: row.proposerName,
      customerId: row.customerId,
      customerName: row.customerName,
      occasion: row.occasion,
      occasionLabel: SIGNAL_KIND_LABELS[row.occasion],
      typeName: row.typeName,
      amount: row.amount,
      submittedAt: row.submittedAt,
      // Finance sees the occasion category only; branch approvers a summary of the signal (never its note).
      signal: !isFinance && row.signalKind ? { kind: SIGNAL_KIND_LABELS[row.signalKind], on: row.signalOn!, severity: row.signalSeverity! } : null,
      canDecide: right.allowed,
      refusal: right.allowed ? null : right.reason,
      level,
      goesToFinance,
      policyNote: customerCapNote(totals, row.amount, policy, currency),
      poolAvailable: pool?.available ?? null,
      poolLabel: pool?.label ?? null,
      availableAfter: pool && !goesToFinance ? pool.available - row.amount : null,
      covered: pool ? pool.available >= row.amount : false,
    };
  });
  return { rows, total, currency };
}

/** How many proposals wait for the actor (for the nav or the home page). */
export function approvalQueueCount(db: DbOrTx, actor: GestureActor, now: Date): number {
  const { today } = organisationFacts(db, now);
  const where = queueCondition(db, actor, today);
  return where ? (db.select({ n: count() }).from(gestures).where(where).get()?.n ?? 0) : 0;
}

/**
 * A proposal as the actor may see it: the proposer, staff and managers of its branch, whoever may
 * decide it now or decided it before, and finance (without the card message and the justification,
 * which may hold sensitive context). Anyone else: not found.
 */
export function viewGesture(db: DbOrTx, actor: GestureActor, gestureId: number, now: Date) {
  if (actor.role === "admin") throw new DomainError("FORBIDDEN", "Administrators do not see proposals.");
  // An approval past its expiry is expired (and its hold released) as it is read.
  expireIfDue(db, gestureId, now);
  const gesture = db.select().from(gestures).where(eq(gestures.id, gestureId)).get();
  if (!gesture) throw new DomainError("NOT_FOUND", "This proposal does not exist, or it is not yours to see.");
  const { today, timeZone } = organisationFacts(db, now);
  const managerApproverId = gesture.status === "awaiting_finance" ? managerApproverOf(db, gesture.id) : null;
  const right = decisionRight(db, actor, gesture, today, managerApproverId);
  const decisions = db
    .select({
      id: gestureDecisions.id,
      level: gestureDecisions.level,
      decision: gestureDecisions.decision,
      amount: gestureDecisions.amount,
      comment: gestureDecisions.comment,
      at: gestureDecisions.at,
      approverId: gestureDecisions.approverId,
      approverName: users.name,
      onBehalfOfName: sql<string | null>`(select u.name from ${users} u where u.id = ${gestureDecisions.onBehalfOfId})`,
    })
    .from(gestureDecisions)
    .innerJoin(users, eq(users.id, gestureDecisions.approverId))
    .where(eq(gestureDecisions.gestureId, gesture.id))
    .orderBy(asc(gestureDecisions.id))
    .all();
  const isFinance = actor.role === "finance";
  const ofBranch = (actor.role === "staff" || actor.role === "manager") && actor.branchId === gesture.branchId;
  const decidedBefore = decisions.some((d) => d.approverId === actor.id);
  const reapproval = reapprovalRight(db, actor, gesture, today);
  if (!isFinance && !ofBranch && !right.allowed && !decidedBefore && !reapproval.allowed) {
    throw new DomainError("NOT_FOUND", "This proposal does not exist, or it is not yours to see.");
  }
  const customer = db.select({ id: customers.id, name: customers.name, crmRef: customers.crmRef }).from(customers).where(eq(customers.id, gesture.customerId)).get()!;
  const branch = db.select({ name: branches.name }).from(branches).where(eq(branches.id, gesture.branchId)).get()!;
  const type = findGestureType(db, gesture.typeId)!;
  const signal =
    gesture.signalId && !isFinance
      ? (db.select({ id: signals.id, kind: signals.kind, occurredOn: signals.occurredOn, severity: signals.severity }).from(signals).where(eq(signals.id, gesture.signalId)).get() ?? null)
      : null;
  const isProposer = gesture.proposerId === actor.id;
  const { policy } = getEffectivePolicy(db, gesture.branchId);
  const pool = right.allowed ? currentPoolFor(db, gesture.branchId, now) : null;
  const poolAvailable = pool && pool.periodStatus === "open" ? getPoolBalance(db, pool.id).available : null;
  const receipt = latestReceipt(db, gesture.id);
  const personOfBranch = ofBranch;
  const openHold = openHoldOf(db, gesture.id);
  const namesOf = (id: number | null) => (id === null ? null : userName(db, id));
  return {
    // The organisation's today and the approval's local date bound the fulfilment date, so the
    // browser's date picker refuses what the server would refuse.
    fulfilmentDates: { earliest: gesture.approvedAt ? localDate(gesture.approvedAt, timeZone) : today, latest: today },
    gesture: {
      id: gesture.id,
      version: gesture.version,
      status: gesture.status,
      occasion: gesture.occasion,
      signalId: gesture.signalId,
      typeId: gesture.typeId,
      typeName: type.name,
      requestedAmount: gesture.requestedAmount,
      approvedAmount: gesture.approvedAmount,
      approvedAtDiscretion: gesture.approvedAtDiscretion,
      deliveryMethod: gesture.deliveryMethod,
      cardMessage: isFinance ? null : gesture.cardMessage,
      justification: isFinance ? null : gesture.justification,
      createdAt: gesture.createdAt,
      submittedAt: gesture.submittedAt,
      approvedAt: gesture.approvedAt,
      branchName: branch.name,
      proposerName: userName(db, gesture.proposerId),
      poolId: gesture.poolId,
      heldAmount: openHold?.amount ?? null,
      actualAmount: gesture.actualAmount,
      vendor: gesture.vendor,
      fulfilledOn: gesture.fulfilledOn,
      fulfilledAt: gesture.fulfilledAt,
      fulfilledByName: namesOf(gesture.fulfilledById),
      // The delivery note and the outcome note are staff's words about the customer: not for finance.
      fulfilmentNote: isFinance ? null : gesture.fulfilmentNote,
      cancelReason: isFinance ? null : gesture.cancelReason,
      cancelledByName: namesOf(gesture.cancelledById),
      endedAt: gesture.endedAt,
      outcome: gesture.outcome,
      outcomeNote: isFinance ? null : gesture.outcomeNote,
      outcomeRecordedAt: gesture.outcomeRecordedAt,
      outcomeRecordedByName: namesOf(gesture.outcomeRecordedById),
      expiresAt: gesture.status === "approved" && gesture.approvedAt ? approvalExpiresAt(gesture.approvedAt, policy.approvalExpiryDays, timeZone) : null,
      outcomeDueAt: gesture.status === "fulfilled" && gesture.fulfilledAt ? outcomeDueAt(gesture.fulfilledAt, policy.outcomeFollowUpDays, timeZone) : null,
    },
    receipt: receipt ? { id: receipt.id, mediaType: receipt.mediaType, size: receipt.size, originalName: receipt.originalName, uploadedAt: receipt.uploadedAt } : null,
    customer: { ...customer, canOpen: ofBranch },
    signal: signal ? { ...signal, label: SIGNAL_KIND_LABELS[signal.kind] } : null,
    decisions,
    policy: {
      discretionLimit: policy.discretionLimit,
      secondApprovalThreshold: policy.secondApprovalThreshold,
      varianceTolerancePercent: policy.varianceTolerancePercent,
      receiptRequiredAbove: policy.receiptRequiredAbove,
      approvalExpiryDays: policy.approvalExpiryDays,
    },
    can: {
      edit: isProposer && (gesture.status === "draft" || gesture.status === "returned"),
      withdraw: isProposer && WITHDRAWABLE.includes(gesture.status),
      fulfil: personOfBranch && gesture.status === "approved",
      cancel: personOfBranch && (gesture.status === "approved" || gesture.status === "needs_reapproval"),
      recordOutcome: personOfBranch && gesture.status === "fulfilled",
      reapprove: reapproval.allowed ? { level: reapproval.level } : null,
      decide: right.allowed ? { level: right.level, goesToFinance: right.level === "manager" && needsSecondApproval(gesture.requestedAmount, policy) } : null,
    },
    decideRefusal: right.allowed || isProposer ? null : gesture.status === "submitted" || gesture.status === "awaiting_finance" ? right.reason : null,
    poolAvailable,
  };
}

/** A customer's gestures (newest first) for the customer page; the caller checked the customer is the actor's. */
export function customerGestureHistory(db: DbOrTx, customerId: number, limit = 50) {
  return db
    .select({
      id: gestures.id,
      status: gestures.status,
      occasion: gestures.occasion,
      typeName: gestureTypes.name,
      amount: gestures.requestedAmount,
      approvedAmount: gestures.approvedAmount,
      actualAmount: gestures.actualAmount,
      fulfilledOn: gestures.fulfilledOn,
      outcome: gestures.outcome,
      createdAt: gestures.createdAt,
      submittedAt: gestures.submittedAt,
      proposerName: users.name,
    })
    .from(gestures)
    .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
    .innerJoin(users, eq(users.id, gestures.proposerId))
    .where(eq(gestures.customerId, customerId))
    .orderBy(desc(gestures.createdAt), desc(gestures.id))
    .limit(limit)
    .all();
}

/** What the proposal form needs for a customer of the actor's branch: signals (no notes), types, policy hints. */
export function proposalFormOptions(db: DbOrTx, actor: GestureActor, customerId: number, now: Date) {
  const branchId = requireProposer(actor);
  const customer = db.select().from(customers).where(eq(customers.id, customerId)).get();
  if (!customer || customer.branchId !== branchId) throw new DomainError("NOT_FOUND", "There is no such customer in your branch.");
  const recentSignals = db
    .select({ id: signals.id, kind: signals.kind, occurredOn: signals.occurredOn, severity: signals.severity })
    .from(signals)
    .where(eq(signals.customerId, customer.id))
    .orderBy(desc(signals.occurredOn), desc(signals.id))
    .limit(20)
    .all();
  const { policy } = getEffectivePolicy(db, branchId);
  const totals = customerTwelveMonths(db, customer.id, now);
  return {
    customer: {
      id: customer.id,
      name: customer.name,
      crmRef: customer.crmRef,
      hasAddress: Boolean(customer.deliveryAddress),
      doNotContact: customer.doNotContact,
      erased: customer.erasedAt !== null,
    },
    signals: recentSignals.map((s) => ({ ...s, label: SIGNAL_KIND_LABELS[s.kind] })),
    types: listGestureTypes(db).map((t) => ({ id: t.id, name: t.name, defaultAmount: t.defaultAmount, maxAmount: t.maxAmount, occasions: t.occasions })),
    policy: { discretionLimit: policy.discretionLimit, perGestureMax: policy.perGestureMax, customerCapAmount: policy.customerCapAmount, customerCapCount: policy.customerCapCount },
    customerTotals: totals,
  };
}

/** SQL: the customer (by `customerIdColumn`) is at their 12-month cap (amount or count) under the default policy of `policy`. */
export function customerAtCapCondition(customerIdColumn: SQL | typeof customers.id, policy: Pick<Policy, "customerCapAmount" | "customerCapCount">, now: Date): SQL {
  const since = twelveMonthsBefore(now).getTime();
  const statuses = sql.join(
    COUNTING_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  return sql`(select count(*) >= ${policy.customerCapCount} or coalesce(sum(case when g.status in ('fulfilled', 'closed') and g.actual_amount is not null then g.actual_amount when g.approved_amount is not null then g.approved_amount else g.requested_amount end), 0) >= ${policy.customerCapAmount}
    from ${gestures} g where g.customer_id = ${customerIdColumn} and g.status in (${statuses}) and g.submitted_at >= ${since})`;
}

/**
 * The lower bound of "the last 12 months": the same instant a calendar year earlier (from 29
 * February, 1 March). Not 365 days, which drops a day of the window whenever it spans a 29 February.
 */
export function twelveMonthsBefore(now: Date): Date {
  const since = new Date(now.getTime());
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return since;
}

