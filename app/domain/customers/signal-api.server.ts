// POST /api/signals: CRMs push one signal or many. The same validation as the CSV import; the
// whole request is written or nothing is (a client fixes its payload and sends it again); a
// signal already received (same signal_ref, or same content without one) is not stored twice.
import { eq, inArray } from "drizzle-orm";
import { apiKeys, apiRateWindows, customers } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { localDate } from "../core/dates";
import { SignalRowSchema } from "./customer-schemas";
import { signalFingerprint, writeSignal } from "./crm-import.server";
import { getPrivacySettings } from "../core/organisation.server";
import { firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export const API_MAX_SIGNALS = 1000;
export const API_RATE_LIMIT = { requests: 60, windowMs: 60_000 };

export type ApiItemError = { index: number; field: string | null; message: string };
export type IngestResult = { ok: true; created: number; unchanged: number } | { ok: false; status: 400 | 422; error: string; message: string; errors?: ApiItemError[] };

export async function ingestSignals(db: Db, key: { id: number }, body: unknown, now: Date): Promise<IngestResult> {
  const items = Array.isArray(body) ? body : body && typeof body === "object" && "signals" in body && Array.isArray(body.signals) ? body.signals : [body];
  if (items.length === 0) return { ok: false, status: 400, error: "empty", message: 'Send one signal object, an array of them, or { "signals": [...] }.' };
  if (items.length > API_MAX_SIGNALS) return { ok: false, status: 400, error: "too_many", message: `Send at most ${API_MAX_SIGNALS} signals per request.` };

  const errors: ApiItemError[] = [];
  const rows = items.flatMap((item, index) => {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      errors.push({ index, field: null, message: "Each signal must be a JSON object." });
      return [];
    }
    // Numbers are accepted where the CSV has text (severity 3).
    const parsed = SignalRowSchema.safeParse(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, k === "severity" ? v : v === null ? undefined : typeof v === "number" ? String(v) : v])));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ index, field: issue.path[0] === undefined ? null : String(issue.path[0]), message: issue.message });
      return [];
    }
    return [{ index, row: { ...parsed.data, external_ref: signalFingerprint(parsed.data) } }];
  });
  const refs = [...new Set(rows.map((r) => r.row.crm_ref))];
  const known = new Map(
    refs.length ? (await db.select({ crmRef: customers.crmRef, erasedAt: customers.erasedAt }).from(customers).where(inArray(customers.crmRef, refs))).map((c) => [c.crmRef, c]) : [],
  );
  for (const { index, row } of rows) {
    const customer = known.get(row.crm_ref);
    if (!customer) errors.push({ index, field: "crm_ref", message: `No customer has the CRM reference ${row.crm_ref}.` });
    else if (customer.erasedAt) errors.push({ index, field: "crm_ref", message: `The customer ${row.crm_ref} was erased; nothing about them is accepted.` });
  }
  if (errors.length) {
    errors.sort((a, b) => a.index - b.index);
    return { ok: false, status: 422, error: "invalid_signals", message: "Nothing was stored: correct these signals and send the request again.", errors };
  }
  const { retentionDays, timeZone } = await getPrivacySettings(db);
  const today = localDate(now, timeZone);
  return await writeTransaction(db, async (tx) => {
    let created = 0;
    for (const { row } of rows) if (await writeSignal(tx, row, { today, retentionDays, now })) created++;
    await tx.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
    if (created > 0) await recordAudit(tx, { actorId: null, action: "api.signals_received", entity: "api_key", entityId: key.id, detail: { created, unchanged: rows.length - created }, at: now });
    return { ok: true as const, created, unchanged: rows.length - created };
  });
}

/**
 * A fixed window per key, kept in `api_rate_windows` so that every server process shares it: one
 * immediate transaction reads and advances the window (concurrent callers wait on busy_timeout).
 * Not audited: a counter, not a state change anyone acts on.
 */
export async function takeRateLimit(db: Db, keyId: number, now: Date, limit = API_RATE_LIMIT): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const t = now.getTime();
  return await writeTransaction(db, async (tx) => {
    const current = await firstRow(tx.select().from(apiRateWindows).where(eq(apiRateWindows.keyId, keyId)).limit(1));
    if (!current || t - current.windowStart >= limit.windowMs) {
      await tx
        .insert(apiRateWindows)
        .values({ keyId, windowStart: t, count: 1 })
        .onConflictDoUpdate({ target: apiRateWindows.keyId, set: { windowStart: t, count: 1 } });
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const count = current.count + 1;
    await tx.update(apiRateWindows).set({ count }).where(eq(apiRateWindows.keyId, keyId));
    if (count > limit.requests) return { allowed: false, retryAfterSeconds: Math.ceil((current.windowStart + limit.windowMs - t) / 1000) };
    return { allowed: true, retryAfterSeconds: 0 };
  });
}
