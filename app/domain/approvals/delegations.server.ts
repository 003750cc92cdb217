// Delegation: a manager away names another manager (of any branch) or a finance user to take their
// approvals for a range of dates. While it lasts the manager keeps their authority but is not
// notified; the delegate decides for the manager's branch (never their own proposal). Who decides
// what is worked out by app/domain/approvals/routing.server.ts; this module keeps the delegations themselves.
import { aliasedTable, and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, ne, or } from "drizzle-orm";
import { branches, delegations, gestures, users, type Delegation, type Role } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { addDays, daysBetween } from "../core/dates";
import { delegationRange, delegationStatus, MAX_DELEGATION_DAYS } from "./delegation-schemas";
import { DomainError } from "../core/errors";
import { notify } from "../notifications/notifications.server";
import { getOrganisation } from "../core/organisation.server";
import { can } from "../core/permissions";
import { formatIsoDate, localDate } from "../core/dates";
import { DELEGATE_ROLES, rerouteBranchAndNotify, type RerouteReason } from "./routing.server";
import { writeTransaction } from "~/utils/db.server";
import { firstRow, returnedRow } from "~/utils/query.server";
import { flatMapInSeries } from "~/utils/in-series";

export type DelegationActor = { id: number; role: Role };

async function todayIn(tx: DbOrTx, now: Date): Promise<string> {
  return localDate(now, (await getOrganisation(tx)).timeZone);
}

/** The signed-in manager as the database knows them now (active, a manager, with a branch). */
async function requireDelegatingManager(tx: DbOrTx, actor: DelegationActor) {
  if (!can(actor.role, "gestures:delegate")) throw new DomainError("FORBIDDEN", "Only branch managers delegate their approvals.");
  const manager = await firstRow(
    tx.select({ id: users.id, name: users.name, email: users.email, role: users.role, active: users.active, branchId: users.branchId }).from(users).where(eq(users.id, actor.id)).limit(1),
  );
  if (!manager || !manager.active || manager.role !== "manager" || manager.branchId === null) {
    throw new DomainError("FORBIDDEN", "Only active branch managers delegate their approvals.");
  }
  return { ...manager, branchId: manager.branchId };
}

export type EligibleDelegate = { id: number; name: string; role: Role; branchName: string | null; group: "branch" | "finance" | "other" };

/**
 * Who a manager may name: the other active managers (their own branch's first, then the other
 * branches') and the active finance users.
 */
export async function eligibleDelegates(db: DbOrTx, actor: DelegationActor): Promise<EligibleDelegate[]> {
  const self = await firstRow(db.select({ branchId: users.branchId }).from(users).where(eq(users.id, actor.id)).limit(1));
  const rows = await db
    .select({ id: users.id, name: users.name, role: users.role, branchId: users.branchId, branchName: branches.name })
    .from(users)
    .leftJoin(branches, eq(branches.id, users.branchId))
    .where(and(eq(users.active, true), inArray(users.role, DELEGATE_ROLES), ne(users.id, actor.id)))
    .orderBy(asc(branches.name), asc(users.name), asc(users.id));
  const groupOf = (row: (typeof rows)[number]): EligibleDelegate["group"] => (row.role === "finance" ? "finance" : row.branchId === self?.branchId ? "branch" : "other");
  const order = { branch: 0, finance: 1, other: 2 } as const;
  return rows.map((row) => ({ id: row.id, name: row.name, role: row.role, branchName: row.branchName, group: groupOf(row) })).sort((a, b) => order[a.group] - order[b.group]);
}

/** Submitted gestures of a branch that a delegate now decides (all but their own proposals). */
async function pendingForDelegate(tx: DbOrTx, branchId: number, delegateId: number): Promise<number> {
  return (
    (
      await firstRow(
        tx
          .select({ n: count() })
          .from(gestures)
          .where(and(eq(gestures.branchId, branchId), eq(gestures.status, "submitted"), eq(gestures.approvalRoute, "branch"), ne(gestures.proposerId, delegateId)))
          .limit(1),
      )
    )?.n ?? 0
  );
}

async function branchNameOf(tx: DbOrTx, branchId: number | null): Promise<string> {
  if (branchId === null) return "their branch";
  return (await firstRow(tx.select({ name: branches.name }).from(branches).where(eq(branches.id, branchId)).limit(1)))?.name ?? "their branch";
}

/**
 * Tells the delegate that a delegation has started: one notification with the number of proposals
 * now theirs, never one per proposal. Sent once per delegation (the dedupe key).
 */
async function notifyDelegationStarted(
  tx: DbOrTx,
  delegation: Pick<Delegation, "id" | "delegateId" | "startsOn" | "endsOn">,
  manager: { name: string; branchId: number },
  now: Date,
): Promise<boolean> {
  const branch = await branchNameOf(tx, manager.branchId);
  const pending = await pendingForDelegate(tx, manager.branchId, delegation.delegateId);
  const waiting =
    pending === 0
      ? `Nothing of ${branch} is waiting for a decision right now.`
      : `${pending} proposal${pending === 1 ? " of " + branch + " is" : "s of " + branch + " are"} waiting for a decision in your approval queue.`;
  const id = await notify(tx, {
    userId: delegation.delegateId,
    kind: "approval_needed",
    gestureId: null,
    subject: `You approve for ${manager.name} from ${delegationRange(delegation)}`,
    message: `You approve for ${manager.name} (${branch}) from ${delegationRange(delegation)}. ${waiting}`,
    dedupeKey: `delegation_start:${delegation.id}`,
    now,
  });
  return id !== null;
}

export type CreateDelegationInput = { delegateId: number; startsOn: string; endsOn: string };

/** Names a delegate for a range of dates. Audited; when it starts today, proposals reroute and the delegate is told at once. */
export async function createDelegation(db: Db, actor: DelegationActor, input: CreateDelegationInput, now: Date): Promise<Delegation> {
  return await writeTransaction(db, async (tx) => {
    const manager = await requireDelegatingManager(tx, actor);
    const today = await todayIn(tx, now);
    if (input.delegateId === manager.id) {
      throw new DomainError("VALIDATION", "Choose someone else: you cannot delegate to yourself.", { field: "delegateId" });
    }
    const delegate = await firstRow(
      tx.select({ id: users.id, name: users.name, email: users.email, role: users.role, active: users.active }).from(users).where(eq(users.id, input.delegateId)).limit(1),
    );
    if (!delegate || !delegate.active || !(DELEGATE_ROLES as readonly Role[]).includes(delegate.role)) {
      throw new DomainError("VALIDATION", "Choose an active manager or finance user from the list.", { field: "delegateId" });
    }
    if (input.startsOn < today) {
      throw new DomainError("VALIDATION", `The first day cannot be in the past: today is ${formatIsoDate(today)}.`, { field: "startsOn" });
    }
    if (input.endsOn < input.startsOn) {
      throw new DomainError("VALIDATION", "The last day cannot be before the first day.", { field: "endsOn" });
    }
    if (daysBetween(input.startsOn, input.endsOn) + 1 > MAX_DELEGATION_DAYS) {
      throw new DomainError("VALIDATION", `A delegation lasts at most ${MAX_DELEGATION_DAYS} days. Choose an earlier last day.`, { field: "endsOn" });
    }
    const overlapping = await firstRow(
      tx
        .select({ startsOn: delegations.startsOn, endsOn: delegations.endsOn, delegateName: users.name })
        .from(delegations)
        .innerJoin(users, eq(users.id, delegations.delegateId))
        .where(and(eq(delegations.managerId, manager.id), isNull(delegations.endedAt), lte(delegations.startsOn, input.endsOn), gte(delegations.endsOn, input.startsOn)))
        .limit(1),
    );
    if (overlapping) {
      throw new DomainError("CONFLICT", `These dates overlap your delegation to ${overlapping.delegateName} from ${delegationRange(overlapping)}. End that one first, or choose other dates.`, {
        field: "startsOn",
      });
    }
    const created = await returnedRow(tx.insert(delegations).values({ managerId: manager.id, delegateId: delegate.id, startsOn: input.startsOn, endsOn: input.endsOn, createdAt: now }).returning());
    await recordAudit(tx, {
      actorId: actor.id,
      action: "delegation.create",
      entity: "delegation",
      entityId: created.id,
      detail: {
        managerId: manager.id,
        manager: manager.email,
        delegateId: delegate.id,
        delegate: delegate.email,
        startsOn: created.startsOn,
        endsOn: created.endsOn,
      },
      at: now,
    });
    if (created.startsOn === today) {
      await rerouteBranchAndNotify(tx, { branchId: manager.branchId, actorId: actor.id, reason: "delegation_created" }, now);
      await notifyDelegationStarted(tx, created, manager, now);
    } else {
      await notify(tx, {
        userId: delegate.id,
        kind: "approval_needed",
        gestureId: null,
        subject: `${manager.name} named you as their delegate`,
        message: `${manager.name} (${await branchNameOf(tx, manager.branchId)}) named you to approve for them from ${delegationRange(created)}. You will be told again when it starts.`,
        now,
      });
    }
    return created;
  });
}

/** Ends a current delegation now, or cancels an upcoming one. Only its manager may; audited. */
export async function endDelegation(db: Db, actor: DelegationActor, input: { delegationId: number }, now: Date): Promise<Delegation> {
  return await writeTransaction(db, async (tx) => {
    const manager = await requireDelegatingManager(tx, actor);
    const delegation = await firstRow(
      tx
        .select()
        .from(delegations)
        .where(and(eq(delegations.id, input.delegationId), eq(delegations.managerId, manager.id)))
        .limit(1),
    );
    if (!delegation) throw new DomainError("NOT_FOUND", "This delegation does not exist.");
    const today = await todayIn(tx, now);
    const status = delegationStatus(delegation, today);
    if (status === "ended" || status === "past") throw new DomainError("INVALID_STATE", "This delegation has already ended.");
    const ended = await returnedRow(tx.update(delegations).set({ endedAt: now }).where(eq(delegations.id, delegation.id)).returning());
    const delegate = await firstRow(tx.select({ email: users.email }).from(users).where(eq(users.id, delegation.delegateId)).limit(1));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "delegation.end",
      entity: "delegation",
      entityId: delegation.id,
      detail: {
        managerId: manager.id,
        manager: manager.email,
        delegateId: delegation.delegateId,
        delegate: delegate?.email ?? null,
        startsOn: delegation.startsOn,
        endsOn: delegation.endsOn,
        endedOn: today,
        wasUpcoming: status === "upcoming",
        reason: "ended_by_manager",
      },
      at: now,
    });
    if (status === "current") await rerouteBranchAndNotify(tx, { branchId: manager.branchId, actorId: actor.id, reason: "delegation_ended" }, now);
    await notify(tx, {
      userId: delegation.delegateId,
      kind: "approval_needed",
      gestureId: null,
      subject: `${manager.name} ended your delegation`,
      message:
        status === "upcoming"
          ? `${manager.name} cancelled the delegation from ${delegationRange(delegation)}: you will not approve for them.`
          : `${manager.name} is back and ended the delegation early: you no longer approve for them.`,
      now,
    });
    return ended;
  });
}

/**
 * Ends the delegations that can no longer work after an administrator changed a user: those the
 * user gave as a manager (`asManager`), and those they hold as a delegate (`asDelegate`). Each is
 * audited and the other person told. Returns the branches whose routing may have changed; the
 * caller reroutes them in the same transaction.
 */
export async function endDelegationsOfUser(
  tx: DbOrTx,
  input: { userId: number; asManager: boolean; asDelegate: boolean; actorId: number; reason: "user_deactivated" | "user_changed" },
  now: Date,
): Promise<number[]> {
  if (!input.asManager && !input.asDelegate) return [];
  const today = await todayIn(tx, now);
  const manager = aliasedTable(users, "manager");
  const delegate = aliasedTable(users, "delegate");
  const roleFilters = [...(input.asManager ? [eq(delegations.managerId, input.userId)] : []), ...(input.asDelegate ? [eq(delegations.delegateId, input.userId)] : [])];
  const open = await tx
    .select({
      id: delegations.id,
      managerId: delegations.managerId,
      delegateId: delegations.delegateId,
      startsOn: delegations.startsOn,
      endsOn: delegations.endsOn,
      managerName: manager.name,
      managerEmail: manager.email,
      managerBranchId: manager.branchId,
      delegateName: delegate.name,
      delegateEmail: delegate.email,
    })
    .from(delegations)
    .innerJoin(manager, eq(manager.id, delegations.managerId))
    .innerJoin(delegate, eq(delegate.id, delegations.delegateId))
    .where(and(or(...roleFilters), isNull(delegations.endedAt), gte(delegations.endsOn, today)));
  const affected = new Set<number>();
  for (const delegation of open) {
    await tx.update(delegations).set({ endedAt: now }).where(eq(delegations.id, delegation.id));
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "delegation.end",
      entity: "delegation",
      entityId: delegation.id,
      detail: {
        managerId: delegation.managerId,
        manager: delegation.managerEmail,
        delegateId: delegation.delegateId,
        delegate: delegation.delegateEmail,
        startsOn: delegation.startsOn,
        endsOn: delegation.endsOn,
        endedOn: today,
        wasUpcoming: delegation.startsOn > today,
        reason: input.reason,
      },
      at: now,
    });
    if (delegation.managerBranchId !== null) affected.add(delegation.managerBranchId);
    // Tell the one who stays: the manager whose delegate left, or the delegate whose manager left.
    const managerLeft = delegation.managerId === input.userId;
    await notify(tx, {
      userId: managerLeft ? delegation.delegateId : delegation.managerId,
      kind: "approval_needed",
      gestureId: null,
      subject: "A delegation ended",
      message: managerLeft
        ? `Your delegation for ${delegation.managerName} (${delegationRange(delegation)}) ended because their account changed: you no longer approve for them.`
        : `Your delegation to ${delegation.delegateName} (${delegationRange(
            delegation,
          )}) ended because their account changed. Your proposals to decide come to you again; name another delegate if you are away.`,
      now,
    });
  }
  return [...affected];
}

/** Reroutes the given branches after a user change, in the caller's transaction. */
export async function rerouteBranches(tx: DbOrTx, branchIds: Iterable<number>, actorId: number, reason: RerouteReason, now: Date) {
  return await flatMapInSeries([...new Set(branchIds)], async (branchId) => await rerouteBranchAndNotify(tx, { branchId, actorId, reason }, now));
}

export const DELEGATIONS_PAGE_SIZE = 25;

const delegateUser = aliasedTable(users, "delegate_user");
const delegateBranch = aliasedTable(branches, "delegate_branch");

function delegationRows(db: DbOrTx) {
  return db
    .select({
      id: delegations.id,
      startsOn: delegations.startsOn,
      endsOn: delegations.endsOn,
      endedAt: delegations.endedAt,
      createdAt: delegations.createdAt,
      delegateName: delegateUser.name,
      delegateRole: delegateUser.role,
      delegateActive: delegateUser.active,
      delegateBranchName: delegateBranch.name,
    })
    .from(delegations)
    .innerJoin(delegateUser, eq(delegateUser.id, delegations.delegateId))
    .leftJoin(delegateBranch, eq(delegateBranch.id, delegateUser.branchId));
}

/**
 * The manager's delegations: current and upcoming ones (few: they cannot overlap), the past a page
 * at a time, and the managers the user currently approves for.
 */
export async function listDelegations(db: Db, actor: DelegationActor, input: { page: number; pageSize?: number }, now: Date) {
  const pageSize = input.pageSize ?? DELEGATIONS_PAGE_SIZE;
  const today = await todayIn(db, now);
  const open = (
    await delegationRows(db)
      .where(and(eq(delegations.managerId, actor.id), isNull(delegations.endedAt), gte(delegations.endsOn, today)))
      .orderBy(asc(delegations.startsOn))
  ).map((row) => ({ ...row, status: delegationStatus(row, today) }));
  const pastWhere = and(eq(delegations.managerId, actor.id), or(isNotNull(delegations.endedAt), lt(delegations.endsOn, today)));
  const past = (
    await delegationRows(db)
      .where(pastWhere)
      .orderBy(desc(delegations.startsOn), desc(delegations.id))
      .limit(pageSize + 1)
      .offset((input.page - 1) * pageSize)
  ).map((row) => ({ ...row, status: delegationStatus(row, today) }));
  const pastTotal = (await firstRow(db.select({ n: count() }).from(delegations).where(pastWhere).limit(1)))?.n ?? 0;
  const manager = aliasedTable(users, "covered_manager");
  const coveringFor = (
    await db
      .select({ id: delegations.id, startsOn: delegations.startsOn, endsOn: delegations.endsOn, managerName: manager.name, branchName: branches.name })
      .from(delegations)
      .innerJoin(manager, eq(manager.id, delegations.managerId))
      .leftJoin(branches, eq(branches.id, manager.branchId))
      .where(and(eq(delegations.delegateId, actor.id), isNull(delegations.endedAt), gte(delegations.endsOn, today), eq(manager.active, true)))
      .orderBy(asc(delegations.startsOn))
  ).map((row) => ({ ...row, status: delegationStatus({ ...row, endedAt: null }, today) }));
  return {
    today,
    current: open.filter((row) => row.status === "current"),
    upcoming: open.filter((row) => row.status === "upcoming"),
    past: { rows: past.slice(0, pageSize), hasNext: past.length > pageSize, total: pastTotal, pageSize },
    coveringFor,
  };
}

/**
 * For the jobs: tells each delegate whose delegation started today (or in the two days before, if
 * the jobs did not run) that it has, once. Delegations created on their first day were told at creation.
 */
export async function notifyDelegationStarts(db: Db, now: Date): Promise<number> {
  const today = await todayIn(db, now);
  const manager = aliasedTable(users, "starting_manager");
  const starting = await db
    .select({
      id: delegations.id,
      delegateId: delegations.delegateId,
      startsOn: delegations.startsOn,
      endsOn: delegations.endsOn,
      managerName: manager.name,
      managerBranchId: manager.branchId,
    })
    .from(delegations)
    .innerJoin(manager, eq(manager.id, delegations.managerId))
    .where(
      and(
        isNull(delegations.endedAt),
        gte(delegations.startsOn, addDays(today, -2)),
        lte(delegations.startsOn, today),
        gte(delegations.endsOn, today),
        eq(manager.active, true),
        eq(manager.role, "manager"),
      ),
    );
  let sent = 0;
  for (const delegation of starting) {
    if (delegation.managerBranchId === null) continue;
    const told = await writeTransaction(db, async (tx) => await notifyDelegationStarted(tx, delegation, { name: delegation.managerName, branchId: delegation.managerBranchId! }, now));
    if (told) sent += 1;
  }
  return sent;
}
