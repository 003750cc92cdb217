// What a report, flag list or export covers, read from the query string in one vocabulary so that a
// page, its links and its export show the same thing:
//   from, to   the organisation's local dates, `to` inclusive (a budget period or a quarter is
//              named by its first day: `from` alone)
//   region     a region's name
//   branch     a branch's code
// and who may see which branches (finance every branch, a manager their own). A value that cannot
// be used is dropped with a message for its field. Older bookmarks (`period` as a budget period's
// id, `branch` as a branch's id, `quarter` as "2026-Q1") are translated by `currentReportUrl`.
import { asc, eq } from "drizzle-orm";
import { branches } from "../../../db/schema";
import { currentPeriod, findPeriod, listPeriods, type PeriodSummary } from "../budget/budget-periods.server";
import { periodContaining } from "../budget/periods";
import { addDays, addMonths, isValidIsoDate, localDate, startOfLocalDay } from "../core/dates";
import { DomainError } from "../core/errors";
import { getOrganisation } from "../core/organisation.server";
import { can } from "../core/permissions";
import type { SessionUser } from "../identity/sessions.server";
import type { DbOrTx } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

type Viewer = Pick<SessionUser, "role" | "branchId">;

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
export function reportAccess(user: Viewer): { allBranches: boolean; branchId: number | null } {
  if (can(user.role, "reports:all")) return { allBranches: true, branchId: null };
  if (can(user.role, "reports:branch") && user.branchId !== null) return { allBranches: false, branchId: user.branchId };
  if (can(user.role, "reports:branch")) throw new DomainError("FORBIDDEN", "You are not attached to a branch, so there is no branch report for you.");
  throw new DomainError("FORBIDDEN", "Only finance and branch managers see these reports.");
}

const branchColumns = { id: branches.id, code: branches.code, name: branches.name, region: branches.region };

export async function listBranchOptions(db: DbOrTx): Promise<BranchOption[]> {
  return await db.select(branchColumns).from(branches).orderBy(asc(branches.region), asc(branches.name));
}

export type ScopeForm = { region: string; branch: string };

export type ScopeFilter = {
  scope: ReportScope;
  /** The chosen branch (a manager's own), and the region shown: the chosen one, or the branch's. */
  branch: BranchOption | null;
  region: string | null;
  form: ScopeForm;
  errors: Partial<Record<keyof ScopeForm, string>>;
  /** A manager's reports are their branch's: no region or branch to choose. */
  ownBranchOnly: boolean;
  regions: string[];
  branches: BranchOption[];
  label: string;
};

/**
 * What a manager asking for another branch gets: the spend reports refuse it (403) rather than
 * quietly answer with theirs; fairness and the exports answer for the manager's own branch.
 */
export type OtherBranch = "refuse" | "own";

/** The scope chosen in the query string (`region`, `branch` as a branch code), within what the user may see. */
export async function readScope(db: DbOrTx, user: Viewer, params: URLSearchParams, otherBranch: OtherBranch = "own"): Promise<ScopeFilter> {
  const access = reportAccess(user);
  const form: ScopeForm = { region: (params.get("region") ?? "").trim().slice(0, 100), branch: (params.get("branch") ?? "").trim().slice(0, 20) };
  const errors: ScopeFilter["errors"] = {};
  if (!access.allBranches) {
    const own = (await firstRow(db.select(branchColumns).from(branches).where(eq(branches.id, access.branchId!)).limit(1)))!;
    if (otherBranch === "refuse" && form.branch && form.branch.toUpperCase() !== own.code) {
      throw new DomainError("FORBIDDEN", "You may see the reports of your own branch only.");
    }
    const scope = { branchId: own.id, region: null };
    return { scope, branch: own, region: null, form: { region: "", branch: own.code }, errors, ownBranchOnly: true, regions: [], branches: [own], label: own.name };
  }
  const options = await listBranchOptions(db);
  const regions = [...new Set(options.map((b) => b.region))];
  const result: ScopeFilter = { scope: { branchId: null, region: null }, branch: null, region: null, form, errors, ownBranchOnly: false, regions, branches: options, label: "All branches" };
  if (form.region) {
    if (regions.includes(form.region)) {
      result.scope.region = result.region = result.label = form.region;
    } else errors.region = "Choose a region from the list.";
  }
  if (form.branch) {
    const branch = options.find((b) => b.code === form.branch.toUpperCase());
    if (!branch) errors.branch = "Choose a branch from the list.";
    else {
      // The branch is the narrower choice: it wins and names its region.
      result.scope = { branchId: branch.id, region: null };
      result.branch = branch;
      result.region = branch.region;
      result.form = { region: branch.region, branch: branch.code };
      result.label = branch.name;
      delete errors.region;
    }
  }
  return result;
}

export type RangeForm = { from: string; to: string };

function rangeOf(fromDate: string, toDate: string, timeZone: string): ReportRange {
  return { fromDate, toDate, from: startOfLocalDay(fromDate, timeZone), until: startOfLocalDay(addDays(toDate, 1), timeZone) };
}

/** A period of whole days (`from`, `to`); by default the current quarter. */
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
  return { form: { from: form.from || fromDate, to: form.to || toDate }, range: rangeOf(fromDate, toDate, timeZone), errors };
}

/** A period the user picks from a list (a budget period, a quarter), named in the URL by its first day. */
export type PeriodChoice = { label: string; from: string; to: string; closed?: boolean };

/**
 * The fixed period containing `from` (`find`), or `current` without one. A `to` other than the
 * period's last day is refused beside the choice: these reports cover whole periods.
 */
function readChoice<P extends PeriodChoice>(params: URLSearchParams, find: (date: string) => P | null, current: P | null, kind: string) {
  const from = (params.get("from") ?? "").trim().slice(0, 10);
  const to = (params.get("to") ?? "").trim().slice(0, 10);
  const errors: { from?: string } = {};
  let chosen = current;
  if (from) {
    const found = isValidIsoDate(from) ? find(from) : null;
    if (!isValidIsoDate(from)) errors.from = "Enter a date like 2026-01-01.";
    else if (!found) errors.from = `Choose a ${kind} from the list.`;
    else if (to && to !== found.to) errors.from = `${found.label} runs from ${found.from} to ${found.to}; this report covers a whole ${kind}.`;
    chosen = found ?? current;
  }
  return { chosen, form: { from: chosen?.from ?? "" }, errors };
}

const budgetChoice = (p: PeriodSummary): PeriodChoice => ({ label: p.label, from: p.startsOn, to: addDays(p.endsOn, -1), closed: p.status === "closed" });

/** A budget period (spend reports, return on empathy, branch spend): by default the current one, else the newest. */
export async function readBudgetPeriod(db: DbOrTx, params: URLSearchParams, now: Date) {
  const periods = await listPeriods(db);
  const fallback = (await currentPeriod(db, now)) ?? periods[0] ?? null;
  const containing = (date: string) => periods.find((p) => p.startsOn <= date && date < p.endsOn) ?? null;
  const { chosen, form, errors } = readChoice(params, (date) => (containing(date) ? budgetChoice(containing(date)!) : null), fallback && budgetChoice(fallback), "budget period");
  const period = chosen ? containing(chosen.from) : null;
  return { period, options: periods.map(budgetChoice), form, errors };
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

const quarterChoice = (q: Quarter): PeriodChoice => ({ label: q.name, from: q.startsOn, to: addDays(q.endsOn, -1) });

/** Links that fill a date range with one of the last few quarters. */
export function quarterShortcuts(now: Date, timeZone: string, count = 4): PeriodChoice[] {
  return recentQuarters(now, timeZone, count).map(quarterChoice);
}

/** A calendar quarter that has begun (the flags): by default the current one. */
export function readQuarter(params: URLSearchParams, timeZone: string, now: Date) {
  const quarters = recentQuarters(now, timeZone);
  const find = (date: string) => {
    const quarter = quarterOf(date, timeZone);
    return quarter.from <= now ? quarterChoice(quarter) : null;
  };
  const { chosen, form, errors } = readChoice(params, find, quarterChoice(quarters[0]!), "quarter");
  const quarter = quarterOf(chosen!.from, timeZone);
  const options = quarters.map(quarterChoice);
  // An older quarter reached by its URL stays choosable.
  if (!options.some((o) => o.from === quarter.startsOn)) options.push(quarterChoice(quarter));
  return { quarter, options, form, errors };
}

/**
 * The same report in today's vocabulary for a URL in an older one, or null when it is current:
 * `period` (a budget period's id) becomes `from` (its first day), `quarter` ("2026-Q1") its first
 * day, and `branch` as a branch's id its code. An id the user may not see is left as it is (the
 * reader then refuses or ignores it), so the redirect never names another branch; an unreadable
 * old value is dropped, as the old readers ignored it. A code that looks like a number stays a code.
 */
export async function currentReportUrl(db: DbOrTx, user: Viewer, url: URL): Promise<string | null> {
  const params = new URLSearchParams(url.searchParams);
  params.delete("_data");
  let changed = false;
  const period = params.get("period");
  if (period !== null) {
    const id = Number(period);
    const found = Number.isSafeInteger(id) && id > 0 ? await findPeriod(db, id) : null;
    if (found && !params.get("from")) params.set("from", found.startsOn);
    params.delete("period");
    changed = true;
  }
  const quarterName = params.get("quarter");
  if (quarterName !== null) {
    const quarter = quarterNamed(quarterName.trim(), (await getOrganisation(db)).timeZone);
    if (quarter && !params.get("from")) params.set("from", quarter.startsOn);
    params.delete("quarter");
    changed = true;
  }
  const branchParam = params.get("branch")?.trim() ?? "";
  if (/^\d+$/.test(branchParam) && !(await firstRow(db.select({ id: branches.id }).from(branches).where(eq(branches.code, branchParam)).limit(1)))) {
    const id = Number(branchParam);
    if (Number.isSafeInteger(id) && (can(user.role, "reports:all") || user.branchId === id)) {
      const branch = await firstRow(db.select({ code: branches.code }).from(branches).where(eq(branches.id, id)).limit(1));
      if (branch) {
        params.set("branch", branch.code);
        changed = true;
      }
    }
  }
  if (!changed) return null;
  const search = params.toString();
  return `${url.pathname}${search ? `?${search}` : ""}`;
}
