import { Form } from "@remix-run/react";

type Option = { id: number; label: string; status?: "open" | "closed" };
type ReportFiltersProps = {
  /** Unique prefix for the controls' ids. */
  idPrefix: string;
  periods: Option[];
  periodId: number;
  /** Finance chooses a region and a branch; a manager's report is always their own branch. */
  regions: string[] | null;
  region: string;
  branches: { id: number; code: string; name: string; region: string }[] | null;
  branchId: number | null;
};

/** Period, region and branch of a report, as a plain GET form so the choice stays in the URL. */
export function ReportFilters({ idPrefix, periods, periodId, regions, region, branches, branchId }: ReportFiltersProps) {
  return (
    <Form method="get" className="filters" role="search" aria-label="Choose what the report covers">
      <div className="field">
        <label htmlFor={`${idPrefix}-period`}>Period</label>
        <select id={`${idPrefix}-period`} name="period" defaultValue={String(periodId)}>
          {periods.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
              {p.status === "closed" ? " (closed)" : ""}
            </option>
          ))}
        </select>
      </div>
      {regions ? (
        <div className="field">
          <label htmlFor={`${idPrefix}-region`}>Region</label>
          <select id={`${idPrefix}-region`} name="region" defaultValue={region}>
            <option value="">All regions</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {branches ? (
        <div className="field">
          <label htmlFor={`${idPrefix}-branch`}>Branch</label>
          <select id={`${idPrefix}-branch`} name="branch" defaultValue={branchId ? String(branchId) : ""}>
            <option value="">{region ? `All branches in ${region}` : "All branches"}</option>
            {branches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name} ({b.code})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <button type="submit" className="button button--secondary">
        Show
      </button>
    </Form>
  );
}
