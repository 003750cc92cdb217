import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Money, useCurrency } from "~/components/money";
import { closePeriod, closeSummary } from "~/domain/budget/budget-periods.server";
import { ClosePeriodSchema } from "~/domain/budget/budget-schemas";
import { isDomainError, DOMAIN_ERROR_STATUS, domainErrorOf } from "~/domain/core/errors";
import { formatMoney } from "~/domain/core/money";
import { getOrganisation } from "~/domain/core/organisation.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Close ${data.period.label} · Empathy Fund` : "Close a period · Empathy Fund" }];

function periodIdOf(params: LoaderFunctionArgs["params"]): number {
  const id = Number(params.periodId);
  if (!Number.isSafeInteger(id) || id <= 0) throw json({ message: "This budget period does not exist." }, { status: 404 });
  return id;
}

async function summaryOf(periodId: number) {
  try {
    return await closeSummary(db, periodId, now());
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (isDomainError(error)) throw json({ message: error.message }, { status: DOMAIN_ERROR_STATUS[error.code] });
    throw error;
  }
}

// The confirmation page for closing a period: what happens to open holds and the unspent balance.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "budgets:manage");
  const summary = await summaryOf(periodIdOf(params));
  return json(summary);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "budgets:manage");
  const periodId = periodIdOf(params);
  await summaryOf(periodId); // 404 for a period that does not exist
  const parsed = ClosePeriodSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "This form was not sent as expected. Reload the page and try again." }, { status: 400 });
  try {
    const result = await closePeriod(db, user, { periodId, carryOpenHolds: parsed.data.carryOpenHolds === "on", now: now() });
    const currency = (await getOrganisation(db)).currency;
    const parts = [
      result.carriedHolds > 0 ? `${result.carriedHolds} open ${result.carriedHolds === 1 ? "hold" : "holds"} carried into the next period` : null,
      result.lapsed > 0 ? `${formatMoney(result.lapsed, currency)} unspent lapsed` : null,
      result.carriedOver > 0 ? `${formatMoney(result.carriedOver, currency)} unspent carried over` : null,
    ].filter(Boolean);
    return await redirectWithToast(`/pools?period=${periodId}`, {
      kind: "success",
      message: `${result.label} is closed${parts.length ? `: ${parts.join("; ")}` : ""}.`,
    });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (!isDomainError(error)) throw error;
    return json({ error: error.message }, { status: DOMAIN_ERROR_STATUS[error.code] });
  }
}

export default function ClosePeriodPage() {
  const summary = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const currency = useCurrency();
  const submitting = useNavigation().state === "submitting";
  const { period, next, nextLabel, openHolds, unspent, rule, blocked } = summary;
  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to={`/pools?period=${period.id}`}>Budgets, {period.label}</Link>
          </p>
          <h1>Close {period.label}</h1>
          <p>
            {summary.range} {period.status === "closed" ? <Badge tone="warning">Closed</Badge> : <Badge tone="success">Open</Badge>}
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="close-title">
        <h2 id="close-title">What closing does</h2>
        <ul className="plain-list">
          <li>The pools of {period.label} take no new holds, allocations or adjustments.</li>
          <li>
            Open holds: <strong>{openHolds.count}</strong> (<Money amount={openHolds.total} />
            ).{" "}
            {openHolds.count > 0
              ? `Closing needs them resolved first, or carried into ${nextLabel}: each is released here and placed again there, both in the ledger and the audit log.`
              : "None, so nothing needs carrying."}
          </li>
          <li>
            Unspent balance: <strong>{formatMoney(unspent, currency)}</strong>
            {openHolds.count > 0 ? ` (plus ${formatMoney(openHolds.total, currency)} released from carried holds)` : ""}.{" "}
            {rule === "lapse"
              ? "By the organisation's rule it lapses: an adjustment in each pool brings it to zero."
              : `By the organisation's rule it carries over: an adjustment moves it from each pool to the branch's pool in ${nextLabel}.`}
          </li>
          <li>{next ? `${nextLabel} is ${next.status}.` : `${nextLabel} has not been opened yet.`}</li>
        </ul>
        {blocked ? (
          <p className="form-error" role="alert">
            {blocked}
          </p>
        ) : (
          <Form method="post" className="form">
            {actionData?.error ? (
              <p className="form-error" role="alert">
                {actionData.error}
              </p>
            ) : null}
            {openHolds.count > 0 ? (
              <div className="field field--checkbox">
                <input id="carry-open-holds" name="carryOpenHolds" type="checkbox" defaultChecked />
                <label htmlFor="carry-open-holds">
                  Carry the {openHolds.count} open {openHolds.count === 1 ? "hold" : "holds"} into {nextLabel}
                </label>
              </div>
            ) : null}
            <div className="confirm__actions">
              <button type="submit" className="button button--danger" aria-disabled={submitting || undefined}>
                Close {period.label}
              </button>
              <Link to={`/pools?period=${period.id}`} className="button button--secondary">
                Cancel
              </Link>
            </div>
          </Form>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
