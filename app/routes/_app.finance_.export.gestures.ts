import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { csvHeaders, csvStream } from "~/domain/csv-export.server";
import { gestureExportColumns, gestureExportPage, type ExportKey, type GestureExportRow } from "~/domain/finance-export.server";
import { getOrganisation } from "~/domain/organisation.server";
import { readRange, readScope } from "~/domain/report-filter.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { requireReportUser } from "~/utils/report-auth.server";

// Gestures submitted in a period as CSV (columns in the README), streamed one keyset page at a time.
// Invalid filters go back to the export page, which says what is wrong beside the field.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireReportUser(request);
  const url = new URL(request.url);
  const { currency, timeZone } = getOrganisation(db);
  const scope = readScope(db, user, url.searchParams);
  const range = readRange(url.searchParams, timeZone, now());
  if (Object.keys(scope.errors).length || Object.keys(range.errors).length) throw redirect(`/finance/exports?${url.searchParams}`);
  const stream = csvStream<GestureExportRow, ExportKey>({
    columns: gestureExportColumns(currency),
    fetchPage: (after, limit) => gestureExportPage(db, { scope: scope.scope, range: range.range, after, limit }),
    keyOf: (row) => ({ at: row.submittedAt, id: row.id }),
    bom: url.searchParams.get("bom") === "1",
    drained: context.drained,
  });
  const name = scope.scope.branchId !== null || scope.scope.region !== null ? `-${scope.label}` : "";
  return new Response(stream, { headers: csvHeaders(`gestures${name}-${range.range.fromDate}-to-${range.range.toDate}.csv`) });
}
