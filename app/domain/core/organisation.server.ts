import { eq } from "drizzle-orm";
import { ledgerEntries, organisation, type Organisation, type Role } from "../../../db/schema";
import type { Db, DbOrTx } from "~/utils/db.server";
import { recordAudit } from "./audit.server";
import { DomainError } from "./errors";
import { can } from "./permissions";
import { firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export type OrganisationSettings = Pick<
  Organisation,
  "name" | "currency" | "timeZone" | "periodLength" | "unspentBalanceRule" | "sensitiveRetentionDays" | "secondFactorRequired" | "ssoAutoCreate" | "ssoBranchClaim" | "complaintsProcessText"
>;

/** The column's default (db/schema.ts), for a database before its first seed. */
export const DEFAULT_COMPLAINTS_PROCESS_TEXT =
  "Compensation the customer is owed is not a goodwill gesture: record the complaint in the complaints system and follow the complaints procedure, which decides and pays redress.";

const FALLBACK: OrganisationSettings = {
  name: "Empathy Fund",
  currency: "USD",
  timeZone: "UTC",
  periodLength: "quarter",
  unspentBalanceRule: "lapse",
  sensitiveRetentionDays: 90,
  // Before any organisation exists (a database before its first seed, or a unit test) nobody is
  // asked for a second factor; a new organisation row requires one (the column's default).
  secondFactorRequired: false,
  ssoAutoCreate: false,
  ssoBranchClaim: null,
  complaintsProcessText: DEFAULT_COMPLAINTS_PROCESS_TEXT,
};
const SETTING_KEYS = [
  "name",
  "currency",
  "timeZone",
  "periodLength",
  "unspentBalanceRule",
  "sensitiveRetentionDays",
  "secondFactorRequired",
  "ssoAutoCreate",
  "ssoBranchClaim",
  "complaintsProcessText",
] as const;

/** The organisation's settings; sensible defaults before the first seed or setup. */
export async function getOrganisation(db: DbOrTx): Promise<OrganisationSettings> {
  const row = await firstRow(
    db
      .select({
        name: organisation.name,
        currency: organisation.currency,
        timeZone: organisation.timeZone,
        periodLength: organisation.periodLength,
        unspentBalanceRule: organisation.unspentBalanceRule,
        sensitiveRetentionDays: organisation.sensitiveRetentionDays,
        secondFactorRequired: organisation.secondFactorRequired,
        ssoAutoCreate: organisation.ssoAutoCreate,
        ssoBranchClaim: organisation.ssoBranchClaim,
        complaintsProcessText: organisation.complaintsProcessText,
      })
      .from(organisation)
      .where(eq(organisation.id, 1))
      .limit(1),
  );
  return row ?? FALLBACK;
}

/** Saves the organisation's settings; the audit keeps each changed value before and after. */
export async function updateOrganisationSettings(db: Db, actor: { id: number; role: Role }, input: OrganisationSettings, now: Date): Promise<OrganisationSettings> {
  if (!can(actor.role, "settings:manage")) throw new DomainError("FORBIDDEN", "Only administrators change the organisation's settings.");
  return await writeTransaction(db, async (tx) => {
    const before = await firstRow(tx.select().from(organisation).where(eq(organisation.id, 1)).limit(1));
    const next: OrganisationSettings = { ...input, name: input.name.trim(), ssoBranchClaim: input.ssoBranchClaim?.trim() || null, complaintsProcessText: input.complaintsProcessText.trim() };
    // Amounts are kept in minor units of the currency, unconverted: once money is on the books a
    // new currency would silently relabel every amount.
    if (before && before.currency !== next.currency && (await firstRow(tx.select({ id: ledgerEntries.id }).from(ledgerEntries).limit(1)))) {
      throw new DomainError("INVALID_STATE", `The currency cannot change once budgets hold money: every amount on the books is in ${before.currency}.`, { field: "currency" });
    }
    const detail: Record<string, string | number | boolean | null> = {};
    for (const key of SETTING_KEYS) {
      if (before?.[key] !== next[key]) Object.assign(detail, { [`${key}Before`]: before?.[key] ?? null, [`${key}After`]: next[key] });
    }
    if (Object.keys(detail).length === 0) return next;
    await tx
      .insert(organisation)
      .values({ id: 1, ...next, updatedAt: now })
      .onConflictDoUpdate({ target: organisation.id, set: { ...next, updatedAt: now } });
    await recordAudit(tx, { actorId: actor.id, action: "organisation.updated", entity: "organisation", entityId: 1, detail, at: now });
    return next;
  });
}

/** What the privacy rules need: the retention period of sensitive notes and the calendar's time zone. */
export async function getPrivacySettings(db: Db): Promise<{ retentionDays: number; timeZone: string }> {
  const row = await firstRow(db.select({ retentionDays: organisation.sensitiveRetentionDays, timeZone: organisation.timeZone }).from(organisation).where(eq(organisation.id, 1)).limit(1));
  return row ?? { retentionDays: 90, timeZone: FALLBACK.timeZone };
}
