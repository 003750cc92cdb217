// The shared start of every report loader: who may read reports (finance, or a manager for their
// branch), and the scope from the URL. A manager asking for another branch gets 403.
import { can } from "~/domain/permissions";
import { resolveReportScope } from "~/domain/reports.server";
import { forbidden, requireUser } from "./auth.server";
import { now } from "./clock.server";
import { db } from "./db.server";
import { throwAsResponse } from "./errors.server";

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
