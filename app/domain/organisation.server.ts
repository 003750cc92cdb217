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
