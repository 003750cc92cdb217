// Privacy jobs and erasure. `redactExpiredNotes` is what `npm run jobs` runs: idempotent, and safe
// to run from cron (each run removes what has expired since the last). Erasure removes a
// customer's name, address and notes and keeps the rows that money records point at, under a pseudonym.
import { and, eq, inArray, isNotNull, lte } from "drizzle-orm";
import { customers, signalRevisions, signals, suggestionDismissals } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { SENSITIVE_SIGNAL_KINDS } from "./customer-rules";
import { localDate } from "../core/dates";
import type { Actor } from "./customers.server";
import { DomainError } from "../core/errors";
import { getPrivacySettings } from "../core/organisation.server";
import { retentionCutoff } from "./privacy";
import { firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

/** Removes the notes of sensitive signals (and their earlier versions) past the retention period. */
export async function redactExpiredNotes(db: Db, now: Date): Promise<{ signals: number; revisions: number; cutoff: string }> {
  const { retentionDays, timeZone } = await getPrivacySettings(db);
  const cutoff = retentionCutoff(localDate(now, timeZone), retentionDays);
  return await writeTransaction(db, async (tx) => {
    const sensitive = [...SENSITIVE_SIGNAL_KINDS];
    const fromSignals = (
      await tx
        .update(signals)
        .set({ note: null, noteRedactedAt: now })
        .where(and(isNotNull(signals.note), inArray(signals.kind, sensitive), lte(signals.occurredOn, cutoff)))
    ).changes;
    const fromRevisions = (
      await tx
        .update(signalRevisions)
        .set({ note: null, noteRedactedAt: now })
        .where(and(isNotNull(signalRevisions.note), inArray(signalRevisions.kind, sensitive), lte(signalRevisions.occurredOn, cutoff)))
    ).changes;
    if (fromSignals + fromRevisions > 0) {
      await recordAudit(tx, {
        actorId: null,
        action: "privacy.notes_redacted",
        entity: "signal",
        detail: { signals: fromSignals, revisions: fromRevisions, cutoff },
        at: now,
      });
    }
    return { signals: fromSignals, revisions: fromRevisions, cutoff };
  });
}

export const ERASED_NAME = "Erased customer";

/** An admin erases a customer (the right to erasure). Irreversible; audited without the content. */
export async function eraseCustomer(db: Db, actor: Actor, input: { crmRef: string }, now: Date) {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an administrator can erase a customer.");
  return await writeTransaction(db, async (tx) => {
    const customer = await firstRow(tx.select().from(customers).where(eq(customers.crmRef, input.crmRef.trim())).limit(1));
    if (!customer) throw new DomainError("NOT_FOUND", "No customer has this CRM reference.", { field: "crmRef" });
    if (customer.erasedAt) throw new DomainError("INVALID_STATE", "This customer was already erased.", { field: "crmRef" });
    const pseudonym = `${ERASED_NAME} #${customer.id}`;
    // The CRM reference stays: it is the CRM's pseudonymous key, and it stops a later import from
    // bringing the customer back.
    await tx
      .update(customers)
      .set({
        name: pseudonym,
        nameKey: pseudonym.toLowerCase(),
        surnameKey: `#${customer.id}`,
        birthday: null,
        deliveryAddress: null,
        doNotContact: true,
        doNotContactReason: "Erased at the customer's request",
        erasedAt: now,
        updatedAt: now,
      })
      .where(eq(customers.id, customer.id));
    const signalIds = (await tx.select({ id: signals.id }).from(signals).where(eq(signals.customerId, customer.id))).map((s) => s.id);
    const erasedSignals = (
      await tx
        .update(signals)
        .set({ note: null, noteRedactedAt: now })
        .where(and(eq(signals.customerId, customer.id), isNotNull(signals.note)))
    ).changes;
    if (signalIds.length) {
      await tx
        .update(signalRevisions)
        .set({ note: null, noteRedactedAt: now })
        .where(and(inArray(signalRevisions.signalId, signalIds), isNotNull(signalRevisions.note)));
    }
    await tx.update(suggestionDismissals).set({ reason: "(erased)" }).where(eq(suggestionDismissals.customerId, customer.id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "customer.erased",
      entity: "customer",
      entityId: customer.id,
      detail: { notesRemoved: erasedSignals },
      at: now,
    });
    return { customerId: customer.id, pseudonym };
  });
}
