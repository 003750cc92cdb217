import { eq } from "drizzle-orm";
import { organisation, type Organisation } from "../../db/schema";
import type { Db } from "~/utils/db.server";

const FALLBACK: Pick<Organisation, "name" | "currency" | "timeZone"> = {
  name: "Empathy Fund",
  currency: "USD",
  timeZone: "UTC",
};

/** The organisation's settings; sensible defaults before the first seed or setup. */
export function getOrganisation(db: Db): Pick<Organisation, "name" | "currency" | "timeZone"> {
  const row = db
    .select({ name: organisation.name, currency: organisation.currency, timeZone: organisation.timeZone })
    .from(organisation)
    .where(eq(organisation.id, 1))
    .get();
  return row ?? FALLBACK;
}

/** What the privacy rules need: the retention period of sensitive notes and the calendar's time zone. */
export function getPrivacySettings(db: Db): { retentionDays: number; timeZone: string } {
  const row = db
    .select({ retentionDays: organisation.sensitiveRetentionDays, timeZone: organisation.timeZone })
    .from(organisation)
    .where(eq(organisation.id, 1))
    .get();
  return row ?? { retentionDays: 90, timeZone: FALLBACK.timeZone };
}
