import { eq } from "drizzle-orm";
import { organisation, type Organisation } from "../../db/schema";
import type { DbOrTx } from "~/utils/db.server";

export type OrganisationSettings = Pick<Organisation, "name" | "currency" | "timeZone" | "periodLength" | "unspentBalanceRule">;

const FALLBACK: OrganisationSettings = {
  name: "Empathy Fund",
  currency: "USD",
  timeZone: "UTC",
  periodLength: "quarter",
  unspentBalanceRule: "lapse",
};

/** The organisation's settings; sensible defaults before the first seed or setup. */
export function getOrganisation(db: DbOrTx): OrganisationSettings {
  const row = db
    .select({
      name: organisation.name,
      currency: organisation.currency,
      timeZone: organisation.timeZone,
      periodLength: organisation.periodLength,
      unspentBalanceRule: organisation.unspentBalanceRule,
    })
    .from(organisation)
    .where(eq(organisation.id, 1))
    .get();
  return row ?? FALLBACK;
}
