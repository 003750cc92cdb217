// The sections of "open a budget period": where the amounts come from, the amounts by branch,
// and the confirmation.
import { getFormProps, getInputProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { FieldErrors, FormErrors } from "~/components/forms";
import { Money, useCurrency } from "~/components/money";
import { TableWrap } from "~/components/table-wrap";
import { OpenPeriodSchema } from "~/domain/budget/budget-schemas";
import { formatMoney } from "~/domain/core/money";
import type { ActionData, Review } from "./intents.server";

export function SourcesCard({ previousLabel, upload }: { previousLabel: string | null; upload: Extract<ActionData, { kind: "upload" }> | null }) {
  return (
    <section className="card" aria-labelledby="sources-title">
      <h2 id="sources-title">Fill in the amounts</h2>
      <p className="muted">Type them below, copy them from the latest period, or upload a CSV with a branch code and an amount on each line.</p>
      <div className="source-actions">
        {previousLabel ? (
          <Link className="button button--secondary" to="?copy=previous">
            Copy from {previousLabel}
          </Link>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="upload-form">
          <div className="field">
            <label htmlFor="allocation-file">CSV file (branch code, amount)</label>
            <input id="allocation-file" name="file" type="file" accept=".csv,text/csv" required />
          </div>
          <button type="submit" className="button button--secondary">
            Read the file
          </button>
        </Form>
      </div>
      {upload?.csvErrors.length ? (
        <div className="form-error" role="alert">
          <p>The file was not used. Fix these lines and upload it again:</p>
          <ul>
            {upload.csvErrors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        </div>
      ) : upload?.message ? (
        <p className="toast toast--info" role="status">
          {upload.message}
        </p>
      ) : null}
    </section>
  );
}

export function AmountsForm({
  branches,
  prefill,
  lastResult,
  idempotencyKey,
  previousLabel,
}: {
  branches: { id: number; code: string; name: string; region: string; previousAmount: number }[];
  prefill: Record<string, string> | null;
  lastResult: SubmissionResult<string[]> | undefined;
  idempotencyKey: string;
  previousLabel: string | null;
}) {
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: "open-period",
    lastResult,
    defaultValue: { amounts: branches.map((b) => ({ branchId: String(b.id), amount: prefill?.[b.id] ?? "" })), idempotencyKey },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OpenPeriodSchema }),
  });
  const rows = fields.amounts.getFieldList();
  return (
    <section className="card" aria-labelledby="amounts-title">
      <h2 id="amounts-title">Amounts by branch</h2>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="idempotencyKey" value={(fields.idempotencyKey.value as string | undefined) ?? idempotencyKey} />
        <TableWrap label="Amounts table">
          <table>
            <caption className="visually-hidden">Amount to allocate to each branch</caption>
            <thead>
              <tr>
                <th scope="col">Branch</th>
                <th scope="col">Region</th>
                {previousLabel ? (
                  <th scope="col" className="num">
                    Allocated in {previousLabel}
                  </th>
                ) : null}
                <th scope="col">Amount ({currency})</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => {
                const branch = branches[index]!;
                const item = row.getFieldset();
                return (
                  <tr key={row.key}>
                    <th scope="row">
                      {branch.name} <span className="mono muted">{branch.code}</span>
                      <input type="hidden" name={item.branchId.name} value={String(branch.id)} />
                    </th>
                    <td>{branch.region}</td>
                    {previousLabel ? (
                      <td className="num">
                        <Money amount={branch.previousAmount} />
                      </td>
                    ) : null}
                    <td>
                      <div className="field field--inline">
                        <label htmlFor={item.amount.id} className="visually-hidden">
                          Amount for {branch.name}
                        </label>
                        <input {...getInputProps(item.amount, { type: "text" })} inputMode="decimal" autoComplete="off" spellCheck={false} />
                        <FieldErrors errors={item.amount.errors} id={item.amount.errorId} />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
        <p className="muted">A blank amount allocates nothing to that branch for now; finance can allocate to its pool later.</p>
        <button type="submit" name="intent" value="review" className="button">
          Review the amounts
        </button>
      </Form>
    </section>
  );
}

export function ReviewCard({ review, label, idempotencyKey }: { review: Review; label: string; idempotencyKey: string }) {
  const currency = useCurrency();
  const submitting = useNavigation().state === "submitting";
  const hidden = (
    <>
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {review.amounts.map((row, index) => (
        <Fragment key={row.branchId}>
          <input type="hidden" name={`amounts[${index}].branchId`} value={row.branchId} />
          <input type="hidden" name={`amounts[${index}].amount`} value={row.text} />
        </Fragment>
      ))}
    </>
  );
  return (
    <section className="card confirm" aria-labelledby="review-title">
      <h2 id="review-title">Check and confirm</h2>
      <p>
        Open <strong>{label}</strong> for {review.amounts.length} {review.amounts.length === 1 ? "branch" : "branches"} and allocate{" "}
        <strong>{formatMoney(review.total, currency)}</strong>
        {review.withoutAllocation > 0 ? `; ${review.withoutAllocation} ${review.withoutAllocation === 1 ? "branch gets" : "branches get"} nothing for now` : ""}.
      </p>
      <TableWrap label="Amounts to allocate">
        <table>
          <caption className="visually-hidden">Amounts to allocate in {label}</caption>
          <thead>
            <tr>
              <th scope="col">Branch</th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {review.amounts.map((row) => (
              <tr key={row.branchId}>
                <td>{row.name}</td>
                <td className="num">
                  <Money amount={row.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <div className="confirm__actions">
        <Form method="post">
          {hidden}
          <button type="submit" name="intent" value="open" className="button" aria-disabled={submitting || undefined}>
            Open {label}
          </button>
        </Form>
        <Form method="post">
          {hidden}
          <button type="submit" name="intent" value="edit" className="button button--secondary">
            Change the amounts
          </button>
        </Form>
      </div>
    </section>
  );
}
