// The one filter of the reports, finance pages and exports: the period (two dates, or one budget
// period or quarter from a list) and, for finance, the region and branch. A plain GET form in the
// vocabulary of app/domain/reporting/report-filter.server.ts (`from`, `to`, `region`, `branch` code),
// so the choice stays in the URL and works without JavaScript; each error sits beside its field.
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { FilterInput, FilterSelect } from "~/components/filter-fields";

export type PeriodOption = { label: string; from: string; to: string; closed?: boolean };

export type PeriodField =
  /** Any whole days; `shortcuts` are links that fill both dates (e.g. the recent quarters). */
  | { kind: "dates"; form: { from: string; to: string }; errors: { from?: string; to?: string }; shortcuts?: PeriodOption[] }
  /** One period from a list (budget periods, quarters), sent as its first day. */
  | { kind: "choice"; label: string; form: { from: string }; errors: { from?: string }; options: PeriodOption[] };

/** Region and branch; null lists for a manager, whose reports are their own branch's. */
export type ScopeChoice = {
  form: { region: string; branch: string };
  errors: { region?: string; branch?: string };
  regions: string[] | null;
  branches: { code: string; name: string; region: string }[] | null;
};

type ReportFiltersProps = {
  /** Unique prefix for the controls' ids. */
  idPrefix: string;
  /** The form's accessible name. */
  label: string;
  period?: PeriodField;
  scope?: ScopeChoice;
  /** The page's own filters (status, rule...), after the period and scope. */
  children?: ReactNode;
  /** Where the form goes (a download) instead of this page, and its buttons instead of "Show". */
  action?: string;
  buttons?: ReactNode;
  clearHref?: string | null;
};

export function ReportFilters({ idPrefix, label, period, scope, children, action, buttons, clearHref }: ReportFiltersProps) {
  const choosesScope = Boolean(scope?.regions && scope.branches);
  const shortcutHref = (option: PeriodOption) => {
    const params = new URLSearchParams({ from: option.from, to: option.to });
    if (choosesScope && scope!.form.region) params.set("region", scope!.form.region);
    if (choosesScope && scope!.form.branch) params.set("branch", scope!.form.branch);
    return `?${params}`;
  };
  return (
    <>
      {period?.kind === "dates" && period.shortcuts?.length ? (
        <p>
          Quarters:{" "}
          {period.shortcuts.map((option, index) => (
            <span key={option.from}>
              {index > 0 ? " · " : null}
              <Link to={shortcutHref(option)}>{option.label}</Link>
            </span>
          ))}
        </p>
      ) : null}
      <Form method="get" action={action} reloadDocument={action ? true : undefined} className="filters" role={action ? undefined : "search"} aria-label={label}>
        {period?.kind === "dates" ? (
          <>
            <FilterInput id={`${idPrefix}-from`} name="from" label="From (date)" type="date" value={period.form.from} error={period.errors.from} />
            <FilterInput id={`${idPrefix}-to`} name="to" label="To (date, inclusive)" type="date" value={period.form.to} error={period.errors.to} />
          </>
        ) : period?.kind === "choice" ? (
          <FilterSelect id={`${idPrefix}-period`} name="from" label={period.label} value={period.form.from} error={period.errors.from}>
            {period.options.map((option) => (
              <option key={option.from} value={option.from}>
                {option.label}
                {option.closed ? " (closed)" : ""}
              </option>
            ))}
          </FilterSelect>
        ) : null}
        {choosesScope ? (
          <>
            <FilterSelect
              id={`${idPrefix}-region`}
              name="region"
              label="Region"
              value={scope!.form.region}
              error={scope!.errors.region}
              anyLabel="All regions"
              options={scope!.regions!.map((region) => ({ value: region, label: region }))}
            />
            <FilterSelect id={`${idPrefix}-branch`} name="branch" label="Branch" value={scope!.form.branch} error={scope!.errors.branch}>
              <option value="">{scope!.form.region ? `All branches in ${scope!.form.region}` : "All branches"}</option>
              {groupByRegion(scope!.branches!).map(([region, branches]) => (
                <optgroup key={region} label={region}>
                  {branches.map((branch) => (
                    <option key={branch.code} value={branch.code}>
                      {branch.name} ({branch.code})
                    </option>
                  ))}
                </optgroup>
              ))}
            </FilterSelect>
          </>
        ) : null}
        {children}
        {buttons ?? (
          <button type="submit" className="button button--secondary">
            Show
          </button>
        )}
        {clearHref ? <Link to={clearHref}>Clear filters</Link> : null}
      </Form>
    </>
  );
}

function groupByRegion<B extends { region: string }>(branches: B[]): [string, B[]][] {
  const groups = new Map<string, B[]>();
  for (const branch of branches) groups.set(branch.region, [...(groups.get(branch.region) ?? []), branch]);
  return [...groups];
}
