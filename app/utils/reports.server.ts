// The shared start of every report loader and export: who may read reports (finance, or a manager
// for their branch), an old bookmark sent on to today's URL, and the scope from the URL.
import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { csvHeaders } from "~/domain/core/csv-export.server";
import { getOrganisation } from "~/domain/core/organisation.server";
import { currentReportUrl, readBudgetPeriod, readRange, readScope, reportAccess, type OtherBranch, type ScopeFilter } from "~/domain/reporting/report-filter.server";
import type { SessionUser } from "~/domain/identity/sessions.server";
import { requireUser } from "./auth.server";
import { now } from "./clock.server";
import { db } from "./db.server";
import { throwAsResponse } from "./errors.server";
import { exportCsvStream } from "./export-worker.server";

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

/**
 * A finance export as a streamed CSV download (columns in the README), one keyset page at a time.
 * Invalid filters go back to the export page, which says what is wrong beside the field.
 */
export async function financeExportResponse(request: Request, context: AppLoadContext, kind: "gestures" | "ledger"): Promise<Response> {
  const { scope } = await requireReportScope(request);
  const url = new URL(request.url);
  const { currency, timeZone } = await getOrganisation(db);
  const range = readRange(url.searchParams, timeZone, now());
  if (Object.keys(scope.errors).length || Object.keys(range.errors).length) throw redirect(`/finance/exports?${url.searchParams}`);
  const stream = await exportCsvStream({ kind, scope: scope.scope, range: range.range, currency, bom: url.searchParams.get("bom") === "1" }, { drained: context.drained });
  const name = scope.scope.branchId !== null || scope.scope.region !== null ? `-${scope.label}` : "";
  return new Response(stream, { headers: csvHeaders(`${kind}${name}-${range.range.fromDate}-to-${range.range.toDate}.csv`) });
}

/**
 * A bookmark in an older vocabulary (a budget period's or branch's id, a quarter's name) goes on to
 * the same report in today's, with a 302: the translation depends on who asks, so no browser may
 * keep it as permanent. Pages call it after their guard, so a redirect never runs ahead of a 403.
 */
export async function redirectOldReportUrl(request: Request, user: Pick<SessionUser, "role" | "branchId">): Promise<void> {
  const target = await currentReportUrl(db, user, new URL(request.url));
  if (target) throw redirect(target);
}

/** The start of a report loader: the guard, an old bookmark's redirect, then the region and branch. */
export async function requireReportScope(request: Request, otherBranch: OtherBranch = "own") {
  const user = await requireReportUser(request);
  await redirectOldReportUrl(request, user);
  try {
    return { user, scope: await readScope(db, user, new URL(request.url).searchParams, otherBranch) };
  } catch (error) {
    throwAsResponse(error);
  }
}

/** The scope in the shape the pages render (ReportFilters' `scope`, and what the heading names). */
export function scopeForPage(scope: ScopeFilter) {
  return {
    form: scope.form,
    errors: scope.errors,
    regions: scope.ownBranchOnly ? null : scope.regions,
    branches: scope.ownBranchOnly ? null : scope.branches.map(({ code, name, region }) => ({ code, name, region })),
    region: scope.region ?? "",
    branch: scope.branch,
    ownBranchOnly: scope.ownBranchOnly,
    label: scope.label,
  };
}

/** A budget period chosen from the list, as ReportFilters draws it. */
export function budgetPeriodField(choice: Awaited<ReturnType<typeof readBudgetPeriod>>) {
  return { kind: "choice" as const, label: "Period", form: choice.form, errors: choice.errors, options: choice.options };
}

/**
 * The start of a report over one budget period (spend reports, return on empathy): the scope, where
 * a manager asking for another branch is refused, the period, and what the page's filter shows.
 */
export async function requireBudgetReport(request: Request) {
  const { scope } = await requireReportScope(request, "refuse");
  const choice = await readBudgetPeriod(db, new URL(request.url).searchParams, now());
  const period = choice.period;
  return {
    scope: scope.scope,
    period,
    filters: {
      ...scopeForPage(scope),
      period: period ? { label: period.label, startsOn: period.startsOn, endsOn: period.endsOn } : null,
      periodField: budgetPeriodField(choice),
    },
  };
}
