// The gesture page's sections up to the decision: the header, the details, the history of
// decisions, and the edit, decision and withdraw cards. After approval: ./fulfilment-cards.tsx.
import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, type useLoaderData } from "@remix-run/react";
import { FieldErrors, FormErrors } from "~/components/forms";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money, useCurrency } from "~/components/money";
import { ProposalForm } from "~/components/proposal-form";
import { SEVERITY_LABELS, SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { DELIVERY_LABELS } from "~/domain/gestures/gesture-rules";
import { DECISION_COMMENT_MAX, DecisionSchema } from "~/domain/gestures/gesture-schemas";
import { formatMoney } from "~/domain/core/money";
import { formatDateTime } from "~/utils/format";
import { useCan, useRootData } from "~/utils/root-data";
import type { loader } from "./route";

export type View = ReturnType<typeof useLoaderData<typeof loader>>["view"];
type EditOptions = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["editOptions"]>;
export type CardProps = { view: View; lastResult?: SubmissionResult<string[]> };

const DECISION_WORDS = { approve: "Approved", reject: "Rejected", return: "Returned for changes" } as const;

export function PageHeader({ view }: { view: View }) {
  const { gesture, customer, can } = view;
  const may = useCan();
  // The way back offers only a list the viewer may open: the queue when the proposal waits for
  // their decision, else their own proposals; finance proposes nothing, so its way back is the queue.
  const mayApprove = may("gestures:approve") || may("gestures:approve-finance");
  const back =
    mayApprove && (can.decide || !may("gestures:propose"))
      ? { to: "/approvals", label: "Approvals" }
      : may("gestures:propose")
        ? { to: "/gestures", label: "My proposals" }
        : null;
  return (
    <div className="page-header">
      <div>
        {back ? (
          <p className="breadcrumb">
            <Link to={back.to}>{back.label}</Link>
          </p>
        ) : null}
        <h1>
          {gesture.typeName} for {customer.name}
        </h1>
        <p>
          Proposal #{gesture.id} · <GestureStatusBadge status={gesture.status} />
          {gesture.approvedAtDiscretion ? <span className="muted"> · approved at staff discretion</span> : null}
        </p>
      </div>
    </div>
  );
}

export function DetailsCard({ view }: { view: View }) {
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const { gesture, customer, signal } = view;
  return (
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
        {gesture.compensationOwed ? (
          <>
            <dt>Compensation owed to the customer?</dt>
            <dd>{gesture.compensationOwed === "yes" ? "Yes (refused: the complaints process applies)" : "No, goodwill"}</dd>
          </>
        ) : null}
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
  );
}

export function DecisionHistory({ view }: { view: View }) {
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const { gesture, decisions } = view;
  return (
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
  );
}

export function EditCard({ view, options, lastResult }: CardProps & { options: EditOptions }) {
  const { gesture } = view;
  return (
    <section className="card" aria-labelledby="edit-title">
      <h2 id="edit-title">{gesture.status === "returned" ? "Change and resubmit" : "Edit the draft"}</h2>
      <ProposalForm
        options={options}
        defaults={{
          occasion: gesture.occasion,
          signalId: gesture.signalId,
          typeId: gesture.typeId,
          amount: gesture.requestedAmount,
          cardMessage: gesture.cardMessage ?? "",
          justification: gesture.justification ?? "",
          deliveryMethod: gesture.deliveryMethod,
          compensationOwed: gesture.compensationOwed,
        }}
        mode={{ kind: "edit", version: gesture.version }}
        lastResult={lastResult}
      />
    </section>
  );
}

export function DecisionCard({ view, lastResult }: CardProps) {
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
          {view.gesture.approverReason ? (
            <p className="banner banner--warning" data-testid="approver-reason-needed">
              {view.gesture.approverReason}
            </p>
          ) : null}
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

export function WithdrawCard({ version, errors }: { version: number; errors?: string[] }) {
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
