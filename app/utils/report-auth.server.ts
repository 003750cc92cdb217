// The guard of finance's reports and exports: finance sees every branch, a branch manager their own.
import { reportAccess } from "~/domain/report-filter.server";
import type { SessionUser } from "~/domain/sessions.server";
import { requireUser } from "./auth.server";
import { throwAsResponse } from "./errors.server";

export async function requireReportUser(request: Request): Promise<SessionUser> {
  const user = await requireUser(request);
  try {
    reportAccess(user);
  } catch (error) {
    throwAsResponse(error);
  }
  return user;
}
