import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { OpenPeriodSchema } from "~/domain/budget/budget-schemas";
import { moneyInputText } from "~/domain/core/money";
import { requirePermission } from "~/utils/auth.server";
import { newIdempotencyKey } from "~/utils/idempotency.server";
import { AmountsForm, ReviewCard, SourcesCard } from "./cards";
import * as steps from "./intents.server";

export const meta: MetaFunction = () => [{ title: "Open a budget period · Empathy Fund" }];

// Finance opens the next period for every active branch at once. Amounts are typed, copied from the
// latest period, or read from a CSV; then reviewed; then confirmed.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "budgets:manage");
  const { next, branches } = await steps.loadNext();
  const copy = new URL(request.url).searchParams.get("copy") === "previous" && next.previous !== null;
  return json({
    next: { label: next.label, range: next.range, canOpen: next.canOpen, reason: next.reason, previousLabel: next.previous?.label ?? null },
    branches,
    prefill: copy ? Object.fromEntries(branches.map((b) => [b.id, b.previousAmount > 0 ? moneyInputText(b.previousAmount) : ""])) : null,
    prefillSource: copy ? "copy" : "blank",
    idempotencyKey: newIdempotencyKey(),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "budgets:manage");
  const { next, branches } = await steps.loadNext();
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    if (!next.canOpen) throw json({ message: next.reason }, { status: 409 });
    return json(await steps.readUpload(request, branches), { status: 200 });
  }
  // Opening itself is checked by openPeriod, after its replay check: a repeated confirm is not an error.
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: OpenPeriodSchema });
  if (submission.status !== "success") return json<steps.ActionData>({ kind: "form", result: submission.reply(), review: null }, { status: 400 });
  const args = { formData, submission, input: submission.value, branches };
  switch (submission.value.intent) {
    case "edit":
      return json<steps.ActionData>({ kind: "form", result: submission.reply(), review: null });
    case "review":
      return steps.review(args);
    case "open":
      return steps.open(user, args);
  }
}

export default function OpenPeriodPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as steps.ActionData | undefined;
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
          <p>{next.range}. Every active branch gets a pool; the amounts below are allocated to them when you confirm.</p>
        </div>
      </div>
      {!next.canOpen ? (
        <p className="card">{next.reason}</p>
      ) : formResult?.review ? (
        <ReviewCard
          review={formResult.review}
          label={next.label}
          idempotencyKey={String((formResult.result.initialValue as { idempotencyKey?: string } | undefined)?.idempotencyKey ?? data.idempotencyKey)}
        />
      ) : (
        <>
          <SourcesCard previousLabel={next.previousLabel} upload={upload} />
          <AmountsForm key={prefillSource} branches={data.branches} prefill={prefill} lastResult={formResult?.result} idempotencyKey={data.idempotencyKey} previousLabel={next.previousLabel} />
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
