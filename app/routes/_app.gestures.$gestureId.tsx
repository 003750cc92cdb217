import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldErrors, FormErrors } from "~/components/forms";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money, useCurrency } from "~/components/money";
import { ProposalForm } from "~/components/proposal-form";
import { SEVERITY_LABELS, SIGNAL_KIND_LABELS } from "~/domain/customer-rules";
import { DELIVERY_LABELS } from "~/domain/gesture-rules";
import { DECISION_COMMENT_MAX, DecisionSchema, EditProposalSchema, WithdrawSchema } from "~/domain/gesture-schemas";
import { decideGesture, editProposal, proposalFormOptions, viewGesture, withdrawGesture } from "~/domain/gestures.server";
import { formatMoney } from "~/domain/money";
import { getOrganisation } from "~/domain/organisation.server";
import { requireUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, throwAsResponse } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { transitionToast } from "~/utils/gesture-toast.server";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Proposal #${data.view.gesture.id} · Empathy Fund` : "Proposal · Empathy Fund" }];

function gestureIdFrom(params: { gestureId?: string }) {
  const id = Number(params.gestureId);
  if (!Number.isSafeInteger(id) || id < 1) throw json({ message: "This proposal does not exist, or it is not yours to see." }, { status: 404 });
  return id;
}

const DECISION_WORDS = { approve: "Approved", reject: "Rejected", return: "Returned for changes" } as const;

// One proposal: its details, the history of decisions, and the actions the viewer may take
// (edit and resubmit, withdraw; approve, reject, return). The domain decides who sees what.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const gestureId = gestureIdFrom(params);
  try {
    const view = viewGesture(db, user, gestureId, now());
    const editOptions = view.can.edit ? proposalFormOptions(db, user, view.customer.id, now()) : null;
    return json({ view, editOptions });
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const gestureId = gestureIdFrom(params);
  // Someone who may not see the proposal learns nothing more from posting to it.
  try {
    viewGesture(db, user, gestureId, now());
  } catch (error) {
    throwAsResponse(error);
  }
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "approve" || intent === "reject" || intent === "return") {
    const submission = parseWithZod(formData, { schema: DecisionSchema });
    if (submission.status !== "success") return json(submission.reply(), { status: 400 });
    try {
      const result = decideGesture(db, user, { gestureId, version: submission.value.version, decision: submission.value.intent, comment: submission.value.comment }, now());
      const currency = getOrganisation(db).currency;
      const view = viewGesture(db, user, gestureId, now());
      const what = `proposal #${gestureId} (${formatMoney(view.gesture.requestedAmount, currency)}) for ${view.customer.name}`;
      const message = result.alreadyDone
        ? "You had already decided this; nothing happened twice."
        : result.status === "awaiting_finance"
          ? `Approved ${what}. It now waits for finance's second approval.`
          : result.status === "approved"
            ? `Approved ${what}; the money is set aside.`
            : result.status === "rejected"
              ? `Rejected ${what}. The proposer is told why.`
              : `Returned ${what} for changes. The proposer is told what to change.`;
      return redirectWithToast("/approvals", { kind: result.alreadyDone ? "info" : "success", message: message.slice(0, 300) });
    } catch (error) {
      return domainErrorReply(submission, error);
    }
  }
  if (intent === "withdraw") {
    const submission = parseWithZod(formData, { schema: WithdrawSchema });
    if (submission.status !== "success") return json(submission.reply(), { status: 400 });
    try {
      const result = withdrawGesture(db, user, { gestureId, version: submission.value.version }, now());
      return redirectWithToast(`/gestures/${gestureId}`, {
        kind: result.alreadyDone ? "info" : "success",
        message: result.alreadyDone ? "It was already withdrawn." : "Proposal withdrawn. Nothing was spent.",
      });
    } catch (error) {
      return domainErrorReply(submission, error);
    }
  }
  const submission = parseWithZod(formData, { schema: EditProposalSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const { intent: editIntent, signalId, ...input } = submission.value;
  try {
    const result = editProposal(db, user, { ...input, signalId: signalId ?? null, gestureId, submit: editIntent === "submit" }, now());
    return redirectWithToast(`/gestures/${gestureId}`, transitionToast(result));
  } catch (error) {
    return domainErrorReply(submission, error);
  }
}

export default function GesturePage() {
  const { view, editOptions } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const lastIntent = String(lastResult?.initialValue?.intent ?? "");
  const { gesture, customer, signal, decisions, can } = view;
  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">{can.decide ? <Link to="/approvals">Approvals</Link> : <Link to="/gestures">My proposals</Link>}</p>
          <h1>
            {gesture.typeName} for {customer.name}
          </h1>
          <p>
            Proposal #{gesture.id} · <GestureStatusBadge status={gesture.status} />
            {gesture.approvedAtDiscretion ? <span className="muted"> · approved at staff discretion</span> : null}
          </p>
        </div>
      </div>

      {can.decide ? <DecisionCard view={view} lastResult={["approve", "reject", "return"].includes(lastIntent) ? lastResult : undefined} /> : null}
      {view.decideRefusal ? (
        <p className="banner banner--neutral" role="note">
          {view.decideRefusal}
        </p>
      ) : null}

      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl className="details">
          <dt>Customer</dt>
          <dd>{customer.canOpen ? <Link to={`/customers/${customer.id}`}>{customer.name}</Link> : customer.name}</dd>
          <dt>Branch</dt>
          <dd>{gesture.branchName}</dd>
          <dt>Occasion</dt>
          <dd>{SIGNAL_KIND_LABELS[gesture.occasion]}</dd>
          {signal ? (
            <>
              <dt>Answers the signal</dt>
              <dd>
                {signal.label} on {signal.occurredOn}, {SEVERITY_LABELS[signal.severity]?.toLowerCase()} severity
              </dd>
            </>
          ) : null}
          <dt>Gesture</dt>
          <dd>{gesture.typeName}</dd>
          <dt>Amount</dt>
          <dd>
            <Money amount={gesture.requestedAmount} />
            {gesture.approvedAmount !== null && gesture.approvedAmount !== gesture.requestedAmount ? (
              <>
                {" "}
                (approved <Money amount={gesture.approvedAmount} />)
              </>
            ) : null}
          </dd>
          <dt>Delivery</dt>
          <dd>{DELIVERY_LABELS[gesture.deliveryMethod]}</dd>
          {gesture.cardMessage !== null ? (
            <>
              <dt>Card message</dt>
              <dd className="preserve-lines">{gesture.cardMessage || <span className="muted">None</span>}</dd>
            </>
          ) : null}
          {gesture.justification !== null ? (
            <>
              <dt>Justification</dt>
              <dd className="preserve-lines">{gesture.justification || <span className="muted">None</span>}</dd>
            </>
          ) : null}
          <dt>Proposed by</dt>
          <dd>{gesture.proposerName}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(gesture.createdAt, timeZone)}</dd>
          <dt>Submitted</dt>
          <dd>{gesture.submittedAt ? formatDateTime(gesture.submittedAt, timeZone) : "Not yet"}</dd>
          {gesture.approvedAt ? (
            <>
              <dt>Approved</dt>
              <dd>{formatDateTime(gesture.approvedAt, timeZone)}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">Decisions</h2>
        {decisions.length === 0 ? (
          <p className="empty-state">
            {gesture.approvedAtDiscretion ? "No approver was needed: it was within the discretion limit." : "Nobody has decided on it yet."}
          </p>
        ) : (
          <ol className="timeline">
            {decisions.map((d) => (
              <li key={d.id} className="timeline__item">
                <p className="timeline__head">
                  <strong>{DECISION_WORDS[d.decision]}</strong> by {d.approverName}
                  {d.onBehalfOfName ? ` for ${d.onBehalfOfName}` : ""} ({d.level === "finance" ? "finance" : "manager level"})
                  {d.amount !== null ? (
                    <>
                      {" "}
                      · <Money amount={d.amount} />
                    </>
                  ) : null}
                </p>
                {d.comment ? <p className="preserve-lines">“{d.comment}”</p> : null}
                <p className="muted timeline__meta">{formatDateTime(d.at, timeZone)}</p>
              </li>
            ))}
          </ol>
        )}
      </section>

      {can.edit && editOptions ? (
        <section className="card" aria-labelledby="edit-title">
          <h2 id="edit-title">{gesture.status === "returned" ? "Change and resubmit" : "Edit the draft"}</h2>
          <ProposalForm
            options={editOptions}
            defaults={{
              occasion: gesture.occasion,
              signalId: gesture.signalId,
              typeId: gesture.typeId,
              amount: gesture.requestedAmount,
              cardMessage: gesture.cardMessage ?? "",
              justification: gesture.justification ?? "",
              deliveryMethod: gesture.deliveryMethod,
            }}
            mode={{ kind: "edit", version: gesture.version }}
            lastResult={["save-draft", "submit"].includes(lastIntent) ? lastResult : undefined}
          />
        </section>
      ) : null}

      {can.withdraw ? <WithdrawCard version={gesture.version} errors={lastIntent === "withdraw" ? Object.values(lastResult?.error ?? {}).flatMap((m) => m ?? []) : undefined} /> : null}
    </>
  );
}

type View = ReturnType<typeof useLoaderData<typeof loader>>["view"];

function DecisionCard({ view, lastResult }: { view: View; lastResult?: SubmissionResult<string[]> }) {
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: "decision",
    lastResult,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DecisionSchema }),
  });
  const amount = view.gesture.requestedAmount;
  const goesToFinance = view.can.decide?.goesToFinance ?? false;
  return (
    <section className="card" aria-labelledby="decide-title">
      <h2 id="decide-title">Your decision{view.can.decide?.level === "finance" ? " (finance, second approval)" : ""}</h2>
      {view.poolAvailable !== null ? (
        <p>
          The {view.gesture.branchName} pool has <strong>{formatMoney(view.poolAvailable, currency)}</strong> available.{" "}
          {goesToFinance
            ? `This is at or over the second-approval threshold (${formatMoney(view.policy.secondApprovalThreshold, currency)}): your approval sends it to finance, who places the hold.`
            : view.poolAvailable >= amount
              ? `Approving sets aside ${formatMoney(amount, currency)}, leaving ${formatMoney(view.poolAvailable - amount, currency)}.`
              : `That cannot cover ${formatMoney(amount, currency)}: approval will be refused. Return it for a smaller amount, or ask finance to top up the pool.`}
        </p>
      ) : (
        <p className="banner banner--warning">No budget period is open for {view.gesture.branchName}; approval is refused until finance opens one.</p>
      )}
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="version" value={view.gesture.version} />
        <div className="field">
          <label htmlFor={fields.comment.id}>Comment</label>
          <textarea {...getTextareaProps(fields.comment)} rows={3} maxLength={DECISION_COMMENT_MAX} />
          <p className="field__hint">Required to reject (the reason) or return (what should change). The proposer reads it.</p>
          <FieldErrors errors={fields.comment.errors} id={fields.comment.errorId} />
        </div>
        <div className="actions">
          <button type="submit" name="intent" value="approve" className="button">
            {goesToFinance ? "Approve and send to finance" : `Approve ${formatMoney(amount, currency)}`}
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
  );
}

function WithdrawCard({ version, errors }: { version: number; errors?: string[] }) {
  return (
    <section className="card" aria-labelledby="withdraw-title">
      <h2 id="withdraw-title">Withdraw</h2>
      <FormErrors errors={errors?.length ? errors : undefined} />
      <details>
        <summary>Withdraw this proposal</summary>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="withdraw" />
          <input type="hidden" name="version" value={version} />
          <p>Withdrawing takes the proposal out of the approvers' queue for good. You can propose again later.</p>
          <button type="submit" className="button button--danger">
            Yes, withdraw it
          </button>
        </Form>
      </details>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
