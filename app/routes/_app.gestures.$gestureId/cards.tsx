// The gesture page's sections: the decision, re-approval, fulfilment and outcome forms, the
// details and the history of decisions, the edit, cancel and withdraw cards.
import { Fragment } from "react";
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, type useLoaderData } from "@remix-run/react";
import { FieldErrors, FormErrors } from "~/components/forms";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money, useCurrency } from "~/components/money";
import { ProposalForm } from "~/components/proposal-form";
import { SEVERITY_LABELS, SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { DELIVERY_LABELS } from "~/domain/gestures/gesture-rules";
import { DECISION_COMMENT_MAX, DecisionSchema } from "~/domain/gestures/gesture-schemas";
import { OUTCOME_LABELS, RECEIPT_MAX_BYTES } from "~/domain/gestures/fulfilment-rules";
import { CANCEL_REASON_MAX, CancelSchema, FULFILMENT_NOTE_MAX, FulfilSchema, OUTCOME_NOTE_MAX, OutcomeSchema, ReapprovalSchema, VENDOR_MAX } from "~/domain/gestures/fulfilment-schemas";
import { formatMoney, moneyInputText } from "~/domain/core/money";
import { OUTCOMES } from "../../../db/schema";
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

export function FulfilmentDetails({ view }: { view: View }) {
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const g = view.gesture;
  const rows: [string, React.ReactNode][] = [];
  if (g.status === "approved" && g.expiresAt) rows.push(["Approval expires", `${formatDateTime(g.expiresAt, timeZone)} if not fulfilled by then`]);
  if (g.actualAmount !== null) {
    rows.push([
      g.status === "needs_reapproval" ? "Actual amount (waiting for approval)" : "Actual amount",
      <>
        <Money amount={g.actualAmount} />
        {g.approvedAmount !== null && g.actualAmount !== g.approvedAmount ? (
          <span className="muted">
            {" "}
            ({g.actualAmount > g.approvedAmount ? "over" : "under"} the approved <Money amount={g.approvedAmount} /> by <Money amount={Math.abs(g.actualAmount - g.approvedAmount)} />)
          </span>
        ) : null}
      </>,
    ]);
  }
  if (g.vendor) rows.push(["Vendor", g.vendor]);
  if (g.fulfilledOn) rows.push(["Delivered on", g.fulfilledOn]);
  if (g.fulfilledByName) rows.push(["Fulfilment recorded by", `${g.fulfilledByName}${g.fulfilledAt ? `, ${formatDateTime(g.fulfilledAt, timeZone)}` : ""}`]);
  if (g.fulfilmentNote) rows.push(["Delivery note", <span className="preserve-lines">{g.fulfilmentNote}</span>]);
  if (view.receipt) {
    rows.push([
      "Receipt",
      <a href={`/gestures/${g.id}/receipt`}>
        {view.receipt.originalName} ({view.receipt.mediaType === "application/pdf" ? "PDF" : "image"}, {Math.max(1, Math.round(view.receipt.size / 1024))} KB)
      </a>,
    ]);
  }
  if (g.status === "cancelled") rows.push(["Cancelled", `${g.cancelledByName ?? "Someone"}${g.endedAt ? `, ${formatDateTime(g.endedAt, timeZone)}` : ""}${g.cancelReason ? `: “${g.cancelReason}”` : ""}`]);
  if (g.status === "expired") rows.push(["Expired", `${g.endedAt ? formatDateTime(g.endedAt, timeZone) : ""}: not fulfilled within ${view.policy.approvalExpiryDays} days; the money went back to the pool.`]);
  if (g.outcome) {
    rows.push(["Customer's response", OUTCOME_LABELS[g.outcome]]);
    if (g.outcomeNote) rows.push(["Response note", <span className="preserve-lines">{g.outcomeNote}</span>]);
    if (g.outcomeRecordedByName) rows.push(["Response recorded by", `${g.outcomeRecordedByName}${g.outcomeRecordedAt ? `, ${formatDateTime(g.outcomeRecordedAt, timeZone)}` : ""}`]);
  }
  if (rows.length === 0) return null;
  const overdue = g.status === "fulfilled" && g.outcomeDueAt && new Date(g.outcomeDueAt).getTime() <= Date.now();
  return (
    <section className="card" aria-labelledby="fulfilment-title">
      <h2 id="fulfilment-title">Fulfilment and outcome</h2>
      {overdue ? (
        <p className="banner banner--warning" role="note">
          The customer's response is not recorded yet, and the follow-up date has passed. Record it when you know.
        </p>
      ) : null}
      <dl className="details">
        {rows.map(([term, value]) => (
          <Fragment key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

export function FulfilCard({ view, lastResult }: CardProps) {
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: "fulfil",
    lastResult,
    shouldValidate: "onSubmit",
    defaultValue: { actualAmount: view.gesture.heldAmount !== null ? moneyInputText(view.gesture.heldAmount) : "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FulfilSchema }),
  });
  const receiptErrors = (lastResult?.error as Record<string, string[] | null> | undefined)?.receipt ?? undefined;
  const approved = view.gesture.approvedAmount ?? 0;
  return (
    <section className="card" aria-labelledby="fulfil-title">
      <h2 id="fulfil-title">Record the fulfilment</h2>
      <p>
        Approved: <strong>{formatMoney(approved, currency)}</strong>. Up to {view.policy.varianceTolerancePercent}% more is accepted if the pool can cover it; beyond that it goes back to the
        approver. A receipt is required above {formatMoney(view.policy.receiptRequiredAbove, currency)}.
      </p>
      <Form method="post" encType="multipart/form-data" className="form" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="fulfil" />
        <input type="hidden" name="version" value={view.gesture.version} />
        <div className="field">
          <label htmlFor={fields.actualAmount.id}>Actual amount ({currency})</label>
          <input {...getInputProps(fields.actualAmount, { type: "text" })} inputMode="decimal" autoComplete="off" />
          <FieldErrors errors={fields.actualAmount.errors} id={fields.actualAmount.errorId} />
        </div>
        <div className="field">
          <label htmlFor={fields.vendor.id}>Vendor</label>
          <input {...getInputProps(fields.vendor, { type: "text" })} maxLength={VENDOR_MAX} autoComplete="organization" />
          <p className="field__hint">The florist, shop or charity that supplied it.</p>
          <FieldErrors errors={fields.vendor.errors} id={fields.vendor.errorId} />
        </div>
        <div className="field">
          <label htmlFor={fields.fulfilledOn.id}>Delivered on</label>
          <input {...getInputProps(fields.fulfilledOn, { type: "date" })} min={view.fulfilmentDates.earliest} max={view.fulfilmentDates.latest} />
          <FieldErrors errors={fields.fulfilledOn.errors} id={fields.fulfilledOn.errorId} />
        </div>
        <div className="field">
          <label htmlFor={fields.note.id}>Delivery note (optional)</label>
          <textarea {...getTextareaProps(fields.note)} rows={2} maxLength={FULFILMENT_NOTE_MAX} />
          <FieldErrors errors={fields.note.errors} id={fields.note.errorId} />
        </div>
        <div className="field">
          <label htmlFor="fulfil-receipt">Receipt</label>
          <input id="fulfil-receipt" name="receipt" type="file" accept="image/jpeg,image/png,application/pdf" aria-describedby="fulfil-receipt-hint fulfil-receipt-error" />
          <p className="field__hint" id="fulfil-receipt-hint">
            JPEG, PNG or PDF, up to {RECEIPT_MAX_BYTES / 1024 / 1024} MB.{view.receipt ? ` A receipt is on file (${view.receipt.originalName}); choose a file only to replace it.` : ""}
            {lastResult ? " If you chose a file, choose it again." : ""}
          </p>
          <FieldErrors errors={receiptErrors} id="fulfil-receipt-error" />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Record fulfilment
          </button>
        </div>
      </Form>
    </section>
  );
}

export function OutcomeCard({ view, lastResult }: CardProps) {
  const [form, fields] = useForm({ id: "outcome", lastResult, shouldValidate: "onSubmit", onValidate: ({ formData }) => parseWithZod(formData, { schema: OutcomeSchema }) });
  return (
    <section className="card" aria-labelledby="outcome-title">
      <h2 id="outcome-title">How did the customer respond?</h2>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="outcome" />
        <input type="hidden" name="version" value={view.gesture.version} />
        <div className="field">
          <label htmlFor={fields.outcome.id}>Response</label>
          <select {...getSelectProps(fields.outcome)}>
            <option value="">Choose…</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABELS[o]}
              </option>
            ))}
          </select>
          <FieldErrors errors={fields.outcome.errors} id={fields.outcome.errorId} />
        </div>
        <div className="field">
          <label htmlFor={fields.note.id}>Note (optional)</label>
          <textarea {...getTextareaProps(fields.note)} rows={2} maxLength={OUTCOME_NOTE_MAX} />
          <p className="field__hint">Only staff and managers of the branch read it.</p>
          <FieldErrors errors={fields.note.errors} id={fields.note.errorId} />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Record the response
          </button>
        </div>
      </Form>
    </section>
  );
}

export function ReapprovalCard({ view, lastResult }: CardProps) {
  const currency = useCurrency();
  const [form, fields] = useForm({ id: "reapproval", lastResult, shouldValidate: "onSubmit", onValidate: ({ formData }) => parseWithZod(formData, { schema: ReapprovalSchema }) });
  const held = view.gesture.heldAmount ?? 0;
  const actual = view.gesture.actualAmount ?? 0;
  return (
    <section className="card" aria-labelledby="reapproval-title">
      <h2 id="reapproval-title">Approve the actual amount</h2>
      <p>
        It cost <strong>{formatMoney(actual, currency)}</strong>, <strong>{formatMoney(actual - held, currency)}</strong> more than the {formatMoney(held, currency)} approved. Approving
        records the fulfilment and spends {formatMoney(actual, currency)} from the pool; refusing leaves it approved at {formatMoney(held, currency)}.
      </p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="version" value={view.gesture.version} />
        <div className="field">
          <label htmlFor={fields.comment.id}>Comment</label>
          <textarea {...getTextareaProps(fields.comment)} rows={2} maxLength={1000} />
          <p className="field__hint">Required to refuse.</p>
          <FieldErrors errors={fields.comment.errors} id={fields.comment.errorId} />
        </div>
        <div className="actions">
          <button type="submit" name="intent" value="reapprove" className="button">
            Approve {formatMoney(actual, currency)}
          </button>
          <button type="submit" name="intent" value="refuse-reapproval" className="button button--danger">
            Refuse
          </button>
        </div>
      </Form>
    </section>
  );
}

export function CancelCard({ view, lastResult }: CardProps) {
  const [form, fields] = useForm({ id: "cancel", lastResult, shouldValidate: "onSubmit", onValidate: ({ formData }) => parseWithZod(formData, { schema: CancelSchema }) });
  return (
    <section className="card" aria-labelledby="cancel-title">
      <h2 id="cancel-title">Cancel</h2>
      <details open={Boolean(lastResult)}>
        <summary>Cancel this gesture</summary>
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <input type="hidden" name="intent" value="cancel" />
          <input type="hidden" name="version" value={view.gesture.version} />
          <p>Cancelling releases the money set aside back to the pool. It cannot be undone.</p>
          <div className="field">
            <label htmlFor={fields.reason.id}>Reason</label>
            <textarea {...getTextareaProps(fields.reason)} rows={2} maxLength={CANCEL_REASON_MAX} />
            <FieldErrors errors={fields.reason.errors} id={fields.reason.errorId} />
          </div>
          <button type="submit" className="button button--danger">
            Yes, cancel it
          </button>
        </Form>
      </details>
    </section>
  );
}
