import { getFormProps, getInputProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Money, useCurrency } from "~/components/money";
import { TableWrap } from "~/components/table-wrap";
import { parseAllocationCsv } from "~/domain/budget/allocation-csv.server";
import { branchesWithAllocations, nextPeriod, openPeriod } from "~/domain/budget/budget-periods.server";
import { CSV_MAX_BYTES, OpenPeriodSchema } from "~/domain/budget/budget-schemas";
import { formatMoney, moneyInputText } from "~/domain/core/money";
import { getOrganisation } from "~/domain/core/organisation.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorResult } from "~/utils/errors.server";
import { newIdempotencyKey } from "~/utils/idempotency.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Open a budget period · Empathy Fund" }];

function loadNext() {
  const next = nextPeriod(db, now());
  const branches = branchesWithAllocations(db, next.previous?.id ?? null);
  return { next, branches };
}

// Finance opens the next period for every active branch at once. Amounts are typed, copied from the
// latest period, or read from a CSV; then reviewed; then confirmed.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "budgets:manage");
  const { next, branches } = loadNext();
  const copy = new URL(request.url).searchParams.get("copy") === "previous" && next.previous !== null;
  return json({
    next: { label: next.label, range: next.range, canOpen: next.canOpen, reason: next.reason, previousLabel: next.previous?.label ?? null },
    branches,
    prefill: copy ? Object.fromEntries(branches.map((b) => [b.id, b.previousAmount > 0 ? moneyInputText(b.previousAmount) : ""])) : null,
    prefillSource: copy ? "copy" : "blank",
    idempotencyKey: newIdempotencyKey(),
  });
}

type Review = { total: number; withoutAllocation: number; amounts: { branchId: number; name: string; text: string; amount: number }[] };
type ActionData =
  | { kind: "upload"; prefill: Record<string, string>; csvErrors: string[]; message: string }
  | { kind: "form"; result: SubmissionResult<string[]>; review: Review | null };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "budgets:manage");
  const { next, branches } = loadNext();
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    if (!next.canOpen) throw json({ message: next.reason }, { status: 409 });
    return json(await readUpload(request, branches), { status: 200 });
  }
  // Opening itself is checked by openPeriod, after its replay check: a repeated confirm is not an error.

  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: OpenPeriodSchema });
  if (submission.status !== "success") {
    return json<ActionData>({ kind: "form", result: submission.reply(), review: null }, { status: 400 });
  }
  const { intent, amounts, idempotencyKey } = submission.value;
  if (intent === "edit") return json<ActionData>({ kind: "form", result: submission.reply(), review: null });
  const names = new Map(branches.map((b) => [b.id, b.name]));
  if (intent === "review") {
    const review: Review = {
      total: amounts.reduce((sum, row) => sum + row.amount, 0),
      withoutAllocation: branches.length - amounts.filter((row) => row.amount > 0).length,
      amounts: amounts.map((row, index) => ({
        branchId: row.branchId,
        name: names.get(row.branchId) ?? `Branch ${row.branchId}`,
        text: String(formData.get(`amounts[${index}].amount`) ?? ""),
        amount: row.amount,
      })),
    };
    return json<ActionData>({ kind: "form", result: submission.reply(), review });
  }
  try {
    const result = openPeriod(db, user, { amounts, idempotencyKey, now: now() });
    const currency = getOrganisation(db).currency;
    return redirectWithToast(`/pools?period=${result.periodId}`, {
      kind: result.replayed ? "info" : "success",
      message: result.replayed
        ? `${result.label} was already opened; nothing was added twice.`
        : `${result.label} is open: ${result.pools} branch pools, ${formatMoney(result.total, currency)} allocated.`,
    });
  } catch (error) {
    const { result, status } = domainErrorResult(submission, error);
    return json<ActionData>({ kind: "form", result, review: null }, { status });
  }
}

async function readUpload(request: Request, branches: { id: number; code: string }[]): Promise<ActionData> {
  const fail = (message: string): ActionData => ({ kind: "upload", prefill: {}, csvErrors: [message], message: "" });
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: CSV_MAX_BYTES }));
  } catch {
    return fail(`The file is too large. A CSV of branch codes and amounts is at most ${CSV_MAX_BYTES / 1024} KB.`);
  }
  const file = formData.get("file");
  if (!(file instanceof Blob) || file.size === 0) return fail("Choose a CSV file with a branch code and an amount on each line.");
  const csv = parseAllocationCsv(await file.text(), branches);
  if (csv.errors.length > 0) return { kind: "upload", prefill: {}, csvErrors: csv.errors, message: "" };
  const prefill = Object.fromEntries([...csv.amounts].map(([branchId, amount]) => [String(branchId), moneyInputText(amount)]));
  const missing = branches.length - csv.amounts.size;
  return {
    kind: "upload",
    prefill,
    csvErrors: [],
    message: `Read ${csv.rows} ${csv.rows === 1 ? "row" : "rows"}.${missing > 0 ? ` ${missing} ${missing === 1 ? "branch was" : "branches were"} not in the file and ${missing === 1 ? "is" : "are"} left blank.` : ""} Check the amounts below, then review.`,
  };
}

export default function OpenPeriodPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { next } = data;
  const upload = actionData?.kind === "upload" ? actionData : null;
  const formResult = actionData?.kind === "form" ? actionData : null;
  const prefill = upload && upload.csvErrors.length === 0 ? upload.prefill : data.prefill;
  const prefillSource = upload && upload.csvErrors.length === 0 ? `upload-${JSON.stringify(upload.prefill).length}` : data.prefillSource;

  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/pools">Budgets</Link>
          </p>
          <h1>Open {next.label}</h1>
          <p>
            {next.range}. Every active branch gets a pool; the amounts below are allocated to them when you confirm.
          </p>
        </div>
      </div>
      {!next.canOpen ? (
        <p className="card">{next.reason}</p>
      ) : formResult?.review ? (
        <ReviewCard review={formResult.review} label={next.label} idempotencyKey={String((formResult.result.initialValue as { idempotencyKey?: string } | undefined)?.idempotencyKey ?? data.idempotencyKey)} />
      ) : (
        <>
          <section className="card" aria-labelledby="sources-title">
            <h2 id="sources-title">Fill in the amounts</h2>
            <p className="muted">Type them below, copy them from the latest period, or upload a CSV with a branch code and an amount on each line.</p>
            <div className="source-actions">
              {next.previousLabel ? (
                <Link className="button button--secondary" to="?copy=previous">
                  Copy from {next.previousLabel}
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
          <AmountsForm
            key={prefillSource}
            branches={data.branches}
            prefill={prefill}
            lastResult={formResult?.result}
            idempotencyKey={data.idempotencyKey}
            previousLabel={next.previousLabel}
          />
        </>
      )}
    </>
  );
}

function AmountsForm({
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
        {form.errors?.length ? (
          <p className="form-error" id={form.errorId} role="alert">
            {form.errors.join(" ")}
          </p>
        ) : null}
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
                        {item.amount.errors ? (
                          <p className="field__error" id={item.amount.errorId}>
                            {item.amount.errors.join(" ")}
                          </p>
                        ) : null}
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

function ReviewCard({ review, label, idempotencyKey }: { review: Review; label: string; idempotencyKey: string }) {
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
