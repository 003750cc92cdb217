import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldErrors, FormErrors } from "~/components/forms";
import { can } from "~/domain/core/permissions";
import { formatMoney } from "~/domain/core/money";
import { getOrganisation } from "~/domain/core/organisation.server";
import { checkDecisionLink, decisionPageView, decideWithLink, LINK_PROBLEM_STATUS, type LinkProblem } from "~/domain/gestures/decision-links.server";
import { DECISION_COMMENT_MAX, LinkDecisionSchema } from "~/domain/gestures/gesture-schemas";
import { forbidden, requireUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { submitForm } from "~/utils/form-action.server";
import { useCurrency } from "~/components/money";
import { redirectWithToast } from "~/utils/toast.server";
import { Fragment } from "react";

export const meta: MetaFunction = () => [{ title: "Decide on a proposal · Empathy Fund" }];

// The decision page an approval e-mail links to (issue 22): one proposal, its evidence, and
// Approve / Return / Reject with a comment. Opening it changes nothing; the decision is a form post
// through the same domain function as the proposal's page, with the link spent in its transaction.
// Signed out, the layout sends the visitor to sign-in and back here (the token rides in redirectTo).

async function requireApprover(request: Request) {
  const user = await requireUser(request);
  if (!can(user.role, "gestures:approve") && !can(user.role, "gestures:approve-finance")) {
    throw forbidden("Decision links are for branch managers and finance. Your own proposals are under My proposals.");
  }
  return user;
}

function gestureIdFrom(params: { gestureId?: string }) {
  const id = Number(params.gestureId);
  if (!/^\d{1,12}$/.test(params.gestureId ?? "") || !Number.isSafeInteger(id) || id < 1) {
    throw json({ message: "This proposal does not exist, or it is not yours to see." }, { status: 404 });
  }
  return id;
}

const REFUSAL_TITLES: Record<LinkProblem, string> = {
  invalid: "This approval link does not work",
  "other-proposal": "This approval link does not match the proposal",
  foreign: "This approval link is someone else's",
  used: "This approval link was already used",
  expired: "This approval link has expired",
  stale: "This proposal changed since the e-mail",
  "no-right": "You cannot decide this proposal now",
};

function readLink(request: Request, params: { gestureId?: string }) {
  return { gestureId: gestureIdFrom(params), token: new URL(request.url).searchParams.get("token") };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireApprover(request);
  const { gestureId, token } = readLink(request, params);
  const at = now();
  const check = await checkDecisionLink(db, user, { gestureId, token, secret: env.SESSION_SECRET }, at);
  if (!check.ok) {
    // Which proposal is named only to its own approver (used, expired, stale, no longer theirs).
    const mayOpen = check.problem === "used" || check.problem === "expired" || check.problem === "stale" || check.problem === "no-right";
    return json({ refusal: { title: REFUSAL_TITLES[check.problem], message: check.message, gestureId: mayOpen ? gestureId : null }, proposal: null }, { status: LINK_PROBLEM_STATUS[check.problem] });
  }
  return json({
    refusal: null,
    proposal: { ...(await decisionPageView(db, check, at)), action: `/approvals/${gestureId}/decide?${new URLSearchParams({ token: token ?? "" })}` },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireApprover(request);
  const { gestureId, token } = readLink(request, params);
  const at = now();
  const check = await checkDecisionLink(db, user, { gestureId, token, secret: env.SESSION_SECRET }, at);
  // A spent, expired, foreign or stale link decides nothing; the page then says why.
  if (!check.ok) return json({ formErrors: [check.message] }, { status: LINK_PROBLEM_STATUS[check.problem] });
  const formData = await request.formData();
  return await submitForm(formData, LinkDecisionSchema, async ({ intent, comment }) => {
    const result = await decideWithLink(db, user, { gestureId, token, secret: env.SESSION_SECRET, decision: intent, comment }, at);
    const currency = (await getOrganisation(db)).currency;
    const what = `proposal #${gestureId} (${formatMoney(check.gesture.requestedAmount, currency)})`;
    const message =
      result.status === "awaiting_finance"
        ? `Approved ${what}. It now waits for finance's second approval.`
        : result.status === "approved"
        ? `Approved ${what}; the money is set aside.`
        : result.status === "rejected"
        ? `Rejected ${what}. The proposer is told why.`
        : `Returned ${what} for changes. The proposer is told what to change.`;
    return await redirectWithToast("/approvals", { kind: "success", message });
  });
}

export default function DecideFromLinkPage() {
  const { refusal, proposal } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  if (refusal || !proposal) {
    return (
      <>
        <div className="page-header">
          <div>
            <p className="breadcrumb">
              <Link to="/approvals">Approvals</Link>
            </p>
            <h1>{refusal?.title ?? "This approval link does not work"}</h1>
          </div>
        </div>
        <section className="card" aria-labelledby="refusal-title">
          <h2 id="refusal-title" className="visually-hidden">
            What happened
          </h2>
          <p role="status">{refusal?.message}</p>
          <p className="actions">
            <Link className="button" to="/approvals">
              Go to your approvals queue
            </Link>
            {refusal?.gestureId ? (
              <Link className="button button--secondary" to={`/gestures/${refusal.gestureId}`}>
                {`Open proposal #${refusal.gestureId}`}
              </Link>
            ) : null}
          </p>
        </section>
      </>
    );
  }
  return <DecisionForm proposal={proposal} lastResult={lastResult} />;
}

type Proposal = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["proposal"]>;

function DecisionForm({ proposal, lastResult }: { proposal: Proposal; lastResult?: SubmissionResult<string[]> }) {
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: "decide-from-link",
    lastResult,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LinkDecisionSchema }),
  });
  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/approvals">Approvals</Link>
          </p>
          <h1>{`Decide on proposal #${proposal.gestureId}`}</h1>
          <p>
            {proposal.typeName} for {proposal.customerName}
            {proposal.level === "finance" ? " · finance, second approval" : ""}
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="summary-title">
        <h2 id="summary-title">The proposal</h2>
        <dl className="details">
          <dt>Customer</dt>
          <dd>{proposal.customerName}</dd>
          {proposal.lines.map((line) => (
            <Fragment key={line.label}>
              <dt>{line.label}</dt>
              <dd>{line.value}</dd>
            </Fragment>
          ))}
          {proposal.submittedAt ? (
            <>
              <dt>Submitted</dt>
              <dd>{proposal.submittedAt}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <Link to={`/gestures/${proposal.gestureId}`}>Open the whole proposal</Link> (its justification, card message and history).
        </p>
      </section>
      <section className="card" aria-labelledby="decide-title">
        <h2 id="decide-title">Your decision</h2>
        <Form method="post" action={proposal.action} className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <div className="field">
            <label htmlFor={fields.comment.id}>Comment</label>
            <textarea {...getTextareaProps(fields.comment)} rows={3} maxLength={DECISION_COMMENT_MAX} />
            <p className="field__hint">Required to reject (the reason) or return (what should change). The proposer reads it.</p>
            <FieldErrors errors={fields.comment.errors} id={fields.comment.errorId} />
          </div>
          <div className="actions">
            <button type="submit" name="intent" value="approve" className="button">
              {proposal.goesToFinance ? "Approve and send to finance" : `Approve ${formatMoney(proposal.amount, currency)}`}
            </button>
            <button type="submit" name="intent" value="return" className="button button--secondary">
              Return for changes
            </button>
            <button type="submit" name="intent" value="reject" className="button button--danger">
              Reject
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
