// Who decides a submitted gesture. The manager-level decision belongs to the branch's active
// managers and to the delegates of those who are away; never to the proposer. When nobody in the
// branch may decide (a sole manager's own proposal, no active manager), it goes to finance.
// The finance-level decision belongs to finance, never to the proposer or the manager-level approver.
import { and, eq, inArray, isNull, lte, gte } from "drizzle-orm";
import { branches, customers, delegations, gestures, users, type ApprovalLevel, type ApprovalRoute, type Gesture, type Role } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { gestureLabel, notify } from "../notifications/notifications.server";
import { getOrganisation } from "../core/organisation.server";
import { localDate } from "../core/dates";
import { writeTransaction } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";
import { mapInSeries } from "~/utils/in-series";

export type Approver = {
  userId: number;
  /** The manager this approver acts for (a delegate), or null when acting in their own right. */
  onBehalfOfId: number | null;
  /** A manager who delegated for today: may still decide, but is not notified. */
  away: boolean;
};

/** Who may be named a delegate: another manager (of any branch) or a finance user. */
export const DELEGATE_ROLES = ["manager", "finance"] as const satisfies readonly Role[];

/** Active delegations of the given managers on `today` (ISO date), to active delegates. */
export async function activeDelegations(db: DbOrTx, managerIds: number[], today: string) {
  if (managerIds.length === 0) return [];
  return await db
    .select({ managerId: delegations.managerId, delegateId: delegations.delegateId })
    .from(delegations)
    .innerJoin(users, eq(users.id, delegations.delegateId))
    .where(
      and(
        inArray(delegations.managerId, managerIds),
        lte(delegations.startsOn, today),
        gte(delegations.endsOn, today),
        isNull(delegations.endedAt),
        eq(users.active, true),
        // A delegate who has since become staff or an administrator holds no approval right.
        inArray(users.role, DELEGATE_ROLES),
      ),
    );
}

/** Everyone who may take the manager-level decision for a gesture of `branchId` proposed by `proposerId`. */
export async function managerLevelApprovers(db: DbOrTx, input: { branchId: number; proposerId: number }, today: string): Promise<Approver[]> {
  const managers = (
    await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.branchId, input.branchId), eq(users.role, "manager"), eq(users.active, true)))
  ).map((row) => row.id);
  const away = await activeDelegations(db, managers, today);
  const approvers: Approver[] = [];
  for (const managerId of managers) {
    if (managerId === input.proposerId) continue;
    // Away (not notified) only when a delegate covers for them on this proposal: a delegate who
    // proposed it cannot, so the manager is then told as usual.
    const covered = away.some((d) => d.managerId === managerId && d.delegateId !== input.proposerId);
    approvers.push({ userId: managerId, onBehalfOfId: null, away: covered });
  }
  for (const delegation of away) {
    if (delegation.delegateId === input.proposerId) continue;
    if (approvers.some((a) => a.userId === delegation.delegateId)) continue;
    approvers.push({ userId: delegation.delegateId, onBehalfOfId: delegation.managerId, away: false });
  }
  return approvers;
}

/**
 * A customer whom the CRM marks as staff of another branch, or connected to its staff: with the
 * connected-persons check on, only finance decides a gesture for them (their own branch may not
 * propose one at all; gesture-rules.ts refuses it).
 */
export function financeOnlyCustomer(input: { branchId: number; connectedBranchId: number | null }): boolean {
  return input.connectedBranchId !== null && input.connectedBranchId !== input.branchId;
}

/** Where the manager-level decision of a newly submitted gesture goes. */
export async function routeFor(db: DbOrTx, input: { branchId: number; proposerId: number }, today: string): Promise<ApprovalRoute> {
  return (await managerLevelApprovers(db, input, today)).length > 0 ? "branch" : "finance";
}

export async function activeFinanceUserIds(db: DbOrTx): Promise<number[]> {
  return (
    await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "finance"), eq(users.active, true)))
  ).map((row) => row.id);
}

export type DecisionRight = { allowed: true; level: ApprovalLevel; onBehalfOfId: number | null } | { allowed: false; reason: string };

type DecidingActor = { id: number; role: Role; branchId: number | null };
type RoutedGesture = Pick<Gesture, "branchId" | "proposerId" | "status" | "approvalRoute">;

/**
 * Whether `actor` may approve, reject or return `gesture` now, at which level and for whom.
 * `managerApproverId` is who approved at manager level (for a gesture awaiting finance).
 */
export async function decisionRight(db: DbOrTx, actor: DecidingActor, gesture: RoutedGesture, today: string, managerApproverId: number | null = null): Promise<DecisionRight> {
  if (actor.id === gesture.proposerId) return { allowed: false, reason: "Nobody may decide on their own proposal." };
  if (gesture.status === "submitted") {
    if (gesture.approvalRoute === "finance") {
      return actor.role === "finance"
        ? { allowed: true, level: "manager", onBehalfOfId: null }
        : { allowed: false, reason: "This proposal was routed to finance because no manager of the branch may decide it." };
    }
    const approver = (await managerLevelApprovers(db, gesture, today)).find((a) => a.userId === actor.id);
    return approver
      ? { allowed: true, level: "manager", onBehalfOfId: approver.onBehalfOfId }
      : { allowed: false, reason: "Only a manager of the proposal's branch, or their delegate, may decide it." };
  }
  if (gesture.status === "awaiting_finance") {
    if (actor.role !== "finance") return { allowed: false, reason: "This proposal is waiting for finance's second approval." };
    if (actor.id === managerApproverId) return { allowed: false, reason: "The second approval must come from someone other than the first approver." };
    return { allowed: true, level: "finance", onBehalfOfId: null };
  }
  return { allowed: false, reason: "This proposal is not waiting for a decision." };
}

/**
 * Re-routes the submitted gestures of a branch after its managers changed (deactivation, role or
 * branch change, a delegation started or ended). Returns the gestures whose route changed.
 */
export async function rerouteBranch(tx: DbOrTx, branchId: number, today: string, now: Date): Promise<{ gestureId: number; route: ApprovalRoute }[]> {
  const pending = await tx
    .select({ id: gestures.id, proposerId: gestures.proposerId, route: gestures.approvalRoute, connectedBranchId: customers.connectedBranchId })
    .from(gestures)
    .innerJoin(customers, eq(customers.id, gestures.customerId))
    .where(and(eq(gestures.branchId, branchId), eq(gestures.status, "submitted")));
  const changed: { gestureId: number; route: ApprovalRoute }[] = [];
  // The route depends only on the proposer, so each proposer's is worked out once.
  const routeOf = new Map<number, ApprovalRoute>();
  for (const gesture of pending) {
    // A connected person's gesture that went to finance stays there whoever manages the branch
    // (issue 22): submission routed it by the policy in force then, and finance is the stricter approver.
    if (gesture.route === "finance" && financeOnlyCustomer({ branchId, connectedBranchId: gesture.connectedBranchId })) continue;
    let route = routeOf.get(gesture.proposerId);
    if (!route) {
      route = await routeFor(tx, { branchId, proposerId: gesture.proposerId }, today);
      routeOf.set(gesture.proposerId, route);
    }
    if (route === gesture.route) continue;
    await tx.update(gestures).set({ approvalRoute: route, updatedAt: now }).where(eq(gestures.id, gesture.id));
    changed.push({ gestureId: gesture.id, route });
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Rerouting with its audit and notifications, for the callers that change who decides: user
// administration, delegations, and the job that notices delegations that lapsed overnight.

export type RerouteReason = "user_deactivated" | "user_reactivated" | "user_changed" | "delegation_created" | "delegation_ended" | "delegation_dates";

/** Above this many rerouted gestures for one person, the rest arrive as one summary notification. */
export const REROUTE_NOTIFY_CAP = 10;

const REROUTE_WHY: Record<ApprovalRoute, string> = {
  finance: "no manager of the branch can decide it now, so it has moved to finance",
  branch: "a manager of the branch (or their delegate) can decide it again, so it has moved back to the branch",
};

/**
 * Re-routes the submitted gestures of a branch inside the caller's transaction; writes one
 * `gesture.rerouted` audit event per gesture that changed route and notifies the approvers of its
 * new route (at most REROUTE_NOTIFY_CAP each, then one summary).
 */
export async function rerouteBranchAndNotify(
  tx: DbOrTx,
  input: { branchId: number; actorId: number | null; reason: RerouteReason },
  now: Date,
): Promise<{ gestureId: number; fromRoute: ApprovalRoute; toRoute: ApprovalRoute }[]> {
  const today = localDate(now, (await getOrganisation(tx)).timeZone);
  const changed = await rerouteBranch(tx, input.branchId, today, now);
  if (changed.length === 0) return [];
  const financeIds = changed.some((c) => c.route === "finance") ? await activeFinanceUserIds(tx) : [];
  const perRecipient = new Map<number, number[]>();
  const result = await mapInSeries(changed, async ({ gestureId, route }) => {
    const fromRoute: ApprovalRoute = route === "finance" ? "branch" : "finance";
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "gesture.rerouted",
      entity: "gesture",
      entityId: gestureId,
      detail: { fromRoute, toRoute: route, branchId: input.branchId, reason: input.reason },
      at: now,
    });
    const gesture = (await firstRow(tx.select({ proposerId: gestures.proposerId }).from(gestures).where(eq(gestures.id, gestureId)).limit(1)))!;
    const recipients =
      route === "finance"
        ? financeIds.filter((id) => id !== gesture.proposerId)
        : (await managerLevelApprovers(tx, { branchId: input.branchId, proposerId: gesture.proposerId }, today)).filter((a) => !a.away).map((a) => a.userId);
    for (const userId of recipients) perRecipient.set(userId, [...(perRecipient.get(userId) ?? []), gestureId]);
    return { gestureId, fromRoute, toRoute: route };
  });
  for (const [userId, gestureIds] of perRecipient) {
    for (const gestureId of gestureIds.slice(0, REROUTE_NOTIFY_CAP)) {
      const route = changed.find((c) => c.gestureId === gestureId)!.route;
      await notify(tx, {
        userId,
        kind: "approval_needed",
        gestureId,
        message: `${await gestureLabel(tx, gestureId)} needs your decision: ${REROUTE_WHY[route]}.`,
        now,
      });
    }
    const rest = gestureIds.length - REROUTE_NOTIFY_CAP;
    if (rest > 0) {
      await notify(tx, {
        userId,
        kind: "approval_needed",
        gestureId: null,
        subject: "More gestures are waiting for your approval",
        message: `${rest} more proposal${rest === 1 ? "" : "s"} of ${await branchName(tx, input.branchId)} now need${rest === 1 ? "s" : ""} your decision. They are in your approval queue.`,
        now,
      });
    }
  }
  return result;
}

async function branchName(tx: DbOrTx, branchId: number): Promise<string> {
  return (await firstRow(tx.select({ name: branches.name }).from(branches).where(eq(branches.id, branchId)).limit(1)))?.name ?? "the branch";
}

/**
 * Re-routes every branch with submitted gestures. Delegations start and end by the calendar, with
 * no request to react to: the jobs run this so that a proposal whose only approver was a delegate
 * whose delegation lapsed moves to finance instead of waiting for nobody. Returns how many moved.
 */
export async function rerouteAllBranches(db: Db, now: Date): Promise<number> {
  const branchIds = (await db.selectDistinct({ branchId: gestures.branchId }).from(gestures).where(eq(gestures.status, "submitted"))).map((row) => row.branchId);
  let moved = 0;
  for (const branchId of branchIds) {
    moved += await writeTransaction(db, async (tx) => (await rerouteBranchAndNotify(tx, { branchId, actorId: null, reason: "delegation_dates" }, now)).length);
  }
  return moved;
}
