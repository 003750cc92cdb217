import { getFormProps, getInputProps, getTextareaProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, type BadgeTone } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Money, useCurrency } from "~/components/money";
import { Pagination } from "~/components/pagination";
import { TableWrap } from "~/components/table-wrap";
import { UtilisationBar } from "~/components/utilisation-bar";
import { AdjustSchema, AllocateSchema, PoolActionSchema } from "~/domain/budget-schemas";
import { adjust, allocate, findPool, getPoolBalance, listPoolLedger, poolAccess } from "~/domain/ledger.server";
import { formatMoney } from "~/domain/money";
import { getOrganisation } from "~/domain/organisation.server";
import { can } from "~/domain/permissions";
import { periodRange } from "~/domain/periods";
import { LEDGER_KINDS, type LedgerKind } from "../../db/schema";
import { forbidden, requirePermission, requireUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorResult } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { newIdempotencyKey } from "~/utils/idempotency.server";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.pool.branchName} · ${data.pool.label} · Empathy Fund` : "Budget · Empathy Fund" },
];

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

function loadPool(params: LoaderFunctionArgs["params"]) {
  const id = Number(params.poolId);
  const pool = Number.isSafeInteger(id) && id > 0 ? findPool(db, id) : null;
  if (!pool) throw json({ message: "This budget pool does not exist. Pick one from the budgets list." }, { status: 404 });
  return pool;
}

// Finance sees and changes any pool; a branch manager reads their own branch's. Everyone else: 403.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!can(user.role, "budgets:manage") && !can(user.role, "reports:branch")) {
    throw forbidden("Budget ledgers are for finance and branch managers. Your branch's balance is on your home page.");
  }
  const pool = loadPool(params);
  const access = poolAccess(user, pool);
  if (!access) throw forbidden("This budget belongs to another branch. You can see your own branch's budget only.");
  const url = new URL(request.url);
  const kindParam = url.searchParams.get("kind") ?? "";
  const kind = (LEDGER_KINDS as readonly string[]).includes(kindParam) ? (kindParam as LedgerKind) : undefined;
  const page = pageFromUrl(url);
  const canChange = access === "manage" && pool.periodStatus === "open";
  return json({
    pool: { ...pool, range: periodRange(pool) },
    balance: getPoolBalance(db, pool.id),
    ledger: listPoolLedger(db, pool.id, { kind, page, pageSize: DEFAULT_PAGE_SIZE }),
    kind: kind ?? "",
    page,
    canChange,
    // A fresh key per rendered form: a double submit or a refresh moves money once.
    keys: canChange ? { allocate: newIdempotencyKey(), adjust: newIdempotencyKey() } : null,
  });
}

type Review = { intent: "allocate" | "adjust"; amountText: string; amount: number; note: string; idempotencyKey: string; availableAfter: number };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "budgets:manage");
  const pool = loadPool(params);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: PoolActionSchema });
  const intent = formData.get("intent") === "adjust" ? "adjust" : "allocate";
  if (submission.status !== "success") {
    return json({ intent, result: submission.reply(), review: null }, { status: 400 });
  }
  const input = submission.value;
  if (input.step === "edit") return json({ intent, result: submission.reply(), review: null });

  const currency = getOrganisation(db).currency;
  if (input.step === "review") {
    const available = getPoolBalance(db, pool.id).available;
    if (pool.periodStatus === "closed") {
      return json({ intent, result: submission.reply({ formErrors: [`${pool.label} is closed: its budget cannot change.`] }), review: null }, { status: 409 });
    }
    if (available + input.amount < 0) {
      const message = `${pool.branchName} has ${formatMoney(available, currency)} available; ${formatMoney(input.amount, currency)} would take it below zero.`;
      return json({ intent, result: submission.reply({ fieldErrors: { amount: [message] } }), review: null }, { status: 409 });
    }
    const review: Review = {
      intent: input.intent,
      amountText: String(formData.get("amount") ?? ""),
      amount: input.amount,
      note: input.intent === "adjust" ? input.reason : (input.memo ?? ""),
      idempotencyKey: input.idempotencyKey,
      availableAfter: available + input.amount,
    };
    return json({ intent, result: submission.reply(), review });
  }

  try {
    const at = now();
    const result =
      input.intent === "allocate"
        ? allocate(db, user, { poolId: pool.id, amount: input.amount, memo: input.memo, idempotencyKey: input.idempotencyKey, now: at })
        : adjust(db, user, { poolId: pool.id, amount: input.amount, reason: input.reason, idempotencyKey: input.idempotencyKey, now: at });
    const what = input.intent === "allocate" ? `Allocated ${formatMoney(input.amount, currency)}` : `Adjusted by ${formatMoney(input.amount, currency, { signed: true })}`;
    return redirectWithToast(`/pools/${pool.id}`, {
      kind: result.replayed ? "info" : "success",
      message: result.replayed
        ? "That was already recorded; nothing was added twice."
        : `${what} for ${pool.branchName}, ${pool.label}. Available now: ${formatMoney(result.available, currency)}.`,
    });
  } catch (error) {
    const { result, status } = domainErrorResult(submission, error);
    return json({ intent, result, review: null }, { status });
  }
}

export default function PoolPage() {
  const { pool, balance, ledger, kind, page, canChange, keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const budget = balance.allocated + balance.adjustments;
  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to={`/pools?period=${pool.periodId}`}>Budgets, {pool.label}</Link>
          </p>
          <h1>
            {pool.branchName} · {pool.label}
          </h1>
          <p>
            {pool.range} · {pool.region} · branch <span className="mono">{pool.branchCode}</span>{" "}
            {pool.periodStatus === "closed" ? <Badge tone="warning">Closed</Badge> : <Badge tone="success">Open</Badge>}
          </p>
        </div>
      </div>

      <section className="card" aria-labelledby="balance-title">
        <h2 id="balance-title">Balance</h2>
        <dl className="balance-list">
          <div className="balance-list__item balance-list__item--main">
            <dt>Available</dt>
            <dd>
              <Money amount={balance.available} />
            </dd>
          </div>
          <div className="balance-list__item">
            <dt>Allocated</dt>
            <dd>
              <Money amount={balance.allocated} />
            </dd>
          </div>
          <div className="balance-list__item">
            <dt>Adjustments</dt>
            <dd>
              <Money amount={balance.adjustments} signed />
            </dd>
          </div>
          <div className="balance-list__item">
            <dt>Committed (open holds)</dt>
            <dd>
              <Money amount={balance.committed} />
            </dd>
          </div>
          <div className="balance-list__item">
            <dt>Spent</dt>
            <dd>
              <Money amount={balance.spent} />
            </dd>
          </div>
        </dl>
        <UtilisationBar used={balance.committed + balance.spent} budget={budget} />
      </section>

      {canChange && keys ? (
        <div className="grid">
          <AllocateCard defaultKey={keys.allocate} actionData={actionData?.intent === "allocate" ? actionData : undefined} pool={pool} available={balance.available} />
          <AdjustCard defaultKey={keys.adjust} actionData={actionData?.intent === "adjust" ? actionData : undefined} pool={pool} available={balance.available} />
        </div>
      ) : pool.periodStatus === "closed" ? (
        <p className="card muted">{pool.label} is closed: this budget no longer changes. Corrections go into the current period.</p>
      ) : null}

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
    </>
  );
}

type CardProps = {
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

function FormErrors({ id, errors }: { id: string; errors: string[] | undefined }) {
  return errors?.length ? (
    <p className="form-error" id={id} role="alert">
      {errors.join(" ")}
    </p>
  ) : null;
}

function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  return errors?.length ? (
    <p className="field__error" id={id}>
      {errors.join(" ")}
    </p>
  ) : null;
}

function AllocateCard({ defaultKey, actionData, pool, available }: CardProps) {
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: "allocate",
    lastResult: actionData?.review ? undefined : (actionData?.result as SubmissionResult<string[]> | undefined),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AllocateSchema }),
  });
  return (
    <section className="card" aria-labelledby="allocate-title">
      <h2 id="allocate-title">Allocate</h2>
      {actionData?.review ? (
        <ConfirmBox review={actionData.review} pool={pool} available={available} />
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value="allocate" />
          <input type="hidden" name="step" value="review" />
          <input type="hidden" name="idempotencyKey" value={(fields.idempotencyKey.initialValue as string | undefined) ?? defaultKey} />
          <div className="field">
            <label htmlFor={fields.amount.id}>Amount to add ({currency})</label>
            <input {...getInputProps(fields.amount, { type: "text" })} inputMode="decimal" autoComplete="off" spellCheck={false} />
            <p className="field__hint">Like 500 or 1,250.00</p>
            <FieldError id={fields.amount.errorId} errors={fields.amount.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.memo.id}>Note (optional)</label>
            <input {...getInputProps(fields.memo, { type: "text" })} maxLength={200} />
            <FieldError id={fields.memo.errorId} errors={fields.memo.errors} />
          </div>
          <button type="submit" className="button">
            Review allocation
          </button>
        </Form>
      )}
    </section>
  );
}

function AdjustCard({ defaultKey, actionData, pool, available }: CardProps) {
  const currency = useCurrency();
  const [form, fields] = useForm({
    id: "adjust",
    lastResult: actionData?.review ? undefined : (actionData?.result as SubmissionResult<string[]> | undefined),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AdjustSchema }),
  });
  return (
    <section className="card" aria-labelledby="adjust-title">
      <h2 id="adjust-title">Adjust</h2>
      {actionData?.review ? (
        <ConfirmBox review={actionData.review} pool={pool} available={available} />
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value="adjust" />
          <input type="hidden" name="step" value="review" />
          <input type="hidden" name="idempotencyKey" value={(fields.idempotencyKey.initialValue as string | undefined) ?? defaultKey} />
          <div className="field">
            <label htmlFor={fields.amount.id}>Adjustment ({currency})</label>
            <input {...getInputProps(fields.amount, { type: "text" })} inputMode="decimal" autoComplete="off" spellCheck={false} />
            <p className="field__hint">A minus takes money out, like -250.00</p>
            <FieldError id={fields.amount.errorId} errors={fields.amount.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.reason.id}>Reason</label>
            <textarea {...getTextareaProps(fields.reason)} rows={2} maxLength={500} />
            <p className="field__hint">Shown in the ledger and the audit log. No customer details.</p>
            <FieldError id={fields.reason.errorId} errors={fields.reason.errors} />
          </div>
          <button type="submit" className="button">
            Review adjustment
          </button>
        </Form>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
