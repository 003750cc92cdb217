// `npm run audit:verify`: walks the audit hash chain and names the first broken link.
import { verifyAuditChain } from "../app/domain/core/audit.server";
import { closeDatabase, db } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";
import { shownDatabaseUrl } from "./engine";

const result = await verifyAuditChain(db);
await closeDatabase(db);
if (result.ok) {
  console.log(`Audit chain intact: ${result.checked} events verified in ${shownDatabaseUrl(env.DATABASE_URL)}.`);
} else {
  console.error(`Audit chain BROKEN at event ${result.brokenAt}: ${result.reason}. ${result.checked} events before it verified.`);
  process.exit(1);
}
