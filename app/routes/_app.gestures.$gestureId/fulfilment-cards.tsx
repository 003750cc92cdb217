// The gesture page's sections after approval: what was delivered, the fulfilment, re-approval,
// outcome and cancel cards. Shared types come from ./cards.
import { Fragment } from "react";
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { FieldErrors, FormErrors } from "~/components/forms";
import { Money, useCurrency } from "~/components/money";
import { OUTCOME_LABELS, RECEIPT_MAX_BYTES } from "~/domain/gestures/fulfilment-rules";
import { ASKED_NO_GESTURES, CANCEL_REASON_MAX, CancelSchema, FULFILMENT_NOTE_MAX, FulfilSchema, OUTCOME_NOTE_MAX, OutcomeSchema, ReapprovalSchema, VENDOR_MAX } from "~/domain/gestures/fulfilment-schemas";
import { formatMoney, moneyInputText } from "~/domain/core/money";
import { OUTCOMES } from "../../../db/schema";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import type { CardProps, View } from "./cards";

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
            <option value={ASKED_NO_GESTURES}>Asked not to receive gestures</option>
          </select>
          <FieldErrors errors={fields.outcome.errors} id={fields.outcome.errorId} />
        </div>
        <div className="field field--checkbox">
          <input {...getInputProps(fields.confirmNoGestures, { type: "checkbox" })} />
          <label htmlFor={fields.confirmNoGestures.id}>Only with “Asked not to receive gestures”: I confirm the customer asked this</label>
          <p className="field__hint">It is recorded as a negative response and marks the customer do-not-contact, with that reason: they leave every suggestion queue and receive no gesture from any branch.</p>
          <FieldErrors errors={fields.confirmNoGestures.errors} id={fields.confirmNoGestures.errorId} />
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
