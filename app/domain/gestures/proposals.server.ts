// Proposing a gesture: propose (a draft, or submitted at once), edit, submit, withdraw. Submitting
// gathers the figures the policy checks need (gatherProposalFigures; the checks themselves are the
// pure gesture-rules.ts), then either approves at the proposer's discretion, placing the hold at
// once, or routes the proposal to a manager or to finance (routing.server.ts) and tells them.
// Deciding it is decisions.server.ts.
//
// Every transition is one function and one immediate transaction: it re-reads the gesture, checks
// its state, the actor's right and the policy, writes the hold (ledger.server.ts joins the
// transaction), the audit event and the notifications, and bumps the version. Illegal transitions
// throw a DomainError and change nothing.
//
// Idempotency: creation by the form's `createKey`; every other transition carries the version the
// user saw, and a replay of something already done answers "already done".
import { and, desc, eq, gte, inArray, ne, sql } from "drizzle-orm";
import { branches, customers, gestures, signals, type CompensationAnswer, type DeliveryMethod, type Gesture, type Occasion } from "../../../db/schema";
import { writeTransaction, type DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { findGestureType } from "../policy/catalogue.server";
import { DomainError } from "../core/errors";
import { approvalNeeds, COUNTING_STATUSES, GESTURE_STATUS_LABELS, isRedressOccasion, policyRefusals, withinDiscretion } from "./gesture-rules";
import { currentPoolFor, getPoolBalance, placeHold } from "../budget/ledger.server";
import {
  countedAmount,
  customerTwelveMonths,
  householdTwelveMonths,
  loadGesture,
  recentHardshipSignal,
  organisationFacts,
  requireProposer,
  staleVersion,
  userName,
  WITHDRAWABLE,
  type GestureActor,
  type TransitionResult,
} from "./gesture-record.server";
import { formatMoney } from "../core/money";
import { notify } from "../notifications/notifications.server";
import { localDate, startOfLocalDay } from "../core/dates";
import { getOrganisation } from "../core/organisation.server";
import { getEffectivePolicy } from "../policy/policy.server";
import { budgetAlertThresholds } from "../policy/policy";
import { raiseBudgetAlerts } from "../budget/budget-alerts.server";
import { activeFinanceUserIds, managerLevelApprovers, routeFor } from "../approvals/routing.server";
import { returnedRow, firstRow } from "~/utils/query.server";

export type ProposalInput = {
  occasion: Occasion;
  signalId?: number | null;
  typeId: number;
  /** null: the type's default amount. */
  amount: number | null;
  cardMessage: string;
  justification: string;
  deliveryMethod: DeliveryMethod;
  /** Asked on a complaint, service-failure or dispute occasion; ignored on others. */
  compensationOwed?: CompensationAnswer | null;
};

/** The answer kept: only where the question is asked. */
function compensationAnswer(input: ProposalInput): CompensationAnswer | null {
  return isRedressOccasion(input.occasion) ? input.compensationOwed ?? null : null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Propose, edit, submit

async function checkProposalInput(db: DbOrTx, customerId: number, input: ProposalInput) {
  const type = await findGestureType(db, input.typeId);
  if (!type) throw new DomainError("VALIDATION", "Choose a gesture from the list.", { field: "typeId" });
  if (input.signalId != null) {
    const signal = await firstRow(db.select({ customerId: signals.customerId }).from(signals).where(eq(signals.id, input.signalId)).limit(1));
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

async function loadCustomerForProposal(db: DbOrTx, branchId: number, customerId: number) {
  const customer = await firstRow(db.select().from(customers).where(eq(customers.id, customerId)).limit(1));
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
export async function proposeGesture(db: DbOrTx, actor: GestureActor, input: ProposeInput, now: Date): Promise<TransitionResult> {
  const branchId = requireProposer(actor);
  return await writeTransaction(db, async (tx) => {
    const existing = await firstRow(tx.select().from(gestures).where(eq(gestures.createKey, input.createKey)).limit(1));
    if (existing) {
      if (existing.proposerId !== actor.id) throw new DomainError("CONFLICT", "This form was already used. Reload the page and try again.");
      return { gestureId: existing.id, status: existing.status, version: existing.version, alreadyDone: true };
    }
    const customer = await loadCustomerForProposal(tx, branchId, input.customerId);
    checkDelivery(customer, input);
    const { amount } = await checkProposalInput(tx, customer.id, input);
    const created = await returnedRow(
      tx
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
          compensationOwed: compensationAnswer(input),
          status: "draft",
          createKey: input.createKey,
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.drafted",
      entity: "gesture",
      entityId: created.id,
      detail: { customerId: customer.id, branchId: customer.branchId, typeId: input.typeId, amount, status: "draft" },
      at: now,
    });
    if (!input.submit) return { gestureId: created.id, status: created.status, version: created.version, alreadyDone: false };
    return await submitInTransaction(tx, actor, created, now);
  });
}

export type EditInput = ProposalInput & { gestureId: number; version: number; submit: boolean };

/** The proposer edits a draft or a returned proposal, and saves it or (re)submits it. */
export async function editProposal(db: DbOrTx, actor: GestureActor, input: EditInput, now: Date): Promise<TransitionResult> {
  const branchId = requireProposer(actor);
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
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
    checkDelivery(await loadCustomerForProposal(tx, branchId, gesture.customerId), input);
    const { amount } = await checkProposalInput(tx, gesture.customerId, input);
    const updated = await returnedRow(
      tx
        .update(gestures)
        .set({
          occasion: input.occasion,
          signalId: input.signalId ?? null,
          typeId: input.typeId,
          requestedAmount: amount,
          cardMessage: input.cardMessage,
          justification: input.justification,
          deliveryMethod: input.deliveryMethod,
          compensationOwed: compensationAnswer(input),
          version: gesture.version + 1,
          updatedAt: now,
        })
        .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.edited",
      entity: "gesture",
      entityId: gesture.id,
      detail: { typeId: input.typeId, amount, status: gesture.status, version: updated.version },
      at: now,
    });
    if (!input.submit) return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false };
    return await submitInTransaction(tx, actor, updated, now);
  });
}

/** Submits a draft or a returned proposal as it stands. */
export async function submitGesture(db: DbOrTx, actor: GestureActor, input: { gestureId: number; version: number }, now: Date): Promise<TransitionResult> {
  requireProposer(actor);
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
    if (gesture.proposerId !== actor.id) throw new DomainError("FORBIDDEN", "Only the person who proposed it may submit a proposal.");
    if (gesture.version !== input.version) {
      if (["submitted", "awaiting_finance", "approved"].includes(gesture.status)) {
        return { gestureId: gesture.id, status: gesture.status, version: gesture.version, alreadyDone: true };
      }
      throw staleVersion(gesture);
    }
    return await submitInTransaction(tx, actor, gesture, now);
  });
}

/** The figures the policy checks need, gathered inside the transaction. */
export async function gatherProposalFigures(tx: DbOrTx, gesture: Gesture, now: Date) {
  const { currency, timeZone, today } = await organisationFacts(tx, now);
  const { complaintsProcessText } = await getOrganisation(tx);
  const { policy } = await getEffectivePolicy(tx, gesture.branchId);
  const type = (await findGestureType(tx, gesture.typeId))!;
  const customer = (await firstRow(tx.select().from(customers).where(eq(customers.id, gesture.customerId)).limit(1)))!;
  const branch = (await firstRow(tx.select({ name: branches.name }).from(branches).where(eq(branches.id, gesture.branchId)).limit(1)))!;
  const duplicate = await firstRow(
    tx
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
      .limit(1),
  );
  const monthStart = startOfLocalDay(`${today.slice(0, 8)}01`, timeZone);
  const staffMonth = await firstRow(
    tx
      .select({ amount: countedAmount })
      .from(gestures)
      .where(and(eq(gestures.proposerId, gesture.proposerId), inArray(gestures.status, [...COUNTING_STATUSES]), gte(gestures.submittedAt, monthStart), ne(gestures.id, gesture.id)))
      .limit(1),
  );
  const pool = await currentPoolFor(tx, gesture.branchId, now);
  return {
    figures: {
      policy,
      currency,
      amount: gesture.requestedAmount,
      occasion: gesture.occasion,
      justification: gesture.justification,
      type: { name: type.name, maxAmount: type.maxAmount, active: type.active, occasions: type.occasions },
      customer: {
        doNotContact: customer.doNotContact,
        erased: customer.erasedAt !== null,
        connectedBranchId: customer.connectedBranchId,
        connectedBranchName:
          customer.connectedBranchId === null ? null : (await firstRow(tx.select({ name: branches.name }).from(branches).where(eq(branches.id, customer.connectedBranchId)).limit(1)))?.name ?? null,
      },
      customerTwelveMonths: await customerTwelveMonths(tx, gesture.customerId, now, gesture.id),
      household: await householdTwelveMonths(tx, gesture.customerId, now, gesture.id),
      branchId: gesture.branchId,
      today,
      hardship: await recentHardshipSignal(tx, gesture.customerId, today, policy.hardshipLookbackDays),
      compensationOwed: gesture.compensationOwed,
      complaintsProcessText,
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

async function submitInTransaction(tx: DbOrTx, actor: GestureActor, gesture: Gesture, now: Date): Promise<TransitionResult> {
  if (gesture.status !== "draft" && gesture.status !== "returned") {
    throw new DomainError("INVALID_STATE", `This proposal is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; only a draft or a returned proposal can be submitted.`);
  }
  const { figures, pool, today, currency } = await gatherProposalFigures(tx, gesture, now);
  const refusals = policyRefusals(figures);
  if (refusals.length > 0) {
    const fields = new Set(refusals.map((r) => r.field));
    throw new DomainError("POLICY_VIOLATION", refusals.map((r) => r.message).join(" "), {
      field: fields.size === 1 ? refusals[0]!.field : undefined,
    });
  }
  const amount = gesture.requestedAmount;
  const available = pool ? (await getPoolBalance(tx, pool.id)).available : 0;
  const nextVersion = gesture.version + 1;
  const proposerName = await userName(tx, gesture.proposerId);
  const typeName = (await findGestureType(tx, gesture.typeId))!.name;
  const needs = approvalNeeds(figures);

  if (pool && !needs.noDiscretion && withinDiscretion(amount, figures.policy) && available >= amount) {
    if (amount > 0) {
      await placeHold(tx, { id: actor.id }, { poolId: pool.id, gestureId: gesture.id, amount, memo: `Gesture #${gesture.id}`, idempotencyKey: `gesture:${gesture.id}:hold:v${nextVersion}`, now });
      await raiseBudgetAlerts(tx, pool.id, budgetAlertThresholds(figures.policy), now);
    }
    const updated = await returnedRow(
      tx
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
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "gesture.approved_at_discretion",
      entity: "gesture",
      entityId: gesture.id,
      detail: { from: gesture.status, to: "approved", amount, poolId: pool.id, level: "discretion" },
      at: now,
    });
    return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false };
  }

  const route = needs.financeOnly ? "finance" : await routeFor(tx, { branchId: gesture.branchId, proposerId: gesture.proposerId }, today);
  const updated = await returnedRow(
    tx
      .update(gestures)
      .set({ status: "submitted", approvalRoute: route, submittedAt: now, version: nextVersion, updatedAt: now })
      .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
      .returning(),
  );
  await recordAudit(tx, {
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
      ? (await managerLevelApprovers(tx, { branchId: gesture.branchId, proposerId: gesture.proposerId }, today)).filter((a) => !a.away).map((a) => a.userId)
      : (await activeFinanceUserIds(tx)).filter((id) => id !== gesture.proposerId);
  for (const userId of recipients) await notify(tx, { userId, kind: "approval_needed", gestureId: gesture.id, message, now });

  let warning: string | undefined;
  if (needs.financeOnly) {
    warning = `The CRM marks this customer as staff of ${
      figures.customer.connectedBranchName ?? "another branch"
    }, or connected to its staff, so finance decides this proposal (policy: connected persons).`;
  } else if (needs.approverReason && withinDiscretion(amount, figures.policy)) {
    warning = `This customer has a recent hardship, collections or dispute signal, so a manager approves this proposal, whatever the amount.`;
  } else if (pool && withinDiscretion(amount, figures.policy) && available < amount) {
    warning = `The pool has ${formatMoney(available, currency)} available, not enough to approve this at your discretion, so it went to ${route === "branch" ? "a manager" : "finance"}.`;
  } else if (pool) {
    const pending = await firstRow(
      tx
        .select({ total: sql<number>`coalesce(sum(${gestures.requestedAmount}), 0)` })
        .from(gestures)
        .where(and(eq(gestures.branchId, gesture.branchId), inArray(gestures.status, ["submitted", "awaiting_finance"])))
        .limit(1),
    );
    const pendingTotal = Number(pending?.total ?? 0);
    if (pendingTotal > available) {
      warning = `Proposals waiting for approval in ${figures.branchName} add up to ${formatMoney(pendingTotal, currency)}, more than the ${formatMoney(
        available,
        currency,
      )} the pool has available; some may be refused.`;
    }
  }
  return { gestureId: updated.id, status: updated.status, version: updated.version, alreadyDone: false, warning };
}

// ---------------------------------------------------------------------------------------------
// Withdraw

/** The proposer takes back a proposal that is waiting (or returned). No money was held yet. */
export async function withdrawGesture(db: DbOrTx, actor: GestureActor, input: { gestureId: number; version: number }, now: Date): Promise<TransitionResult> {
  return await writeTransaction(db, async (tx) => {
    const gesture = await loadGesture(tx, input.gestureId);
    if (gesture.proposerId !== actor.id) throw new DomainError("FORBIDDEN", "Only the person who proposed it may withdraw a proposal.");
    if (gesture.version !== input.version) {
      if (gesture.status === "withdrawn") return { gestureId: gesture.id, status: gesture.status, version: gesture.version, alreadyDone: true };
      throw staleVersion(gesture);
    }
    if (!WITHDRAWABLE.includes(gesture.status)) {
      throw new DomainError("INVALID_STATE", `This proposal is ${GESTURE_STATUS_LABELS[gesture.status].toLowerCase()}; only a proposal waiting for a decision or returned to you can be withdrawn.`);
    }
    const updated = await returnedRow(
      tx
        .update(gestures)
        .set({ status: "withdrawn", approvalRoute: null, version: gesture.version + 1, updatedAt: now, decidedAt: now })
        .where(and(eq(gestures.id, gesture.id), eq(gestures.version, gesture.version)))
        .returning(),
    );
    await recordAudit(tx, {
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
