// What a finance report, flag list or export covers: who may see which branches (finance every
// branch, a manager their own), and the period, read from the query string so that a page and its
// export show the same thing. A value that cannot be used is dropped with a message for its field.
import { asc, eq } from "drizzle-orm";
import { branches } from "../../../db/schema";
import { addDays, isValidIsoDate } from "../core/dates";
import { DomainError } from "../core/errors";
import { periodContaining } from "../budget/periods";
import { addMonths, localDate, startOfLocalDay } from "../core/dates";
import { can } from "../core/permissions";
import type { SessionUser } from "../identity/sessions.server";
import type { DbOrTx } from "~/utils/db.server";

/** The branches a report covers: one branch, one region, or (both null) every branch. */
export type ReportScope = { branchId: number | null; region: string | null };

export type ReportRange = {
  /** Calendar dates in the organisation's time zone; `toDate` inclusive. */
  fromDate: string;
  toDate: string;
  /** Instants: `from` inclusive, `until` exclusive. */
  from: Date;
  until: Date;
};

export type BranchOption = { id: number; code: string; name: string; region: string };

/** Finance sees every branch; a branch manager their own branch; nobody else sees reports. */
export function reportAccess(user: Pick<SessionUser, "role" | "branchId">): { allBranches: boolean; branchId: number | null } {
  if (can(user.role, "reports:all")) return { allBranches: true, branchId: null };
  if (can(user.role, "reports:branch") && user.branchId !== null) return { allBranches: false, branchId: user.branchId };
  throw new DomainError("FORBIDDEN", "Only finance and branch managers see these reports.");
}

export function listBranchOptions(db: DbOrTx): BranchOption[] {
  return db.select({ id: branches.id, code: branches.code, name: branches.name, region: branches.region }).from(branches).orderBy(asc(branches.region), asc(branches.name)).all();
}

export type ScopeForm = { region: string; branch: string };

/** The scope chosen in the query string (`region`, `branch` as a branch code), within what the user may see. */
export function readScope(db: DbOrTx, user: Pick<SessionUser, "role" | "branchId">, params: URLSearchParams) {
  const access = reportAccess(user);
  const form: ScopeForm = { region: (params.get("region") ?? "").trim().slice(0, 100), branch: (params.get("branch") ?? "").trim().slice(0, 20) };
  const errors: Partial<Record<keyof ScopeForm, string>> = {};
  if (!access.allBranches) {
    const own = db.select({ id: branches.id, code: branches.code, name: branches.name, region: branches.region }).from(branches).where(eq(branches.id, access.branchId!)).get()!;
    return { scope: { branchId: own.id, region: null } as ReportScope, form: { region: "", branch: own.code }, errors, branches: [own], regions: [] as string[], label: own.name };
  }
  const options = listBranchOptions(db);
  const regions = [...new Set(options.map((b) => b.region))];
  const scope: ReportScope = { branchId: null, region: null };
  let label = "All branches";
  if (form.region) {
    if (regions.includes(form.region)) {
      scope.region = form.region;
      label = form.region;
    } else errors.region = "Choose a region from the list.";
  }
  if (form.branch) {
    const branch = options.find((b) => b.code === form.branch);
    if (!branch) errors.branch = "Choose a branch from the list.";
    else if (scope.region && branch.region !== scope.region) errors.branch = `${branch.name} is not in ${scope.region}.`;
    else {
      scope.branchId = branch.id;
      label = branch.name;
    }
  }
  return { scope, form, errors, branches: options, regions, label };
}

export type RangeForm = { from: string; to: string };

/** A period of whole days; by default the current quarter (to today). */
export function readRange(params: URLSearchParams, timeZone: string, now: Date) {
  const today = localDate(now, timeZone);
  const quarter = periodContaining(today, "quarter");
  const form: RangeForm = { from: (params.get("from") ?? "").trim().slice(0, 10), to: (params.get("to") ?? "").trim().slice(0, 10) };
  const errors: Partial<Record<keyof RangeForm, string>> = {};
  let fromDate = quarter.startsOn;
  let toDate = addDays(quarter.endsOn, -1);
  if (form.from) {
    if (isValidIsoDate(form.from)) fromDate = form.from;
    else errors.from = "Enter a date like 2026-01-01.";
  }
  if (form.to) {
    if (isValidIsoDate(form.to)) toDate = form.to;
    else errors.to = "Enter a date like 2026-03-31.";
  }
  if (toDate < fromDate) {
    errors.to = "The end date must not be before the start date.";
    toDate = addDays(addMonths(periodContaining(fromDate, "quarter").startsOn, 3), -1);
  }
  const range: ReportRange = { fromDate, toDate, from: startOfLocalDay(fromDate, timeZone), until: startOfLocalDay(addDays(toDate, 1), timeZone) };
  return { form: { from: form.from || fromDate, to: form.to || toDate }, range, errors };
}

/** A calendar quarter by name ("2026-Q1"); the flags' window. */
export type Quarter = { name: string; startsOn: string; endsOn: string; from: Date; until: Date };

export function quarterNamed(name: string, timeZone: string): Quarter | null {
  const match = /^(\d{4})-Q([1-4])$/.exec(name);
  if (!match) return null;
  const startsOn = `${match[1]}-${String((Number(match[2]) - 1) * 3 + 1).padStart(2, "0")}-01`;
  const endsOn = addMonths(startsOn, 3);
  return { name, startsOn, endsOn, from: startOfLocalDay(startsOn, timeZone), until: startOfLocalDay(endsOn, timeZone) };
}

export function quarterOf(date: string, timeZone: string): Quarter {
  const { startsOn } = periodContaining(date, "quarter");
  return quarterNamed(`${startsOn.slice(0, 4)}-Q${(Number(startsOn.slice(5, 7)) - 1) / 3 + 1}`, timeZone)!;
}

/** The current quarter and the seven before it, newest first: the choices of a quarter filter. */
export function recentQuarters(now: Date, timeZone: string, count = 8): Quarter[] {
  const current = quarterOf(localDate(now, timeZone), timeZone);
  const list = [current];
  while (list.length < count) list.push(quarterOf(addDays(list[list.length - 1]!.startsOn, -1), timeZone));
  return list;
}
