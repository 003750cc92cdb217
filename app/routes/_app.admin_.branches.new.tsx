import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { BRANCH_CODE_MAX, CreateBranchSchema } from "~/domain/administration/admin-schemas";
import { createBranch } from "~/domain/administration/branches.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Add a branch · Administration · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "branches:manage");
  return json(null);
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "branches:manage");
  const submission = parseWithZod(await request.formData(), { schema: CreateBranchSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const branch = await createBranch(db, actor, submission.value, now());
    return await redirectWithToast("/admin/branches", { kind: "success", message: `Branch ${branch.name} (${branch.code}) added.` });
  } catch (error) {
    return domainErrorReply(submission, error);
  }
}

export default function NewBranchPage() {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateBranchSchema }),
  });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Add a branch</h1>
          <p>Then add its staff and manager on the Users page.</p>
        </div>
      </div>
      <AdminNav current="branches" />
      <section className="card" aria-labelledby="new-branch-title">
        <h2 id="new-branch-title">New branch</h2>
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field
            label="Code"
            hint={`A short unique code used in reports and exports, up to ${BRANCH_CODE_MAX} capital letters, digits or hyphens (e.g. NTH). It cannot be changed later.`}
            hintId={`${fields.code.id}-hint`}
            inputProps={{ ...getInputProps(fields.code, { type: "text" }), autoComplete: "off", autoCapitalize: "characters", spellCheck: false }}
            errors={fields.code.errors}
            errorId={fields.code.errorId}
          />
          <Field label="Name" inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "off" }} errors={fields.name.errors} errorId={fields.name.errorId} />
          <Field label="Region" inputProps={{ ...getInputProps(fields.region, { type: "text" }), autoComplete: "off" }} errors={fields.region.errors} errorId={fields.region.errorId} />
          <div className="actions">
            <button type="submit" className="button">
              Add branch
            </button>
            <Link to="/admin/branches" className="button button--secondary">
              Cancel
            </Link>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
