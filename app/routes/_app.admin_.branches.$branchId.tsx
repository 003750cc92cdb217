import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { UpdateBranchSchema } from "~/domain/admin-schemas";
import { getBranch, updateBranch } from "~/domain/branches.server";
import { isDomainError } from "~/domain/errors";
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
    const branch = getBranch(db, branchIdFrom(params));
    return json({ branch: { id: branch.id, code: branch.code, name: branch.name, region: branch.region, active: branch.active } });
  } catch (error) {
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "branches:manage");
  const branchId = branchIdFrom(params);
  const submission = parseWithZod(await request.formData(), { schema: UpdateBranchSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const branch = updateBranch(db, actor, { branchId, ...submission.value }, now());
    return redirectWithToast("/admin/branches", { kind: "success", message: `Branch ${branch.code} saved.` });
  } catch (error) {
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    return domainErrorReply(submission, error);
  }
}

export default function BranchPage() {
  const { branch } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
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
            Branch code <span className="mono">{branch.code}</span> ·{" "}
            {branch.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
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
          <Field
            label="Name"
            inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "off" }}
            errors={fields.name.errors}
            errorId={fields.name.errorId}
          />
          <Field
            label="Region"
            inputProps={{ ...getInputProps(fields.region, { type: "text" }), autoComplete: "off" }}
            errors={fields.region.errors}
            errorId={fields.region.errorId}
          />
          <div className="actions">
            <button type="submit" className="button">
              Save changes
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
