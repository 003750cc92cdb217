// Customers and their signals as staff and managers see them: search in the user's branch, the
// customer page (with the privacy rules and the sensitive-view audit event), adding a signal and
// correcting one's own signal within a day (the previous version is kept).
import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { customers, signalRevisions, signals, users, type Role, type Segment, type SignalKind } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { isSensitiveKind } from "./customer-rules";
import { localDate } from "../core/dates";
import { DomainError } from "../core/errors";
import { getPrivacySettings } from "../core/organisation.server";
import { hiddenNoteReason, visibleNote } from "./privacy";
import { firstRow, returnedRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export type Actor = { id: number; role: Role; branchId: number | null };

/** How long after recording a signal its author may still correct it. */
export const CORRECTION_WINDOW_MS = 24 * 60 * 60 * 1000;
const TIMELINE_LIMIT = 200;

/** Staff and managers work on their own branch's customers; nobody else reads them here. */
export function branchOf(actor: Actor): number {
  if ((actor.role !== "staff" && actor.role !== "manager") || actor.branchId === null) {
    throw new DomainError("FORBIDDEN", "Only staff and managers of a branch see its customers.");
  }
  return actor.branchId;
}

function escapeRange(prefix: string) {
  // A prefix range [p, p + U+FFFF) uses the (branch_id, key) index directly, unlike LIKE.
  return { low: prefix, high: `${prefix}\uffff` };
}

export type CustomerListRow = {
  id: number;
  crmRef: string;
  name: string;
  customerSince: string;
  segment: string;
  doNotContact: boolean;
  erased: boolean;
};

/**
 * The branch's customers whose name, surname or CRM reference starts with `query` (case-insensitive),
 * in name order. Every branch of the query reads one index range, so the cost does not grow with
 * the size of the table.
 */
export async function searchCustomers(db: Db, actor: Actor, input: { query: string; page: number; pageSize: number }) {
  const branchId = branchOf(actor);
  const query = input.query.trim().toLowerCase().replace(/\s+/g, " ");
  const inBranch = eq(customers.branchId, branchId);
  const ranges: SQL[] = [];
  if (query) {
    const name = escapeRange(query);
    ranges.push(and(inBranch, gte(customers.nameKey, name.low), lt(customers.nameKey, name.high))!);
    ranges.push(and(inBranch, gte(customers.surnameKey, name.low), lt(customers.surnameKey, name.high))!);
    // CRM references hold digits; names rarely do. Only then search the reference index too.
    if (/\d/.test(query)) {
      for (const prefix of new Set([input.query.trim(), input.query.trim().toUpperCase()])) {
        const ref = escapeRange(prefix);
        ranges.push(and(inBranch, gte(customers.crmRef, ref.low), lt(customers.crmRef, ref.high))!);
      }
    }
  } else ranges.push(inBranch);
  // One query per range, each an index search, merged here: with the ranges OR-ed in one query the
  // planner walked the whole branch in name order (7x slower at 1,000 customers a branch). The first
  // `wanted` rows of the union are among the first `wanted` rows of each range.
  const wanted = input.page * input.pageSize + 1;
  const byId = new Map<number, { id: number; crmRef: string; name: string; nameKey: string; customerSince: string; segment: Segment; doNotContact: boolean; erasedAt: Date | null }>();
  for (const range of ranges) {
    const found = await db
      .select({
        id: customers.id,
        crmRef: customers.crmRef,
        name: customers.name,
        nameKey: customers.nameKey,
        customerSince: customers.customerSince,
        segment: customers.segment,
        doNotContact: customers.doNotContact,
        erasedAt: customers.erasedAt,
      })
      .from(customers)
      .where(range)
      .orderBy(asc(customers.nameKey), asc(customers.id))
      .limit(wanted);
    for (const row of found) byId.set(row.id, row);
  }
  const rows = [...byId.values()]
    .sort((x, y) => (x.nameKey < y.nameKey ? -1 : x.nameKey > y.nameKey ? 1 : x.id - y.id))
    .slice((input.page - 1) * input.pageSize, wanted)
    .map(({ nameKey: _key, ...row }) => row);
  return {
    rows: rows.slice(0, input.pageSize).map(({ erasedAt, ...row }): CustomerListRow => ({ ...row, erased: erasedAt !== null })),
    hasNext: rows.length > input.pageSize,
  };
}

export type TimelineSignal = {
  id: number;
  kind: SignalKind;
  sensitive: boolean;
  occurredOn: string;
  source: string;
  severity: number;
  note: string | null;
  noteHiddenReason: string | null;
  createdByName: string | null;
  createdAt: Date;
  correctedAt: Date | null;
  canCorrect: boolean;
  revisions: { id: number; kind: SignalKind; occurredOn: string; severity: number; note: string | null; revisedAt: Date; revisedByName: string }[];
};

/**
 * The customer page. Another branch's customer is "not found" (nothing about them leaves the
 * server). When the page shows sensitive context, the view is recorded in the audit trail (who,
 * which customer, when; never the content) in the same transaction as the read.
 */
export async function viewCustomer(db: Db, actor: Actor, input: { customerId: number }, now: Date) {
  const branchId = branchOf(actor);
  const { retentionDays, timeZone } = await getPrivacySettings(db);
  const today = localDate(now, timeZone);
  return await writeTransaction(db, async (tx) => {
    const customer = await firstRow(tx.select().from(customers).where(eq(customers.id, input.customerId)).limit(1));
    if (!customer || customer.branchId !== branchId) throw new DomainError("NOT_FOUND", "There is no such customer in your branch.");
    const rows = await tx
      .select({ signal: signals, createdByName: users.name })
      .from(signals)
      .leftJoin(users, eq(users.id, signals.createdById))
      .where(eq(signals.customerId, customer.id))
      .orderBy(desc(signals.occurredOn), desc(signals.id))
      .limit(TIMELINE_LIMIT);
    const ids = rows.map((r) => r.signal.id);
    const revisions = ids.length
      ? await tx
          .select({ revision: signalRevisions, revisedByName: users.name })
          .from(signalRevisions)
          .innerJoin(users, eq(users.id, signalRevisions.revisedById))
          .where(inArray(signalRevisions.signalId, ids))
          .orderBy(desc(signalRevisions.id))
      : [];
    const timeline: TimelineSignal[] = rows.map(({ signal, createdByName }) => ({
      id: signal.id,
      kind: signal.kind,
      sensitive: isSensitiveKind(signal.kind),
      occurredOn: signal.occurredOn,
      source: signal.source,
      severity: signal.severity,
      note: visibleNote(actor, customer, signal, today, retentionDays),
      noteHiddenReason: signal.note === null && signal.noteRedactedAt === null ? null : hiddenNoteReason(signal, today, retentionDays),
      createdByName,
      createdAt: signal.createdAt,
      correctedAt: signal.correctedAt,
      canCorrect: customer.erasedAt === null && signal.createdById === actor.id && now.getTime() - signal.createdAt.getTime() <= CORRECTION_WINDOW_MS,
      revisions: revisions
        .filter((r) => r.revision.signalId === signal.id)
        .map(({ revision, revisedByName }) => ({
          id: revision.id,
          kind: revision.kind,
          occurredOn: revision.occurredOn,
          severity: revision.severity,
          note: visibleNote(actor, customer, revision, today, retentionDays),
          revisedAt: revision.revisedAt,
          revisedByName,
        })),
    }));
    const sensitiveShown = timeline.filter((s) => s.sensitive).length;
    if (sensitiveShown > 0) {
      await recordAudit(tx, {
        actorId: actor.id,
        action: "customer.sensitive_viewed",
        entity: "customer",
        entityId: customer.id,
        detail: { sensitiveSignals: sensitiveShown },
        at: now,
      });
    }
    const { nameKey: _n, surnameKey: _s, ...profile } = customer;
    return { customer: { ...profile, erased: customer.erasedAt !== null }, timeline, today, retentionDays };
  });
}

export type SignalInput = { kind: SignalKind; occurredOn: string; severity: number; note: string | null };

function checkSignalDate(occurredOn: string, today: string) {
  if (occurredOn > today) throw new DomainError("VALIDATION", "The date cannot be in the future.", { field: "occurredOn" });
}

/** A staff member or manager notes something about a customer of their branch. */
export async function addSignal(db: Db, actor: Actor, input: SignalInput & { customerId: number }, now: Date) {
  const branchId = branchOf(actor);
  const { timeZone } = await getPrivacySettings(db);
  checkSignalDate(input.occurredOn, localDate(now, timeZone));
  return await writeTransaction(db, async (tx) => {
    const customer = await firstRow(tx.select().from(customers).where(eq(customers.id, input.customerId)).limit(1));
    if (!customer || customer.branchId !== branchId) throw new DomainError("NOT_FOUND", "There is no such customer in your branch.");
    if (customer.erasedAt) throw new DomainError("INVALID_STATE", "This customer was erased; nothing more is recorded about them.");
    const signal = await returnedRow(
      tx
        .insert(signals)
        .values({
          customerId: customer.id,
          branchId: customer.branchId,
          kind: input.kind,
          occurredOn: input.occurredOn,
          source: "staff",
          severity: input.severity,
          note: input.note,
          createdById: actor.id,
          createdAt: now,
        })
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "signal.added",
      entity: "customer",
      entityId: customer.id,
      // The kind of a sensitive signal is itself special-category data: the audit says only that it was one.
      detail: { signalId: signal.id, kind: isSensitiveKind(input.kind) ? "sensitive" : input.kind },
      at: now,
    });
    return signal;
  });
}

/** The author corrects their own signal within a day; the previous version becomes a revision. */
export async function correctSignal(db: Db, actor: Actor, input: SignalInput & { signalId: number }, now: Date) {
  const branchId = branchOf(actor);
  const { timeZone } = await getPrivacySettings(db);
  checkSignalDate(input.occurredOn, localDate(now, timeZone));
  return await writeTransaction(db, async (tx) => {
    const signal = await firstRow(tx.select().from(signals).where(eq(signals.id, input.signalId)).limit(1));
    if (!signal || signal.branchId !== branchId) throw new DomainError("NOT_FOUND", "There is no such signal in your branch.");
    const customer = await firstRow(tx.select({ erasedAt: customers.erasedAt }).from(customers).where(eq(customers.id, signal.customerId)).limit(1));
    if (customer?.erasedAt) throw new DomainError("INVALID_STATE", "This customer was erased; their signals cannot change.");
    if (signal.createdById !== actor.id) throw new DomainError("FORBIDDEN", "Only the person who recorded a signal may correct it.");
    if (now.getTime() - signal.createdAt.getTime() > CORRECTION_WINDOW_MS) {
      throw new DomainError("INVALID_STATE", "A signal can be corrected only within a day of recording it. Add a new signal instead.");
    }
    await tx.insert(signalRevisions).values({
      signalId: signal.id,
      kind: signal.kind,
      occurredOn: signal.occurredOn,
      severity: signal.severity,
      note: signal.note,
      noteRedactedAt: signal.noteRedactedAt,
      revisedById: actor.id,
      revisedAt: now,
    });
    const updated = await returnedRow(
      tx.update(signals).set({ kind: input.kind, occurredOn: input.occurredOn, severity: input.severity, note: input.note, correctedAt: now }).where(eq(signals.id, signal.id)).returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "signal.corrected",
      entity: "customer",
      entityId: signal.customerId,
      detail: { signalId: signal.id },
      at: now,
    });
    return updated;
  });
}

export async function countCustomersInBranch(db: Db, branchId: number): Promise<number> {
  return (
    (
      await firstRow(
        db
          .select({ n: sql<number>`count(*)` })
          .from(customers)
          .where(eq(customers.branchId, branchId))
          .limit(1),
      )
    )?.n ?? 0
  );
}
