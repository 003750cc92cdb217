// The customer page's sections: the do-not-contact banner, the profile, the gestures proposed for
// the customer, and the timeline of signals with the forms to add or correct one.
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, type useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { FieldErrors, FormErrors } from "~/components/forms";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money } from "~/components/money";
import { TableWrap } from "~/components/table-wrap";
import { SEGMENT_LABELS, SEVERITY_LABELS, SIGNAL_KIND_LABELS, SIGNAL_KINDS, SIGNAL_SOURCE_LABELS, type SignalKind, type SignalSource } from "~/domain/customers/customer-rules";
import { AddSignalSchema, CorrectSignalSchema, SIGNAL_NOTE_MAX } from "~/domain/customers/customer-schemas";
import { outcomeLabel } from "~/domain/gestures/fulfilment-rules";
import type { Segment } from "../../../db/schema";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import type { loader } from "./route";

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type TimelineItem = Loaded["timeline"][number];
type Reply = SubmissionResult<string[]> | undefined;

export function StatusBanner({ customer }: { customer: Loaded["customer"] }) {
  return customer.erased ? (
    <p className="banner banner--neutral" role="note">
      This customer was erased at their request. Their name, address and notes were removed; only pseudonymous records remain.
    </p>
  ) : customer.doNotContact ? (
    <p className="banner banner--danger" role="note">
      <strong>Do not contact.</strong> {customer.doNotContactReason} This customer receives no gesture and never appears in suggestions.
    </p>
  ) : null;
}

export function ProfileCard({ customer }: { customer: Loaded["customer"] }) {
  return (
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
  );
}

export function AddSignalCard({ today, lastResult }: { today: string; lastResult: Reply }) {
  return (
    <section className="card" aria-labelledby="add-signal-title">
      <h2 id="add-signal-title">Add a signal</h2>
      <AddSignalForm today={today} lastResult={lastResult} />
    </section>
  );
}

export function GesturesCard({ customerName, gestures }: { customerName: string; gestures: Loaded["gestures"] }) {
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <section className="card" aria-labelledby="gestures-title">
      <h2 id="gestures-title">Gestures</h2>
      {gestures.length === 0 ? (
        <p className="empty-state">No gesture has been proposed for this customer yet.</p>
      ) : (
        <TableWrap label="Gestures for this customer">
          <table>
            <caption className="visually-hidden">Gestures for {customerName}, newest first</caption>
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
                    {g.outcome ? outcomeLabel(g.outcome, g.askedNoGestures) : g.status === "fulfilled" ? <span className="muted">Not recorded yet</span> : <span className="muted">—</span>}
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
  );
}

export function TimelineCard({ timeline, today, retentionDays, lastResult }: { timeline: Loaded["timeline"]; today: string; retentionDays: number; lastResult: Reply }) {
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const correcting = lastResult?.initialValue?.intent === "correct-signal" ? String(lastResult.initialValue.signalId) : null;
  return (
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
        <FieldErrors errors={kind.errors} id={kind.errorId} />
      </div>
      <div className="field">
        <label htmlFor={occurredOn.id}>Date</label>
        <input {...getInputProps(occurredOn, { type: "date" })} />
        <FieldErrors errors={occurredOn.errors} id={occurredOn.errorId} />
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
        <FieldErrors errors={severity.errors} id={severity.errorId} />
      </fieldset>
      <div className="field">
        <label htmlFor={note.id}>Note (optional)</label>
        <textarea {...getTextareaProps(note)} rows={3} maxLength={SIGNAL_NOTE_MAX} />
        <p className="field__hint">At most {SIGNAL_NOTE_MAX} characters. Write what helps a colleague; no medical details beyond what matters.</p>
        <FieldErrors errors={note.errors} id={note.errorId} />
      </div>
    </>
  );
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
      <FormErrors errors={form.errors} id={form.errorId} />
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
      <FormErrors errors={form.errors} id={form.errorId} />
      <SignalFields fields={fields as Fields} idPrefix={`correct-${signal.id}`} />
      <p className="field__hint">You may correct your own signal within a day of recording it. The previous version is kept.</p>
      <button type="submit" className="button button--secondary">
        Save correction
      </button>
    </Form>
  );
}
