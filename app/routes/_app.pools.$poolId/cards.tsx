// The pool page's sections: the balance, the allocate and adjust forms with their confirmation
// step, and the ledger with its filter.
import { getFormProps, getInputProps, getTextareaProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useNavigation, type useLoaderData } from "@remix-run/react";
import { Badge, type BadgeTone } from "~/components/badge";
import { BalanceList } from "~/components/balance-list";
import { FieldErrors, FormErrors } from "~/components/forms";
import { Money, useCurrency } from "~/components/money";
import { Pagination } from "~/components/pagination";
import { TableWrap } from "~/components/table-wrap";
import { UtilisationBar } from "~/components/utilisation-bar";
import { AdjustSchema, AllocateSchema } from "~/domain/budget/budget-schemas";
import { formatMoney } from "~/domain/core/money";
import { LEDGER_KINDS, type LedgerKind } from "../../../db/schema";
import { formatDateTime } from "~/utils/format";
import { DEFAULT_PAGE_SIZE } from "~/utils/pagination";
import { useRootData } from "~/utils/root-data";
import type { Review } from "./intents.server";
import type { loader } from "./route";

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const KIND_LABELS: Record<LedgerKind, string> = {
  allocation: "Allocation",
  adjustment: "Adjustment",
  hold: "Hold",
  release: "Release",
  capture: "Capture",
};
const KIND_TONES: Record<LedgerKind, BadgeTone> = {
  allocation: "success",
  adjustment: "info",
  hold: "warning",
  release: "neutral",
  capture: "danger",
};

export function BalanceCard({ balance }: { balance: Data["balance"] }) {
  return (
    <section className="card" aria-labelledby="balance-title">
      <h2 id="balance-title">Balance</h2>
      <BalanceList
        items={[
          ["Available", <Money amount={balance.available} />],
          ["Allocated", <Money amount={balance.allocated} />],
          ["Adjustments", <Money amount={balance.adjustments} signed />],
          ["Committed (open holds)", <Money amount={balance.committed} />],
          ["Spent", <Money amount={balance.spent} />],
        ]}
      />
      <UtilisationBar used={balance.committed + balance.spent} budget={balance.allocated + balance.adjustments} />
    </section>
  );
}

export function LedgerCard({ pool, ledger, kind, page }: Pick<Data, "pool" | "ledger" | "kind" | "page">) {
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <section className="card" aria-labelledby="ledger-title">
      <h2 id="ledger-title">Ledger</h2>
      <p className="muted">Every entry, newest first, with the available balance after it. Entries are never changed or removed; corrections are new entries.</p>
      <Form method="get" className="filters" role="search" aria-label="Filter the ledger">
        <div className="field">
          <label htmlFor="ledger-kind">Kind of entry</label>
          <select id="ledger-kind" name="kind" defaultValue={kind}>
            <option value="">All entries</option>
            {LEDGER_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--secondary">
          Filter
        </button>
      </Form>
      {ledger.rows.length === 0 ? (
        <p className="empty-state">{kind ? "No entries of this kind. Choose All entries to see the whole ledger." : "No entries yet."}</p>
      ) : (
        <TableWrap label="Ledger entries">
          <table>
            <caption className="visually-hidden">
              Ledger of {pool.branchName} for {pool.label}
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Entry</th>
                <th scope="col">Details</th>
                <th scope="col">By</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col" className="num">
                  Available after
                </th>
              </tr>
            </thead>
            <tbody>
              {ledger.rows.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.at, timeZone)}</td>
                  <td>
                    <Badge tone={KIND_TONES[entry.kind]}>{KIND_LABELS[entry.kind]}</Badge>
                  </td>
                  <td>
                    {entry.memo ?? ""}
                    {entry.holdId ? <span className="muted"> · hold #{entry.holdId}</span> : null}
                    {entry.gestureId ? <span className="muted"> · gesture #{entry.gestureId}</span> : null}
                  </td>
                  <td>{entry.actorName ?? <span className="muted">System</span>}</td>
                  <td className="num">
                    <Money amount={entry.amount} signed />
                  </td>
                  <td className="num">
                    <Money amount={entry.balanceAfter} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <Pagination page={page} pageSize={DEFAULT_PAGE_SIZE} total={ledger.total} hasNext={page * DEFAULT_PAGE_SIZE < ledger.total} />
    </section>
  );
}

export type CardProps = {
  defaultKey: string;
  actionData: { intent: string; result: unknown; review: Review | null } | undefined;
  pool: { branchName: string; label: string };
  available: number;
};

function ConfirmBox({ review, pool, available }: { review: Review; pool: CardProps["pool"]; available: number }) {
  const currency = useCurrency();
  const submitting = useNavigation().state === "submitting";
  const verb = review.intent === "allocate" ? "Allocate" : "Adjust by";
  const hidden = (
    <>
      <input type="hidden" name="intent" value={review.intent} />
      <input type="hidden" name="amount" value={review.amountText} />
      <input type="hidden" name={review.intent === "allocate" ? "memo" : "reason"} value={review.note} />
      <input type="hidden" name="idempotencyKey" value={review.idempotencyKey} />
    </>
  );
  return (
    <div className="confirm" role="group" aria-labelledby={`${review.intent}-confirm-title`}>
      <h3 id={`${review.intent}-confirm-title`}>Check and confirm</h3>
      <p>
        {verb} <strong>{formatMoney(review.amount, currency, { signed: review.intent === "adjust" })}</strong> for {pool.branchName}, {pool.label}.
        {review.note ? (
          <>
            {" "}
            {review.intent === "adjust" ? "Reason" : "Note"}: “{review.note}”.
          </>
        ) : null}
      </p>
      <p>
        Available goes from {formatMoney(available, currency)} to <strong>{formatMoney(review.availableAfter, currency)}</strong>.
      </p>
      <div className="confirm__actions">
        <Form method="post">
          {hidden}
          <input type="hidden" name="step" value="confirm" />
          <button type="submit" className="button" aria-disabled={submitting || undefined}>
            {review.intent === "allocate" ? "Confirm allocation" : "Confirm adjustment"}
          </button>
        </Form>
        <Form method="post">
          {hidden}
          <input type="hidden" name="step" value="edit" />
          <button type="submit" className="button button--secondary">
            Change
          </button>
        </Form>
      </div>
    </div>
  );
}

type ChangeForm = {
  intent: "allocate" | "adjust";
  title: string;
  schema: typeof AllocateSchema | typeof AdjustSchema;
  amountLabel: string;
  amountHint: string;
  /** The memo (a one-line note) or the reason (required, several lines). */
  note: { name: "memo" | "reason"; label: string; hint?: string; multiline: boolean; maxLength: number };
  submitLabel: string;
};

/** Allocate and adjust share one form: amount, a note, then the confirmation step. */
function PoolChangeCard({ defaultKey, actionData, pool, available, form: spec }: CardProps & { form: ChangeForm }) {
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: spec.intent,
    lastResult: actionData?.review ? undefined : (actionData?.result as SubmissionResult<string[]> | undefined),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: spec.schema }),
  });
  const note = fields[spec.note.name];
  return (
    <section className="card" aria-labelledby={`${spec.intent}-title`}>
      <h2 id={`${spec.intent}-title`}>{spec.title}</h2>
      {actionData?.review ? (
        <ConfirmBox review={actionData.review} pool={pool} available={available} />
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value={spec.intent} />
          <input type="hidden" name="step" value="review" />
          <input type="hidden" name="idempotencyKey" value={(fields.idempotencyKey.initialValue as string | undefined) ?? defaultKey} />
          <div className="field">
            <label htmlFor={fields.amount.id}>
              {spec.amountLabel} ({currency})
            </label>
            <input {...getInputProps(fields.amount, { type: "text" })} inputMode="decimal" autoComplete="off" spellCheck={false} />
            <p className="field__hint">{spec.amountHint}</p>
            <FieldErrors id={fields.amount.errorId} errors={fields.amount.errors} />
          </div>
          <div className="field">
            <label htmlFor={note.id}>{spec.note.label}</label>
            {spec.note.multiline ? <textarea {...getTextareaProps(note)} rows={2} maxLength={spec.note.maxLength} /> : <input {...getInputProps(note, { type: "text" })} maxLength={spec.note.maxLength} />}
            {spec.note.hint ? <p className="field__hint">{spec.note.hint}</p> : null}
            <FieldErrors id={note.errorId} errors={note.errors} />
          </div>
          <button type="submit" className="button">
            {spec.submitLabel}
          </button>
        </Form>
      )}
    </section>
  );
}

const ALLOCATE: ChangeForm = {
  intent: "allocate",
  title: "Allocate",
  schema: AllocateSchema,
  amountLabel: "Amount to add",
  amountHint: "Like 500 or 1,250.00",
  note: { name: "memo", label: "Note (optional)", multiline: false, maxLength: 200 },
  submitLabel: "Review allocation",
};

const ADJUST: ChangeForm = {
  intent: "adjust",
  title: "Adjust",
  schema: AdjustSchema,
  amountLabel: "Adjustment",
  amountHint: "A minus takes money out, like -250.00",
  note: { name: "reason", label: "Reason", hint: "Shown in the ledger and the audit log. No customer details.", multiline: true, maxLength: 500 },
  submitLabel: "Review adjustment",
};

export function AllocateCard(props: CardProps) {
  return <PoolChangeCard {...props} form={ALLOCATE} />;
}

export function AdjustCard(props: CardProps) {
  return <PoolChangeCard {...props} form={ADJUST} />;
}
