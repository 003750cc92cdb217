// The shared start of every report loader and export: who may read reports (finance, or a manager
// for their branch), and the scope from the URL. A manager asking for another branch gets 403.
import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { csvHeaders, csvStream, type CsvColumn } from "~/domain/core/csv-export.server";
import { gestureExportColumns, gestureExportPage, ledgerExportColumns, ledgerExportPage, type ExportKey } from "~/domain/reporting/finance-export.server";
import { getOrganisation } from "~/domain/core/organisation.server";
import { can } from "~/domain/core/permissions";
import { readRange, readScope, reportAccess, type ReportRange, type ReportScope } from "~/domain/reporting/report-filter.server";
import { resolveReportScope } from "~/domain/reporting/spend-reports.server";
import type { SessionUser } from "~/domain/identity/sessions.server";
import { forbidden, requireUser } from "./auth.server";
import { now } from "./clock.server";
import { db, type DbOrTx } from "./db.server";
import { throwAsResponse } from "./errors.server";

/** The guard of finance's fairness, flags and export pages: finance sees every branch, a branch manager their own. */
export async function requireReportUser(request: Request): Promise<SessionUser> {
  const user = await requireUser(request);
  try {
    reportAccess(user);
  } catch (error) {
    throwAsResponse(error);
  }
  return user;
}

type ExportKind<Row> = {
  fileName: string;
  columns: (currency: string) => CsvColumn<Row>[];
  page: (db: DbOrTx, input: { scope: ReportScope; range: ReportRange; after: ExportKey | null; limit: number }) => Row[];
  keyOf: (row: Row) => ExportKey;
};

// What differs between the two exports; the rest (guard, filters, streaming, file name) is shared.
const EXPORTS = {
  gestures: { fileName: "gestures", columns: gestureExportColumns, page: gestureExportPage, keyOf: (row) => ({ at: row.submittedAt, id: row.id }) } satisfies ExportKind<ReturnType<typeof gestureExportPage>[number]>,
  ledger: { fileName: "ledger", columns: ledgerExportColumns, page: ledgerExportPage, keyOf: (row) => ({ at: row.at, id: row.id }) } satisfies ExportKind<ReturnType<typeof ledgerExportPage>[number]>,
};

/**
 * A finance export as a streamed CSV download (columns in the README), one keyset page at a time.
 * Invalid filters go back to the export page, which says what is wrong beside the field.
 */
export async function financeExportResponse(request: Request, context: AppLoadContext, kind: keyof typeof EXPORTS): Promise<Response> {
  const user = await requireReportUser(request);
  const url = new URL(request.url);
  const { currency, timeZone } = getOrganisation(db);
  const scope = readScope(db, user, url.searchParams);
  const range = readRange(url.searchParams, timeZone, now());
  if (Object.keys(scope.errors).length || Object.keys(range.errors).length) throw redirect(`/finance/exports?${url.searchParams}`);
  const spec = EXPORTS[kind] as ExportKind<unknown>;
  const stream = csvStream<unknown, ExportKey>({
    columns: spec.columns(currency),
    fetchPage: (after, limit) => spec.page(db, { scope: scope.scope, range: range.range, after, limit }),
    keyOf: spec.keyOf,
    bom: url.searchParams.get("bom") === "1",
    drained: context.drained,
  });
  const name = scope.scope.branchId !== null || scope.scope.region !== null ? `-${scope.label}` : "";
  return new Response(stream, { headers: csvHeaders(`${spec.fileName}${name}-${range.range.fromDate}-to-${range.range.toDate}.csv`) });
}

export async function requireReportScope(request: Request) {
  const user = await requireUser(request);
  if (!can(user.role, "reports:all") && !can(user.role, "reports:branch")) throw forbidden("Reports are for finance and branch managers.");
  try {
    return { user, scope: resolveReportScope(db, user, new URL(request.url).searchParams, now()) };
  } catch (error) {
    throwAsResponse(error);
  }
}

/** The scope's filters in the shape the report pages render. */
export function scopeForPage(scope: Awaited<ReturnType<typeof requireReportScope>>["scope"]) {
  return {
    periods: scope.periods,
    period: scope.period ? { id: scope.period.id, label: scope.period.label, startsOn: scope.period.startsOn, endsOn: scope.period.endsOn } : null,
    region: scope.region ?? "",
    branch: scope.branch,
    ownBranchOnly: scope.ownBranchOnly,
    regions: scope.ownBranchOnly ? null : scope.regions,
    branchOptions: scope.ownBranchOnly ? null : scope.branchOptions,
  };
}
