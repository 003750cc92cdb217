import type { LoaderFunctionArgs } from "@remix-run/node";
import { readAuditFilter } from "~/domain/administration/audit-filter.server";
import { localDate } from "~/domain/core/dates";
import { csvHeaders } from "~/domain/core/csv-export.server";
import { getOrganisation } from "~/domain/core/organisation.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { exportCsvStream } from "~/utils/export-worker.server";

// The audit log as CSV, with the page's filters: newest first, streamed page by page (in an export
// worker, see export-worker.server.ts). The hashes are included so that the chain can be checked
// outside the app. Columns: AUDIT_COLUMNS in export-jobs.server.ts.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, "audit:view");
  const url = new URL(request.url);
  const at = now();
  const { timeZone } = await getOrganisation(db);
  const { filter } = await readAuditFilter(db, url.searchParams, timeZone, at);
  const stream = await exportCsvStream({ kind: "audit", filter, bom: url.searchParams.get("bom") === "1" }, { drained: context.drained });
  return new Response(stream, { headers: csvHeaders(`audit-log-${localDate(at, timeZone)}.csv`) });
}
