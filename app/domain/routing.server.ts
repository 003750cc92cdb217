// Who decides a submitted gesture. The manager-level decision belongs to the branch's active
// managers and to the delegates of those who are away; never to the proposer. When nobody in the
// branch may decide (a sole manager's own proposal, no active manager), it goes to finance.
// The finance-level decision belongs to finance, never to the proposer or the manager-level approver.
import { and, eq, inArray, isNull, lte, gte } from "drizzle-orm";
import { delegations, gestures, users, type ApprovalLevel, type ApprovalRoute, type Gesture, type Role } from "../../db/schema";
import type { DbOrTx } from "~/utils/db.server";

export type Approver = {
  userId: number;
  /** The manager this approver acts for (a delegate), or null when acting in their own right. */
  onBehalfOfId: number | null;
  /** A manager who delegated for today: may still decide, but is not notified. */
  away: boolean;
};

/** Active delegations of the given managers on `today` (ISO date), to active delegates. */
export function activeDelegations(db: DbOrTx, managerIds: number[], today: string) {
  if (managerIds.length === 0) return [];
  return db
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
      ),
    )
    .all();
}

/** Everyone who may take the manager-level decision for a gesture of `branchId` proposed by `proposerId`. */
export function managerLevelApprovers(db: DbOrTx, input: { branchId: number; proposerId: number }, today: string): Approver[] {
  const managers = db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.branchId, input.branchId), eq(users.role, "manager"), eq(users.active, true)))
    .all()
    .map((row) => row.id);
  const away = activeDelegations(db, managers, today);
  const approvers: Approver[] = [];
  for (const managerId of managers) {
    if (managerId === input.proposerId) continue;
    approvers.push({ userId: managerId, onBehalfOfId: null, away: away.some((d) => d.managerId === managerId) });
  }
  for (const delegation of away) {
    if (delegation.delegateId === input.proposerId) continue;
    if (approvers.some((a) => a.userId === delegation.delegateId)) continue;
    approvers.push({ userId: delegation.delegateId, onBehalfOfId: delegation.managerId, away: false });
  }
  return approvers;
}

/** Where the manager-level decision of a newly submitted gesture goes. */
export function routeFor(db: DbOrTx, input: { branchId: number; proposerId: number }, today: string): ApprovalRoute {
  return managerLevelApprovers(db, input, today).length > 0 ? "branch" : "finance";
}

export function activeFinanceUserIds(db: DbOrTx): number[] {
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "finance"), eq(users.active, true)))
    .all()
    .map((row) => row.id);
}

export type DecisionRight = { allowed: true; level: ApprovalLevel; onBehalfOfId: number | null } | { allowed: false; reason: string };

type DecidingActor = { id: number; role: Role; branchId: number | null };
type RoutedGesture = Pick<Gesture, "branchId" | "proposerId" | "status" | "approvalRoute">;

/**
 * Whether `actor` may approve, reject or return `gesture` now, at which level and for whom.
 * `managerApproverId` is who approved at manager level (for a gesture awaiting finance).
 */
export function decisionRight(
  db: DbOrTx,
  actor: DecidingActor,
  gesture: RoutedGesture,
  today: string,
  managerApproverId: number | null = null,
): DecisionRight {
  if (actor.id === gesture.proposerId) return { allowed: false, reason: "Nobody may decide on their own proposal." };
  if (gesture.status === "submitted") {
    if (gesture.approvalRoute === "finance") {
      return actor.role === "finance"
        ? { allowed: true, level: "manager", onBehalfOfId: null }
        : { allowed: false, reason: "This proposal was routed to finance because no manager of the branch may decide it." };
    }
    const approver = managerLevelApprovers(db, gesture, today).find((a) => a.userId === actor.id);
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
export function rerouteBranch(tx: DbOrTx, branchId: number, today: string, now: Date): { gestureId: number; route: ApprovalRoute }[] {
  const pending = tx
    .select({ id: gestures.id, proposerId: gestures.proposerId, route: gestures.approvalRoute })
    .from(gestures)
    .where(and(eq(gestures.branchId, branchId), eq(gestures.status, "submitted")))
    .all();
  const changed: { gestureId: number; route: ApprovalRoute }[] = [];
  for (const gesture of pending) {
    const route = routeFor(tx, { branchId, proposerId: gesture.proposerId }, today);
    if (route === gesture.route) continue;
    tx.update(gestures).set({ approvalRoute: route, updatedAt: now }).where(eq(gestures.id, gesture.id)).run();
    changed.push({ gestureId: gesture.id, route });
  }
  return changed;
}
