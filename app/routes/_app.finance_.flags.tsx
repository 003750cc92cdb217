import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { FilterSelect } from "~/components/filter-fields";
import { ReportFilters } from "~/components/report-filters";
import { DOMAIN_ERROR_STATUS, isDomainError, domainErrorOf } from "~/domain/core/errors";
import { getOrganisation } from "~/domain/core/organisation.server";
import { FLAG_RULE_EXPLANATIONS, FLAG_RULE_LABELS, FLAG_RULES, ReviewFlagSchema, reviewFlag, reviewsFor, REVIEW_NOTE_MAX, type FlagRule } from "~/domain/reporting/patterns.server";
import { quarterNamed, readQuarter } from "~/domain/reporting/report-filter.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { pageFromUrl } from "~/utils/pagination";
import { useRootData } from "~/utils/root-data";
import { redirectOldReportUrl } from "~/utils/reports.server";
import { runReport } from "~/utils/report-worker.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Unusual patterns · Empathy Fund" }];

const PAGE_SIZE = 20;
/** Links shown per flag; the rest are counted. */
const GESTURE_LINKS = 12;
const STATUSES = ["open", "reviewed", "all"] as const;

function readFilters(params: URLSearchParams, timeZone: string, at: Date) {
  const { quarter, options, form, errors: periodErrors } = readQuarter(params, timeZone, at);
  const errors: { from?: string; rule?: string } = { ...periodErrors };
  const ruleParam = params.get("rule") ?? "";
  const rule = FLAG_RULES.includes(ruleParam as FlagRule) ? (ruleParam as FlagRule) : null;
  if (ruleParam && !rule) errors.rule = "Choose a rule from the list.";
  const statusParam = params.get("status") ?? "open";
  const status = STATUSES.includes(statusParam as (typeof STATUSES)[number]) ? (statusParam as (typeof STATUSES)[number]) : "open";
  return { quarter, options, from: form.from, rule, status, errors };
}

// Finance's list of unusual patterns in one quarter: computed on each visit from the quarter's
// gestures (see app/domain/reporting/patterns.server.ts), joined with finance's reviews.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "reports:all");
  await redirectOldReportUrl(request, user);
  const url = new URL(request.url);
  const { currency, timeZone } = await getOrganisation(db);
  const at = now();
  const { quarter, options, from, rule, status, errors } = readFilters(url.searchParams, timeZone, at);
  // Computed in a report worker thread (decision 52): the event loop stays free meanwhile.
  const flags = await runReport({ kind: "flags", quarter, currency, rules: rule ? [rule] : FLAG_RULES }, { signal: request.signal });
  const reviews = await reviewsFor(
    db,
    flags.map((f) => f.key),
  );
  const counts = { open: flags.filter((f) => !reviews.has(f.key)).length, reviewed: flags.filter((f) => reviews.has(f.key)).length };
  const shown = flags.filter((f) => (status === "all" ? true : status === "reviewed" ? reviews.has(f.key) : !reviews.has(f.key)));
  const page = pageFromUrl(url);
  const rows = shown.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((flag) => ({
    ...flag,
    ruleLabel: FLAG_RULE_LABELS[flag.rule],
    gestureIds: flag.gestureIds.slice(0, GESTURE_LINKS),
    moreGestures: Math.max(0, flag.gestureIds.length - GESTURE_LINKS),
    review: reviews.get(flag.key) ?? null,
  }));
  return json({
    form: { quarter: quarter.name, from, rule: rule ?? "", status },
    errors,
    quarters: options,
    rules: FLAG_RULES.map((r) => ({ value: r, label: FLAG_RULE_LABELS[r], explanation: FLAG_RULE_EXPLANATIONS[r] })),
    rows,
    counts,
    total: shown.length,
    page,
    hasNext: page * PAGE_SIZE < shown.length,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "reports:all");
  const form = await request.formData();
  const flagKey = String(form.get("flagKey") ?? "").slice(0, 300);
  const note = String(form.get("note") ?? "");
  const submission = parseWithZod(form, { schema: ReviewFlagSchema });
  if (submission.status !== "success") {
    return json({ flagKey, error: "This form was not sent as the page sends it; reload the page and try again.", note: note.slice(0, REVIEW_NOTE_MAX + 100) }, { status: 400 });
  }
  const { currency, timeZone } = await getOrganisation(db);
  const at = now();
  const quarter = quarterNamed(submission.value.quarter ?? "", timeZone);
  if (!quarter) return json({ flagKey, error: "This flag's quarter is missing; reload the page and try again.", note }, { status: 400 });
  try {
    await reviewFlag(db, user, { quarter, flagKey: submission.value.flagKey ?? "", note: submission.value.note ?? "", currency }, at);
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (!isDomainError(error)) throw error;
    return json({ flagKey, error: error.message, note: note.slice(0, REVIEW_NOTE_MAX + 100) }, { status: DOMAIN_ERROR_STATUS[error.code] });
  }
  const back = new URL(request.url);
  return await redirectWithToast(`${back.pathname}${back.search}`, { kind: "success", message: "Flag marked reviewed." });
}

export default function Flags() {
  const { form, errors, quarters, rules, rows, counts, total, page, hasNext } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const filtered = form.rule !== "" || form.status !== "open";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Unusual patterns</h1>
          <p>Patterns in {form.quarter} that deserve a second look. A flag is not a finding: open its gestures, then mark it reviewed with what you found.</p>
        </div>
      </div>
      <section className="card" aria-labelledby="rules-title">
        <h2 id="rules-title">The rules</h2>
        <dl className="detail-list">
          {rules.map((rule) => (
            <div key={rule.value}>
              <dt>{rule.label}</dt>
              <dd>{rule.explanation}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card" aria-label="Flags">
        <ReportFilters
          idPrefix="flags"
          label="Filter flags"
          period={{ kind: "choice", label: "Quarter", form: { from: form.from }, errors: { from: errors.from }, options: quarters }}
          clearHref={filtered ? `${location.pathname}?from=${form.from}` : null}
        >
          <FilterSelect id="flags-rule" name="rule" label="Rule" value={form.rule} error={errors.rule} anyLabel="Every rule" options={rules} />
          <FilterSelect id="flags-status" name="status" label="Review status" value={form.status}>
            <option value="open">Not reviewed ({counts.open})</option>
            <option value="reviewed">Reviewed ({counts.reviewed})</option>
            <option value="all">All ({counts.open + counts.reviewed})</option>
          </FilterSelect>
        </ReportFilters>
        {rows.length === 0 ? (
          <p className="empty-state">
            {form.status === "open"
              ? counts.reviewed > 0
                ? `Every flag of ${form.quarter} has been reviewed. Choose "Reviewed" to read the notes.`
                : `Nothing unusual in ${form.quarter}${form.rule ? " for this rule" : ""}. Choose another quarter to look further back.`
              : `No flags match these filters in ${form.quarter}.`}
          </p>
        ) : (
          <ol className="flag-list">
            {rows.map((flag) => {
              const formId = `review-${flag.key.replace(/[^A-Za-z0-9]/g, "-")}`;
              const failed = actionData && actionData.flagKey === flag.key ? actionData : null;
              return (
                <li key={flag.key} className="card flag">
                  <h3>
                    <Badge tone={flag.review ? "success" : "warning"}>{flag.review ? "Reviewed" : "Not reviewed"}</Badge> {flag.ruleLabel}: {flag.subject}
                  </h3>
                  <p>
                    {flag.summary}
                    {flag.branch ? ` Branch: ${flag.branch}.` : ""}
                  </p>
                  <p>
                    Gestures:{" "}
                    {flag.gestureIds.map((id, index) => (
                      <span key={id}>
                        {index > 0 ? ", " : null}
                        <Link to={`/gestures/${id}`}>#{id}</Link>
                      </span>
                    ))}
                    {flag.moreGestures > 0 ? ` and ${flag.moreGestures} more` : null}
                  </p>
                  {flag.review ? (
                    <p>
                      Reviewed by {flag.review.reviewerName} on {formatDateTime(flag.review.reviewedAt, timeZone)}: {flag.review.note}
                    </p>
                  ) : (
                    <Form method="post" className="flag__review" aria-label={`Review: ${flag.ruleLabel}, ${flag.subject}`}>
                      <input type="hidden" name="flagKey" value={flag.key} />
                      <input type="hidden" name="quarter" value={form.quarter} />
                      <div className="field">
                        <label htmlFor={formId}>What you found</label>
                        <textarea
                          id={formId}
                          name="note"
                          rows={2}
                          maxLength={REVIEW_NOTE_MAX}
                          required
                          defaultValue={failed?.note ?? ""}
                          aria-invalid={failed ? true : undefined}
                          aria-describedby={failed ? `${formId}-error` : undefined}
                        />
                        {failed ? (
                          <p className="field__error" id={`${formId}-error`} role="alert">
                            {failed.error}
                          </p>
                        ) : null}
                      </div>
                      <button type="submit" className="button button--secondary" disabled={navigation.state === "submitting"}>
                        Mark reviewed
                      </button>
                    </Form>
                  )}
                </li>
              );
            })}
          </ol>
        )}
        {total > PAGE_SIZE || page > 1 ? <Pagination page={page} hasNext={hasNext} total={total} pageSize={PAGE_SIZE} /> : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
