import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FilterInput, ScopeFields } from "~/components/scope-filters";
import { addDays } from "~/domain/core/dates";
import { getOrganisation } from "~/domain/core/organisation.server";
import { readRange, readScope, recentQuarters } from "~/domain/reporting/report-filter.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { requireReportUser } from "~/utils/reports.server";

export const meta: MetaFunction = () => [{ title: "Exports · Empathy Fund" }];

// Where finance (or a manager, for their branch) chooses a period and downloads gestures or ledger
// entries as CSV. The download links are plain GET forms, so they work without JavaScript.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireReportUser(request);
  const url = new URL(request.url);
  const { timeZone } = getOrganisation(db);
  const at = now();
  const scope = readScope(db, user, url.searchParams);
  const range = readRange(url.searchParams, timeZone, at);
  const quarters = recentQuarters(at, timeZone, 4).map((q) => ({ name: q.name, from: q.startsOn, to: addDays(q.endsOn, -1) }));
  return json({
    scope: { form: scope.form, errors: scope.errors, regions: scope.regions, branches: scope.branches, label: scope.label },
    range: { form: range.form, errors: range.errors },
    quarters,
  });
}

export default function Exports() {
  const { scope, range, quarters } = useLoaderData<typeof loader>();
  const quarterLink = (q: { from: string; to: string }) => {
    const params = new URLSearchParams({ from: q.from, to: q.to });
    if (scope.form.region && scope.regions.length) params.set("region", scope.form.region);
    if (scope.form.branch && scope.regions.length) params.set("branch", scope.form.branch);
    return `?${params}`;
  };
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Exports</h1>
          <p>
            Gestures and ledger entries of a period as CSV, for {scope.label}. The columns are listed in the README and never change order; amounts come
            in minor units and as decimals; dates are ISO 8601 (UTC). Customer notes, card messages, justifications and outcome notes are never exported.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title">Choose a period</h2>
        <p>
          Quarters:{" "}
          {quarters.map((q, index) => (
            <span key={q.name}>
              {index > 0 ? " · " : null}
              <Link to={quarterLink(q)}>{q.name}</Link>
            </span>
          ))}
        </p>
        <Form method="get" action="/finance/export/gestures" reloadDocument className="filters" aria-label="Export">
          <FilterInput id="export-from" name="from" label="From (date)" type="date" value={range.form.from} error={range.errors.from} />
          <FilterInput id="export-to" name="to" label="To (date, inclusive)" type="date" value={range.form.to} error={range.errors.to} />
          <ScopeFields idPrefix="export" scope={scope} />
          <div className="field--checkbox">
            <input id="export-bom" type="checkbox" name="bom" value="1" />
            <label htmlFor="export-bom">For Excel (adds a byte-order mark)</label>
          </div>
          <button type="submit" className="button">
            Download gestures (CSV)
          </button>
          <button type="submit" className="button button--secondary" formAction="/finance/export/ledger">
            Download ledger entries (CSV)
          </button>
        </Form>
        <p className="muted">A gesture belongs to the period in which it was submitted; a ledger entry to the period in which it was written.</p>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
