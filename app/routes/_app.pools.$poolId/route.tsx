import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { PoolActionSchema } from "~/domain/budget/budget-schemas";
import { getPoolBalance, listPoolLedger, poolAccess } from "~/domain/budget/ledger.server";
import { can } from "~/domain/core/permissions";
import { periodRange } from "~/domain/budget/periods";
import { LEDGER_KINDS, type LedgerKind } from "../../../db/schema";
import { forbidden, requirePermission, requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { newIdempotencyKey } from "~/utils/idempotency.server";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { AdjustCard, AllocateCard, BalanceCard, LedgerCard } from "./cards";
import * as steps from "./intents.server";
import { useCan } from "~/utils/root-data";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.pool.branchName} · ${data.pool.label} · Empathy Fund` : "Budget · Empathy Fund" }];

// Finance sees and changes any pool; a branch manager reads their own branch's. Everyone else: 403.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!can(user.role, "budgets:manage") && !can(user.role, "reports:branch")) {
    throw forbidden("Budget ledgers are for finance and branch managers. Your branch's balance is on your home page.");
  }
  const pool = await steps.loadPool(params);
  const access = poolAccess(user, pool);
  if (!access) throw forbidden("This budget belongs to another branch. You can see your own branch's budget only.");
  const url = new URL(request.url);
  const kindParam = url.searchParams.get("kind") ?? "";
  const kind = (LEDGER_KINDS as readonly string[]).includes(kindParam) ? (kindParam as LedgerKind) : undefined;
  const page = pageFromUrl(url);
  const canChange = access === "manage" && pool.periodStatus === "open";
  return json({
    pool: { ...pool, range: periodRange(pool) },
    balance: await getPoolBalance(db, pool.id),
    ledger: await listPoolLedger(db, pool.id, { kind, page, pageSize: DEFAULT_PAGE_SIZE }),
    kind: kind ?? "",
    page,
    canChange,
    // A fresh key per rendered form: a double submit or a refresh moves money once.
    keys: canChange ? { allocate: newIdempotencyKey(), adjust: newIdempotencyKey() } : null,
  });
}

// Both forms (intent allocate or adjust) go through the same steps: review, then confirm or edit.
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "budgets:manage");
  const pool = await steps.loadPool(params);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: PoolActionSchema });
  const intent = formData.get("intent") === "adjust" ? "adjust" : "allocate";
  if (submission.status !== "success") return json({ intent, result: submission.reply(), review: null }, { status: 400 });
  const args = { user, pool, formData, submission, input: submission.value };
  switch (submission.value.step) {
    case "edit":
      return json({ intent, result: submission.reply(), review: null });
    case "review":
      return await steps.review(args);
    case "confirm":
      return steps.confirm(args);
  }
}

export default function PoolPage() {
  const { pool, balance, ledger, kind, page, canChange, keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const may = useCan();
  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            {/* The budgets list is finance's; a branch manager comes to the ledger from the branch home. */}
            {may("budgets:manage") ? <Link to={`/pools?period=${pool.periodId}`}>Budgets, {pool.label}</Link> : may("branch:view") ? <Link to="/branch">My branch</Link> : null}
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

      <BalanceCard balance={balance} />

      {canChange && keys ? (
        <div className="grid">
          <AllocateCard defaultKey={keys.allocate} actionData={actionData?.intent === "allocate" ? actionData : undefined} pool={pool} available={balance.available} />
          <AdjustCard defaultKey={keys.adjust} actionData={actionData?.intent === "adjust" ? actionData : undefined} pool={pool} available={balance.available} />
        </div>
      ) : pool.periodStatus === "closed" ? (
        <p className="card muted">{pool.label} is closed: this budget no longer changes. Corrections go into the current period.</p>
      ) : null}

      <LedgerCard pool={pool} ledger={ledger} kind={kind} page={page} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
