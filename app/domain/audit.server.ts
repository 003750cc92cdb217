// The audit trail: append-only rows (triggers refuse UPDATE and DELETE) linked by a hash chain.
// `recordAudit` must be called inside the transaction of the change it records.
import { createHash } from "node:crypto";
import { and, asc, count, desc, eq, gt, like, type SQL } from "drizzle-orm";
import { auditEvents, users, type AuditEvent } from "../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";

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
  const canonical = JSON.stringify([
    event.prevHash,
    event.at.getTime(),
    event.actorId,
    event.action,
    event.entity,
    event.entityId,
    event.detail,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

export function recordAudit(tx: DbOrTx, input: AuditInput): AuditEvent {
  const last = tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1).get();
  const fields: HashedFields = {
    at: input.at,
    actorId: input.actorId,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId == null ? null : String(input.entityId),
    detail: JSON.stringify(sortKeys(input.detail ?? {})),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  return tx
    .insert(auditEvents)
    .values({ ...fields, hash: hashAuditEvent(fields) })
    .returning()
    .get();
}

function sortKeys(detail: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(detail).sort(([a], [b]) => a.localeCompare(b)));
}

export type ChainVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: number; reason: string };

/** Walks the whole chain in id order, in batches, and names the first broken link. */
export function verifyAuditChain(db: Db, batchSize = 5000): ChainVerification {
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const batch = db.select().from(auditEvents).where(gt(auditEvents.id, lastId)).orderBy(asc(auditEvents.id)).limit(batchSize).all();
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

export type AuditListFilter = { action?: string; entity?: string; page: number; pageSize: number };

/** Newest first. `action` matches a prefix ("auth." lists every sign-in event). */
export function listAuditEvents(db: Db, filter: AuditListFilter) {
  const conditions: SQL[] = [];
  if (filter.action) conditions.push(like(auditEvents.action, `${filter.action.replace(/[\\%_]/g, "")}%`));
  if (filter.entity) conditions.push(eq(auditEvents.entity, filter.entity));
  const where = conditions.length ? and(...conditions) : undefined;
  const rows = db
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      entity: auditEvents.entity,
      entityId: auditEvents.entityId,
      detail: auditEvents.detail,
      hash: auditEvents.hash,
      actorName: users.name,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(where)
    .orderBy(desc(auditEvents.id))
    .limit(filter.pageSize + 1)
    .offset((filter.page - 1) * filter.pageSize)
    .all();
  return { rows: rows.slice(0, filter.pageSize), hasNext: rows.length > filter.pageSize };
}
