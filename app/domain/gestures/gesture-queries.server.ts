// Reading gestures: my proposals, the approval queue (with what each decision needs: the right,
// the pool, the customer's cap), the detail page (viewGesture: what the actor may see of a gesture
// and what they may do with it), a customer's history and the options of the proposal form. The
// only write: viewGesture expires an approval past its expiry as it reads it (fulfilment.server.ts).
import { aliasedTable, and, asc, count, desc, eq, inArray, isNotNull, ne, or, sql, type SQL } from "drizzle-orm";
import { branches, customers, delegations, gestureDecisions, gestures, gestureTypes, signals, users, type GestureStatus, type Policy } from "../../../db/schema";
import type { DbOrTx } from "~/utils/db.server";
import { findGestureType, listGestureTypes } from "../policy/catalogue.server";
import { SIGNAL_KIND_LABELS } from "../customers/customer-rules";
import { DomainError } from "../core/errors";
import { tenureBandOn } from "../customers/tenure";
import { customerCapNote, hardshipWords, isLeftAlone, leftAloneUntil, needsSecondApproval } from "./gesture-rules";
import { formatMoney } from "../core/money";
import { getOrganisation } from "../core/organisation.server";
import { isOn } from "../policy/policy";
import { currentPoolFor, getPoolBalance } from "../budget/ledger.server";
import { approvalExpiresAt, outcomeDueAt } from "./fulfilment-rules";
import { expireIfDue, latestReceipt, openHoldOf, reapprovalRight } from "./fulfilment.server";
import {
  approverReasonNeeded,
  customerTwelveMonths,
  householdTwelveMonths,
  managerApproverOf,
  organisationFacts,
  recentHardshipSignal,
  requireProposer,
  userName,
  WITHDRAWABLE,
  type GestureActor,
} from "./gesture-record.server";
import { formatIsoDate, localDate } from "../core/dates";
import { getEffectivePolicy } from "../policy/policy.server";
import { decisionRight } from "../approvals/routing.server";
import { firstRow } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

const proposer = aliasedTable(users, "proposer");

export async function listMyProposals(db: DbOrTx, actor: GestureActor, filter: { status?: GestureStatus; page: number; pageSize: number }) {
  requireProposer(actor);
  const where = and(eq(gestures.proposerId, actor.id), filter.status ? eq(gestures.status, filter.status) : undefined);
  const rows = await db
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
    .offset((filter.page - 1) * filter.pageSize);
  const total = (await firstRow(db.select({ n: count() }).from(gestures).where(where).limit(1)))?.n ?? 0;
  return { rows, total };
}

/** Branches whose managers delegated to `actorId` today (active delegations to this user). */
async function delegatedBranchIds(db: DbOrTx, actorId: number, today: string): Promise<number[]> {
  const manager = aliasedTable(users, "delegating_manager");
  return (
    await db
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
  )
    .map((r) => r.branchId!)
    .filter((id, i, all) => all.indexOf(id) === i);
}

/** Which gestures the actor's queue holds (before the per-row decision right). */
async function queueCondition(db: DbOrTx, actor: GestureActor, today: string): Promise<SQL | null> {
  const branchIds = await delegatedBranchIds(db, actor.id, today);
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

/** The proposals waiting for the actor's decision, oldest first, with what a decision needs. */
export async function approvalQueue(db: DbOrTx, actor: GestureActor, input: { page: number; pageSize: number }, now: Date) {
  const { today, currency } = await organisationFacts(db, now);
  const where = await queueCondition(db, actor, today);
  if (!where) return { rows: [], total: 0, currency };
  const base = await db
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
    .offset((input.page - 1) * input.pageSize);
  const total = (await firstRow(db.select({ n: count() }).from(gestures).where(where).limit(1)))?.n ?? 0;
  const policies = new Map<number, Policy>();
  const pools = new Map<number, { available: number; label: string } | null>();
  const rows = await mapInSeries(base, async (row) => {
    let policy = policies.get(row.branchId);
    if (!policy) policies.set(row.branchId, (policy = (await getEffectivePolicy(db, row.branchId)).policy));
    if (!pools.has(row.branchId)) {
      const pool = await currentPoolFor(db, row.branchId, now);
      pools.set(row.branchId, pool && pool.periodStatus === "open" ? { available: (await getPoolBalance(db, pool.id)).available, label: pool.label } : null);
    }
    const pool = pools.get(row.branchId) ?? null;
    const right = await decisionRight(db, actor, row, today, row.status === "awaiting_finance" ? await managerApproverOf(db, row.id) : null);
    const level = right.allowed ? right.level : null;
    const goesToFinance = level === "manager" && needsSecondApproval(row.amount, policy);
    const totals = await customerTwelveMonths(db, row.customerId, now, row.id);
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

/**
 * A proposal as the actor may see it: the proposer, staff and managers of its branch, whoever may
 * decide it now or decided it before, and finance (without the card message and the justification,
 * which may hold sensitive context). Anyone else: not found.
 */
/**
 * Whether `actor` may see the gesture (its branch, finance, whoever may decide it or decided it
 * before, whoever may re-approve it), refusing as NOT_FOUND otherwise, with what the check read.
 * Actions that only need the answer (a POST, a receipt download) stop here instead of building
 * the whole page's view (issue 19: it was a tenth of an approval's cost).
 */
export async function authorizeGestureView(db: DbOrTx, actor: GestureActor, gestureId: number, now: Date) {
  if (actor.role === "admin") throw new DomainError("FORBIDDEN", "Administrators do not see proposals.");
  // An approval past its expiry is expired (and its hold released) as it is read.
  await expireIfDue(db, gestureId, now);
  const gesture = await firstRow(db.select().from(gestures).where(eq(gestures.id, gestureId)).limit(1));
  if (!gesture) throw new DomainError("NOT_FOUND", "This proposal does not exist, or it is not yours to see.");
  const { today, timeZone } = await organisationFacts(db, now);
  const managerApproverId = gesture.status === "awaiting_finance" ? await managerApproverOf(db, gesture.id) : null;
  const right = await decisionRight(db, actor, gesture, today, managerApproverId);
  const isFinance = actor.role === "finance";
  const ofBranch = (actor.role === "staff" || actor.role === "manager") && actor.branchId === gesture.branchId;
  const decidedBefore = async () =>
    (await firstRow(
      db
        .select({ id: gestureDecisions.id })
        .from(gestureDecisions)
        .where(and(eq(gestureDecisions.gestureId, gesture.id), eq(gestureDecisions.approverId, actor.id)))
        .limit(1),
    )) !== undefined;
  // Cheapest checks first: most people who open a gesture are of its branch or finance.
  const reapproval = await reapprovalRight(db, actor, gesture, today);
  if (!isFinance && !ofBranch && !right.allowed && !reapproval.allowed && !(await decidedBefore())) {
    throw new DomainError("NOT_FOUND", "This proposal does not exist, or it is not yours to see.");
  }
  return { gesture, today, timeZone, right, reapproval, isFinance, ofBranch };
}

export async function viewGesture(db: DbOrTx, actor: GestureActor, gestureId: number, now: Date) {
  const { gesture, today, timeZone, right, reapproval, isFinance, ofBranch } = await authorizeGestureView(db, actor, gestureId, now);
  const decisions = await db
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
    .orderBy(asc(gestureDecisions.id));
  const customer = (await firstRow(db.select({ id: customers.id, name: customers.name, crmRef: customers.crmRef }).from(customers).where(eq(customers.id, gesture.customerId)).limit(1)))!;
  const branch = (await firstRow(db.select({ name: branches.name }).from(branches).where(eq(branches.id, gesture.branchId)).limit(1)))!;
  const type = (await findGestureType(db, gesture.typeId))!;
  const signal =
    gesture.signalId && !isFinance
      ? (await firstRow(
          db.select({ id: signals.id, kind: signals.kind, occurredOn: signals.occurredOn, severity: signals.severity }).from(signals).where(eq(signals.id, gesture.signalId)).limit(1),
        )) ?? null
      : null;
  const isProposer = gesture.proposerId === actor.id;
  const { policy } = await getEffectivePolicy(db, gesture.branchId);
  const pool = right.allowed ? await currentPoolFor(db, gesture.branchId, now) : null;
  const poolAvailable = pool && pool.periodStatus === "open" ? (await getPoolBalance(db, pool.id)).available : null;
  const receipt = await latestReceipt(db, gesture.id);
  const personOfBranch = ofBranch;
  const openHold = await openHoldOf(db, gesture.id);
  const namesOf = async (id: number | null) => (id === null ? null : await userName(db, id));
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
      compensationOwed: gesture.compensationOwed,
      /** Set when the approver must write a reason (hardship, collections, dispute): says why. */
      approverReason: right.allowed ? await approverReasonNeeded(db, gesture, today) : null,
      cardMessage: isFinance ? null : gesture.cardMessage,
      justification: isFinance ? null : gesture.justification,
      createdAt: gesture.createdAt,
      submittedAt: gesture.submittedAt,
      approvedAt: gesture.approvedAt,
      branchName: branch.name,
      proposerName: await userName(db, gesture.proposerId),
      poolId: gesture.poolId,
      heldAmount: openHold?.amount ?? null,
      actualAmount: gesture.actualAmount,
      vendor: gesture.vendor,
      fulfilledOn: gesture.fulfilledOn,
      fulfilledAt: gesture.fulfilledAt,
      fulfilledByName: await namesOf(gesture.fulfilledById),
      // The delivery note and the outcome note are staff's words about the customer: not for finance.
      fulfilmentNote: isFinance ? null : gesture.fulfilmentNote,
      cancelReason: isFinance ? null : gesture.cancelReason,
      cancelledByName: await namesOf(gesture.cancelledById),
      endedAt: gesture.endedAt,
      outcome: gesture.outcome,
      askedNoGestures: gesture.askedNoGestures,
      outcomeNote: isFinance ? null : gesture.outcomeNote,
      outcomeRecordedAt: gesture.outcomeRecordedAt,
      outcomeRecordedByName: await namesOf(gesture.outcomeRecordedById),
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
export async function customerGestureHistory(db: DbOrTx, customerId: number, limit = 50) {
  return await db
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
      askedNoGestures: gestures.askedNoGestures,
      createdAt: gestures.createdAt,
      submittedAt: gestures.submittedAt,
      proposerName: users.name,
    })
    .from(gestures)
    .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
    .innerJoin(users, eq(users.id, gestures.proposerId))
    .where(eq(gestures.customerId, customerId))
    .orderBy(desc(gestures.createdAt), desc(gestures.id))
    .limit(limit);
}

/** What the proposal form needs for a customer of the actor's branch: signals (no notes), types, policy hints. */
export async function proposalFormOptions(db: DbOrTx, actor: GestureActor, customerId: number, now: Date) {
  const branchId = requireProposer(actor);
  const customer = await firstRow(db.select().from(customers).where(eq(customers.id, customerId)).limit(1));
  if (!customer || customer.branchId !== branchId) throw new DomainError("NOT_FOUND", "There is no such customer in your branch.");
  const recentSignals = await db
    .select({ id: signals.id, kind: signals.kind, occurredOn: signals.occurredOn, severity: signals.severity })
    .from(signals)
    .where(eq(signals.customerId, customer.id))
    .orderBy(desc(signals.occurredOn), desc(signals.id))
    .limit(20);
  const { policy } = await getEffectivePolicy(db, branchId);
  const totals = await customerTwelveMonths(db, customer.id, now);
  const { today, currency } = await organisationFacts(db, now);
  const org = await getOrganisation(db);
  const household = isOn(policy.householdCap) ? await householdTwelveMonths(db, customer.id, now) : { otherCustomers: 0, amount: 0, count: 0 };
  const hardship = await recentHardshipSignal(db, customer.id, today, policy.hardshipLookbackDays);
  const connectedBranch =
    isOn(policy.connectedPersonCheck) && customer.connectedBranchId !== null
      ? (await firstRow(db.select({ id: branches.id, name: branches.name }).from(branches).where(eq(branches.id, customer.connectedBranchId)).limit(1))) ?? null
      : null;
  const householdTotals = { amount: totals.amount + household.amount, count: totals.count + household.count };
  const lastResponse = await firstRow(
    db
      .select({ outcome: gestures.outcome, recordedAt: gestures.outcomeRecordedAt, askedNoGestures: gestures.askedNoGestures, typeName: gestureTypes.name })
      .from(gestures)
      .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
      .where(and(eq(gestures.customerId, customer.id), isNotNull(gestures.outcomeRecordedAt)))
      .orderBy(desc(gestures.outcomeRecordedAt))
      .limit(1),
  );
  const negativeOn = lastResponse?.outcome === "negative" && lastResponse.recordedAt ? localDate(lastResponse.recordedAt, org.timeZone) : null;
  return {
    customer: {
      id: customer.id,
      name: customer.name,
      crmRef: customer.crmRef,
      hasAddress: Boolean(customer.deliveryAddress),
      doNotContact: customer.doNotContact,
      erased: customer.erasedAt !== null,
      /** The groups what has worked is split by (issue 21): segment, and tenure band today. */
      segment: customer.segment,
      tenureBand: tenureBandOn(customer.customerSince, today),
    },
    signals: recentSignals.map((s) => ({ ...s, label: SIGNAL_KIND_LABELS[s.kind] })),
    types: (await listGestureTypes(db)).map((t) => ({ id: t.id, name: t.name, defaultAmount: t.defaultAmount, maxAmount: t.maxAmount, occasions: t.occasions })),
    policy: { discretionLimit: policy.discretionLimit, perGestureMax: policy.perGestureMax, customerCapAmount: policy.customerCapAmount, customerCapCount: policy.customerCapCount },
    customerTotals: totals,
    // The checks of issue 22, shown beside the fields they concern before anything is submitted.
    checks: {
      /** The connected person's own branch: no gesture at all. */
      connectedRefusal:
        connectedBranch && connectedBranch.id === branchId
          ? `The CRM marks this customer as staff of ${connectedBranch.name}, or connected to its staff; ${connectedBranch.name} cannot propose a gesture for them (policy: connected persons).`
          : null,
      /** Another branch's connected person: finance decides. */
      financeOnly:
        connectedBranch && connectedBranch.id !== branchId
          ? `The CRM marks this customer as staff of ${connectedBranch.name}, or connected to its staff: finance decides any gesture for them (policy: connected persons).`
          : null,
      hardship: hardship
        ? `${hardshipWords(hardship, today, policy.hardshipLookbackDays)}: any gesture needs a manager's approval with a written reason, whatever the amount. Write the reason here.`
        : null,
      household:
        household.otherCustomers > 0
          ? `${household.otherCustomers + 1} customers share this delivery address and count together toward the per-customer cap: ${householdTotals.count} gesture${
              householdTotals.count === 1 ? "" : "s"
            } worth ${formatMoney(householdTotals.amount, currency)} in the last 12 months (caps: ${policy.customerCapCount} gestures, ${formatMoney(policy.customerCapAmount, currency)}).`
          : null,
      redress: isOn(policy.redressCheck),
      complaintsProcessText: org.complaintsProcessText,
      /** The last recorded response was negative, recently enough that the policy leaves the customer alone (issue 21). */
      leaveAlone:
        negativeOn && isLeftAlone(negativeOn, today, policy.leaveAloneMonths)
          ? `This customer's last gesture (${lastResponse!.typeName}, response recorded on ${formatIsoDate(negativeOn)}) met a negative response, so the policy leaves them out of suggestions for ${
              policy.leaveAloneMonths === 1 ? "1 month" : `${policy.leaveAloneMonths} months`
            }, until ${formatIsoDate(leftAloneUntil(negativeOn, policy.leaveAloneMonths))}. Propose only if you know a gesture is welcome now.`
          : null,
    },
  };
}
