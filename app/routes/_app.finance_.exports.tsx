import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ReportFilters } from "~/components/report-filters";
import { getOrganisation } from "~/domain/core/organisation.server";
import { quarterShortcuts, readRange } from "~/domain/reporting/report-filter.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { requireReportScope, scopeForPage } from "~/utils/reports.server";

export const meta: MetaFunction = () => [{ title: "Exports · Empathy Fund" }];

// Where finance (or a manager, for their branch) chooses a period and downloads gestures or ledger
// entries as CSV. The download links are plain GET forms, so they work without JavaScript.
export async function loader({ request }: LoaderFunctionArgs) {
  const { scope } = await requireReportScope(request);
  const { timeZone } = await getOrganisation(db);
  const at = now();
  const range = readRange(new URL(request.url).searchParams, timeZone, at);
  return json({
    scope: scopeForPage(scope),
    periodField: { kind: "dates" as const, form: range.form, errors: range.errors, shortcuts: quarterShortcuts(at, timeZone) },
  });
}

export default function Exports() {
  const { scope, periodField } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Exports</h1>
          <p>
            Gestures and ledger entries of a period as CSV, for {scope.label}. The columns are listed in the README and never change order; amounts come in minor units and as decimals; dates are ISO
            8601 (UTC). Customer notes, card messages, justifications and outcome notes are never exported.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title">Choose a period</h2>
        <ReportFilters
          idPrefix="export"
          label="Export"
          period={periodField}
          scope={scope}
          action="/finance/export/gestures"
          buttons={
            <>
              <button type="submit" className="button">
                Download gestures (CSV)
              </button>
              <button type="submit" className="button button--secondary" formAction="/finance/export/ledger">
                Download ledger entries (CSV)
              </button>
            </>
          }
        >
          <div className="field--checkbox">
            <input id="export-bom" type="checkbox" name="bom" value="1" />
            <label htmlFor="export-bom">For Excel (adds a byte-order mark)</label>
          </div>
        </ReportFilters>
        <p className="muted">A gesture belongs to the period in which it was submitted; a ledger entry to the period in which it was written.</p>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
