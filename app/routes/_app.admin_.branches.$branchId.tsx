import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { BranchStatusSchema, UpdateBranchSchema } from "~/domain/administration/admin-schemas";
import { getBranch, setBranchActive, updateBranch } from "~/domain/administration/branches.server";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, notFound } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.branch.name ?? "Branch"} · Administration · Empathy Fund` }];

function branchIdFrom(params: { branchId?: string }): number {
  const id = Number(params.branchId);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound("This branch does not exist.");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "branches:manage");
  try {
    const branch = await getBranch(db, branchIdFrom(params));
    return json({ branch: { id: branch.id, code: branch.code, name: branch.name, region: branch.region, active: branch.active } });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "branches:manage");
  const branchId = branchIdFrom(params);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "deactivate" || intent === "reactivate") {
    const status = BranchStatusSchema.safeParse(Object.fromEntries(formData));
    if (!status.success || formData.getAll("intent").length !== 1) {
      return json({ statusError: "This form was not sent as the page sends it; reload the page and try again." }, { status: 400 });
    }
    try {
      const branch = await setBranchActive(db, actor, { branchId, active: status.data.intent === "reactivate" }, now());
      const message = branch.active ? `Branch ${branch.code} is active again.` : `Branch ${branch.code} is deactivated.`;
      return await redirectWithToast(`/admin/branches/${branch.id}`, { kind: "success", message });
    } catch (caught) {
      const error = domainErrorOf(caught) ?? caught;
      if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
      if (!isDomainError(error)) throw error;
      return json({ statusError: error.message }, { status: 409 });
    }
  }
  const submission = parseWithZod(formData, { schema: UpdateBranchSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const branch = await updateBranch(db, actor, { branchId, ...submission.value }, now());
    return await redirectWithToast("/admin/branches", { kind: "success", message: `Branch ${branch.code} saved.` });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    return domainErrorReply(submission, error);
  }
}

export default function BranchPage() {
  const { branch } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const statusError = actionData && "statusError" in actionData ? actionData.statusError : null;
  const lastResult = actionData && !("statusError" in actionData) ? actionData : undefined;
  const [searchParams] = useSearchParams();
  const confirming = searchParams.get("confirm") === "deactivate";
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { name: branch.name, region: branch.region },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateBranchSchema }),
  });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{branch.name} branch</h1>
          <p>
            Branch code <span className="mono">{branch.code}</span> · {branch.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
          </p>
        </div>
        <Link to="/admin/branches" className="button button--secondary">
          All branches
        </Link>
      </div>
      <AdminNav current="branches" />
      <section className="card" aria-labelledby="edit-branch-title">
        <h2 id="edit-branch-title">Name and region</h2>
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field label="Name" inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "off" }} errors={fields.name.errors} errorId={fields.name.errorId} />
          <Field label="Region" inputProps={{ ...getInputProps(fields.region, { type: "text" }), autoComplete: "off" }} errors={fields.region.errors} errorId={fields.region.errorId} />
          <div className="actions">
            <button type="submit" className="button">
              Save changes
            </button>
          </div>
        </Form>
      </section>
      <section className="card" aria-labelledby="branch-status-title">
        <h2 id="branch-status-title">Status</h2>
        <FormErrors errors={statusError ? [statusError] : undefined} id="branch-status-error" />
        {!branch.active ? (
          <Form method="post" className="actions">
            <p className="muted">This branch is inactive: finance opens no budget for it and nobody can be assigned to it.</p>
            <button type="submit" name="intent" value="reactivate" className="button button--secondary">
              Reactivate {branch.name}
            </button>
          </Form>
        ) : confirming ? (
          <Form method="post" className="confirm-box">
            <p>
              <strong>Deactivate {branch.name}?</strong> Finance will open no further budget for it, and nobody can be assigned to it. This is refused while the branch still has open holds, unspent
              budget or active users.
            </p>
            <div className="actions">
              <button type="submit" name="intent" value="deactivate" className="button button--danger">
                Yes, deactivate {branch.name}
              </button>
              <Link to="." className="button button--secondary">
                Keep active
              </Link>
            </div>
          </Form>
        ) : (
          <div className="actions">
            <Link to="?confirm=deactivate" className="button button--secondary">
              Deactivate…
            </Link>
          </div>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
