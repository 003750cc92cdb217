import type { LoaderFunctionArgs } from "@remix-run/node";
import { readAuditFilter } from "~/domain/administration/audit-filter.server";
import { listAuditEvents, type AuditExportRow } from "~/domain/core/audit.server";
import { localDate } from "~/domain/core/dates";
import { csvHeaders, csvStream, type CsvColumn } from "~/domain/core/csv-export.server";
import { getOrganisation } from "~/domain/core/organisation.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";

// The audit log as CSV, with the page's filters: newest first, streamed page by page. The hashes are
// included so that the chain can be checked outside the app.
const COLUMNS: CsvColumn<AuditExportRow>[] = [
  { header: "id", value: (e) => e.id },
  { header: "at", value: (e) => e.at.toISOString() },
  { header: "actor_id", value: (e) => e.actorId },
  { header: "actor", value: (e) => e.actorName },
  { header: "action", value: (e) => e.action },
  { header: "entity", value: (e) => e.entity },
  { header: "entity_id", value: (e) => e.entityId },
  { header: "detail_json", value: (e) => e.detail },
  { header: "prev_hash", value: (e) => e.prevHash },
  { header: "hash", value: (e) => e.hash },
];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "audit:view");
  const url = new URL(request.url);
  const at = now();
  const { timeZone } = getOrganisation(db);
  const { filter } = readAuditFilter(db, url.searchParams, timeZone, at);
  const stream = csvStream<AuditExportRow, number>({
    columns: COLUMNS,
    fetchPage: (before, limit) => listAuditEvents(db, { ...filter, before: before ?? undefined, pageSize: limit }).rows,
    keyOf: (event) => event.id,
    bom: url.searchParams.get("bom") === "1",
  });
  return new Response(stream, { headers: csvHeaders(`audit-log-${localDate(at, timeZone)}.csv`) });
}
