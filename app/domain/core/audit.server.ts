// The audit trail: append-only rows (triggers refuse UPDATE and DELETE) linked by a hash chain.
// `recordAudit` must be called inside the transaction of the change it records.
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, gte, inArray, like, lt, or, sql, type SQL } from "drizzle-orm";
import { auditEvents, users, type AuditEvent } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { queryRows, returnedRow, firstRow } from "~/utils/query.server";

export const GENESIS_HASH = "0".repeat(64);

export type AuditInput = {
  actorId: number | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  /** Small, non-sensitive facts: ids, amounts, statuses. Never passwords, secrets or customer notes. */
  detail?: Record<string, string | number | boolean | null>;
  at: Date;
};

type HashedFields = Pick<AuditEvent, "at" | "actorId" | "action" | "entity" | "entityId" | "detail" | "prevHash">;

export function hashAuditEvent(event: HashedFields): string {
  const canonical = JSON.stringify([event.prevHash, event.at.getTime(), event.actorId, event.action, event.entity, event.entityId, event.detail]);
  return createHash("sha256").update(canonical).digest("hex");
}

export async function recordAudit(tx: DbOrTx, input: AuditInput): Promise<AuditEvent> {
  const last = await firstRow(tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1));
  const fields: HashedFields = {
    at: input.at,
    actorId: input.actorId,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId == null ? null : String(input.entityId),
    detail: JSON.stringify(sortKeys(input.detail ?? {})),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  return await returnedRow(
    tx
      .insert(auditEvents)
      .values({ ...fields, hash: hashAuditEvent(fields) })
      .returning(),
  );
}

function sortKeys(detail: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(detail).sort(([a], [b]) => a.localeCompare(b)));
}

export type ChainVerification = { ok: true; checked: number } | { ok: false; checked: number; brokenAt: number; reason: string };

/** Walks the whole chain in id order, in batches, and names the first broken link. */
export async function verifyAuditChain(db: Db, batchSize = 5000): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const batch = await db.select().from(auditEvents).where(gt(auditEvents.id, lastId)).orderBy(asc(auditEvents.id)).limit(batchSize);
    if (batch.length === 0) return { ok: true, checked };
    for (const event of batch) {
      if (event.prevHash !== prevHash) {
        return { ok: false, checked, brokenAt: event.id, reason: "its previous-hash does not match the event before it (an event was removed or reordered)" };
      }
      if (hashAuditEvent(event) !== event.hash) {
        return { ok: false, checked, brokenAt: event.id, reason: "its contents do not match its hash (the event was altered)" };
      }
      prevHash = event.hash;
      lastId = event.id;
      checked++;
    }
  }
}

export type AuditListFilter = {
  /** Matches a prefix ("auth." lists every sign-in event). */
  action?: string;
  entity?: string;
  /** Events by any of these people. An empty list matches nothing. */
  actorIds?: number[];
  /** Inclusive lower and exclusive upper bound of the event time. */
  from?: Date;
  until?: Date;
  /** Keyset: events older than this id (the last id of the previous page). */
  before?: number;
  pageSize: number;
};

function auditConditions(filter: Omit<AuditListFilter, "pageSize">): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.action) conditions.push(like(auditEvents.action, `${filter.action.replace(/[\\%_]/g, "")}%`));
  if (filter.entity) conditions.push(eq(auditEvents.entity, filter.entity));
  if (filter.actorIds) conditions.push(filter.actorIds.length > 0 ? inArray(auditEvents.actorId, filter.actorIds) : sql`1 = 0`);
  if (filter.from) conditions.push(gte(auditEvents.at, filter.from));
  if (filter.until) conditions.push(lt(auditEvents.at, filter.until));
  if (filter.before) conditions.push(lt(auditEvents.id, filter.before));
  return conditions.length ? and(...conditions) : undefined;
}

const AUDIT_COLUMNS = {
  id: auditEvents.id,
  at: auditEvents.at,
  actorId: auditEvents.actorId,
  action: auditEvents.action,
  entity: auditEvents.entity,
  entityId: auditEvents.entityId,
  detail: auditEvents.detail,
  prevHash: auditEvents.prevHash,
  hash: auditEvents.hash,
  actorName: users.name,
};

/** Newest first, one page, with the key of the next (older) page when there is one. */
export async function listAuditEvents(db: Db, filter: AuditListFilter) {
  const rows = await db
    .select(AUDIT_COLUMNS)
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(auditConditions(filter))
    .orderBy(desc(auditEvents.id))
    .limit(filter.pageSize + 1);
  const page = rows.slice(0, filter.pageSize);
  return { rows: page, hasNext: rows.length > filter.pageSize, nextBefore: rows.length > filter.pageSize ? page[page.length - 1]!.id : null };
}

export type AuditExportRow = Awaited<ReturnType<typeof listAuditEvents>>["rows"][number];

/** People whose name or e-mail starts with `text` (for the "who" filter), at most `limit`. */
export async function findAuditActors(db: Db, text: string, limit = 50): Promise<{ id: number; name: string }[]> {
  const prefix = `${text
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, "")}%`;
  if (prefix === "%") return [];
  return await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(or(like(sql`lower(${users.name})`, prefix), like(users.email, prefix), like(sql`lower(${users.name})`, `% ${prefix}`)))
    .orderBy(asc(users.name))
    .limit(limit);
}

/**
 * The distinct subjects events are about, for the entity filter: one index seek per kind (a
 * recursive "skip scan"), so the cost does not grow with the length of the log.
 */
export async function listAuditEntities(db: Db): Promise<string[]> {
  const rows = await queryRows<{ entity: string | null }>(
    db,
    sql`
    with recursive kinds(entity) as (
      select min(entity) from audit_events
      union all
      select (select min(entity) from audit_events where entity > kinds.entity) from kinds where kinds.entity is not null
    )
    select entity from kinds where entity is not null`,
  );
  return rows.map((row) => row.entity!);
}
