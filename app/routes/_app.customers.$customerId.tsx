import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SEGMENT_LABELS, SEVERITY_LABELS, SIGNAL_KIND_LABELS, SIGNAL_KINDS, SIGNAL_SOURCE_LABELS, type SignalKind, type SignalSource } from "~/domain/customers/customer-rules";
import { AddSignalSchema, CorrectSignalSchema, SIGNAL_NOTE_MAX } from "~/domain/customers/customer-schemas";
import { addSignal, correctSignal, viewCustomer } from "~/domain/customers/customers.server";
import { customerGestureHistory } from "~/domain/gestures/gesture-queries.server";
import { OUTCOME_LABELS } from "~/domain/reporting/spend-reports";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money } from "~/components/money";
import { TableWrap } from "~/components/table-wrap";
import type { Segment } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, throwAsResponse } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.customer.name ?? "Customer"} · Empathy Fund` }];

function customerIdFrom(params: { customerId?: string }) {
  const id = Number(params.customerId);
  if (!Number.isInteger(id) || id < 1) throw json({ message: "There is no such customer in your branch." }, { status: 404 });
  return id;
}

// A customer of the user's branch: profile, do-not-contact banner, timeline. Viewing sensitive
// context is recorded in the audit trail by viewCustomer.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "customers:view");
  const customerId = customerIdFrom(params);
  try {
    const view = viewCustomer(db, user, { customerId }, now());
    // viewCustomer has checked the customer is of the user's branch.
    return json({ ...view, gestures: customerGestureHistory(db, customerId) });
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "customers:view");
  const customerId = customerIdFrom(params);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "correct-signal") {
    const submission = parseWithZod(formData, { schema: CorrectSignalSchema });
    if (submission.status !== "success") return json(submission.reply(), { status: 400 });
    try {
      const { intent: _i, ...input } = submission.value;
      correctSignal(db, user, input, now());
    } catch (error) {
      return domainErrorReply(submission, error);
    }
    return redirectWithToast(`/customers/${customerId}`, { kind: "success", message: "Signal corrected. The previous version is kept in its history." });
  }
  const submission = parseWithZod(formData, { schema: AddSignalSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const { intent: _i, ...input } = submission.value;
    addSignal(db, user, { ...input, customerId }, now());
  } catch (error) {
    return domainErrorReply(submission, error);
  }
  return redirectWithToast(`/customers/${customerId}`, { kind: "success", message: "Signal added." });
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type TimelineItem = Loaded["timeline"][number];

export default function CustomerPage() {
  const { customer, timeline, today, retentionDays, gestures } = useLoaderData<typeof loader>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const correcting = lastResult?.initialValue?.intent === "correct-signal" ? String(lastResult.initialValue.signalId) : null;
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to="/customers">← Customers</Link>
          </p>
          <h1>{customer.name}</h1>
          <p>
            CRM reference <span className="mono">{customer.crmRef}</span> · {SEGMENT_LABELS[customer.segment as Segment]} · customer since{" "}
            {customer.customerSince}
          </p>
        </div>
        {customer.erased || customer.doNotContact ? null : (
          <Link to={`/gestures/new?customerId=${customer.id}`} className="button">
            Propose a gesture
          </Link>
        )}
      </div>
      {customer.erased ? (
        <p className="banner banner--neutral" role="note">
          This customer was erased at their request. Their name, address and notes were removed; only pseudonymous records remain.
        </p>
      ) : customer.doNotContact ? (
        <p className="banner banner--danger" role="note">
          <strong>Do not contact.</strong> {customer.doNotContactReason} This customer receives no gesture and never appears in suggestions.
        </p>
      ) : null}
      <div className="customer-layout">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title">Profile</h2>
          <dl className="details">
            <dt>Birthday</dt>
            <dd>{customer.birthday ? formatMonthDay(customer.birthday) : "Not recorded"}</dd>
            <dt>Delivery address</dt>
            <dd className="preserve-lines">{customer.deliveryAddress ?? "Not recorded"}</dd>
            <dt>Segment</dt>
            <dd>{SEGMENT_LABELS[customer.segment as Segment]}</dd>
            <dt>Customer since</dt>
            <dd>{customer.customerSince}</dd>
          </dl>
        </section>
        {customer.erased ? null : (
          <section className="card" aria-labelledby="add-signal-title">
            <h2 id="add-signal-title">Add a signal</h2>
            <AddSignalForm today={today} lastResult={lastResult?.initialValue?.intent === "add-signal" ? lastResult : undefined} />
          </section>
        )}
      </div>
      <section className="card" aria-labelledby="gestures-title">
        <h2 id="gestures-title">Gestures</h2>
        {gestures.length === 0 ? (
          <p className="empty-state">No gesture has been proposed for this customer yet.</p>
        ) : (
          <TableWrap label="Gestures for this customer">
            <table>
              <caption className="visually-hidden">Gestures for {customer.name}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Gesture</th>
                  <th scope="col">Occasion</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Proposed by</th>
                  <th scope="col">Date</th>
                </tr>
              </thead>
              <tbody>
                {gestures.map((g) => (
                  <tr key={g.id}>
                    <td>
                      <Link to={`/gestures/${g.id}`}>
                        #{g.id} {g.typeName}
                      </Link>
                    </td>
                    <td>{SIGNAL_KIND_LABELS[g.occasion as SignalKind]}</td>
                    <td className="num">
                      <Money amount={g.actualAmount ?? g.approvedAmount ?? g.amount} />
                      <span className="muted"> {g.actualAmount !== null ? "actual" : g.approvedAmount !== null ? "approved" : "requested"}</span>
                    </td>
                    <td>
                      <GestureStatusBadge status={g.status} />
                    </td>
                    <td>
                      {g.outcome ? OUTCOME_LABELS[g.outcome] : g.status === "fulfilled" ? <span className="muted">Not recorded yet</span> : <span className="muted">—</span>}
                    </td>
                    <td>{g.proposerName}</td>
                    <td>{formatDateTime(g.submittedAt ?? g.createdAt, timeZone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <p className="muted">
          Bereavement, illness and hardship are sensitive: their notes are shown only to your branch, each view is logged, and notes are removed{" "}
          {retentionDays} days after the event.
        </p>
        {timeline.length === 0 ? (
          <p className="empty-state">Nothing is recorded about this customer yet. Add a signal when you learn something that matters to them.</p>
        ) : (
          <ol className="timeline">
            {timeline.map((signal) => (
              <li key={signal.id} className="timeline__item">
                <SignalEntry signal={signal} timeZone={timeZone} />
                {signal.canCorrect ? (
                  <details className="timeline__correct" open={correcting === String(signal.id)}>
                    <summary>Correct this signal</summary>
                    <CorrectSignalForm signal={signal} today={today} lastResult={correcting === String(signal.id) ? lastResult : undefined} />
                  </details>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function formatMonthDay(monthDay: string) {
  const [month, day] = monthDay.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat("en-US", { month: "long", day: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(2024, month - 1, day)));
}

function SignalEntry({ signal, timeZone }: { signal: TimelineItem; timeZone: string }) {
  return (
    <>
      <p className="timeline__head">
        <strong>{SIGNAL_KIND_LABELS[signal.kind as SignalKind]}</strong> <span className="muted">on {signal.occurredOn}</span>{" "}
        {signal.sensitive ? <Badge tone="warning">Sensitive</Badge> : null} <Badge>{SEVERITY_LABELS[signal.severity]} severity</Badge>
      </p>
      {signal.note ? <p className="preserve-lines">{signal.note}</p> : signal.noteHiddenReason ? <p className="muted">{signal.noteHiddenReason}</p> : null}
      <p className="muted timeline__meta">
        {SIGNAL_SOURCE_LABELS[signal.source as SignalSource]}
        {signal.createdByName ? ` · ${signal.createdByName}` : ""} · recorded {formatDateTime(signal.createdAt, timeZone)}
        {signal.correctedAt ? ` · corrected ${formatDateTime(signal.correctedAt, timeZone)}` : ""}
      </p>
      {signal.revisions.length ? (
        <details>
          <summary>Earlier versions ({signal.revisions.length})</summary>
          <ul className="timeline__revisions">
            {signal.revisions.map((revision) => (
              <li key={revision.id}>
                {SIGNAL_KIND_LABELS[revision.kind as SignalKind]} on {revision.occurredOn}, {SEVERITY_LABELS[revision.severity]?.toLowerCase()} severity
                {revision.note ? `: “${revision.note}”` : ""} <span className="muted">(replaced by {revision.revisedByName}, {formatDateTime(revision.revisedAt, timeZone)})</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

type Fields = ReturnType<typeof useForm<Record<string, unknown>>>[1];

function SignalFields({ fields, idPrefix }: { fields: Fields; idPrefix: string }) {
  const kind = fields.kind!;
  const occurredOn = fields.occurredOn!;
  const severity = fields.severity!;
  const note = fields.note!;
  return (
    <>
      <div className="field">
        <label htmlFor={kind.id}>What happened</label>
        <select {...getSelectProps(kind)}>
          <option value="">Choose…</option>
          {SIGNAL_KINDS.map((k) => (
            <option key={k} value={k}>
              {SIGNAL_KIND_LABELS[k]}
            </option>
          ))}
        </select>
        <FieldError field={kind} />
      </div>
      <div className="field">
        <label htmlFor={occurredOn.id}>Date</label>
        <input {...getInputProps(occurredOn, { type: "date" })} />
        <FieldError field={occurredOn} />
      </div>
      <fieldset className="field">
        <legend>Severity</legend>
        <div className="radio-row">
          {[1, 2, 3].map((value) => (
            <label key={value} className="radio">
              <input
                type="radio"
                name={severity.name}
                value={value}
                id={`${idPrefix}-severity-${value}`}
                defaultChecked={String(severity.initialValue ?? "2") === String(value)}
              />
              {SEVERITY_LABELS[value]}
            </label>
          ))}
        </div>
        <FieldError field={severity} />
      </fieldset>
      <div className="field">
        <label htmlFor={note.id}>Note (optional)</label>
        <textarea {...getTextareaProps(note)} rows={3} maxLength={SIGNAL_NOTE_MAX} />
        <p className="field__hint">At most {SIGNAL_NOTE_MAX} characters. Write what helps a colleague; no medical details beyond what matters.</p>
        <FieldError field={note} />
      </div>
    </>
  );
}

function FieldError({ field }: { field: { errors?: string[]; errorId: string } }) {
  return field.errors ? (
    <p className="field__error" id={field.errorId}>
      {field.errors.join(" ")}
    </p>
  ) : null;
}

function AddSignalForm({ today, lastResult }: { today: string; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({
    id: "add-signal",
    lastResult,
    defaultValue: { occurredOn: today, severity: "2" },
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddSignalSchema }),
  });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="add-signal" />
      {form.errors?.length ? (
        <p className="form-error" id={form.errorId} role="alert">
          {form.errors.join(" ")}
        </p>
      ) : null}
      <SignalFields fields={fields as Fields} idPrefix="add" />
      <button type="submit" className="button">
        Add signal
      </button>
    </Form>
  );
}

function CorrectSignalForm({ signal, today, lastResult }: { signal: TimelineItem; today: string; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({
    id: `correct-${signal.id}`,
    lastResult,
    defaultValue: { kind: signal.kind, occurredOn: signal.occurredOn, severity: String(signal.severity), note: signal.note ?? "" },
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CorrectSignalSchema }),
  });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="correct-signal" />
      <input type="hidden" name="signalId" value={signal.id} />
      {form.errors?.length ? (
        <p className="form-error" id={form.errorId} role="alert">
          {form.errors.join(" ")}
        </p>
      ) : null}
      <SignalFields fields={fields as Fields} idPrefix={`correct-${signal.id}`} />
      <p className="field__hint">You may correct your own signal within a day of recording it. The previous version is kept.</p>
      <button type="submit" className="button button--secondary">
        Save correction
      </button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
