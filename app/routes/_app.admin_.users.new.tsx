import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { SelectField } from "~/components/select-field";
import { CreateUserSchema } from "~/domain/administration/admin-schemas";
import { listActiveBranches } from "~/domain/administration/branches.server";
import { ROLE_LABELS } from "~/domain/core/permissions";
import { createUserWithOneTimePassword } from "~/domain/administration/users.server";
import { ROLES } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";

export const meta: MetaFunction = () => [{ title: "Add a user · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "users:manage");
  return json({ branches: await listActiveBranches(db) });
}

// On success the page shows the one-time password once, in the response to this POST: it is not
// stored anywhere it could be read again (only its hash is), so the admin hands it over now.
export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "users:manage");
  const submission = parseWithZod(await request.formData(), { schema: CreateUserSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const { user, oneTimePassword } = await createUserWithOneTimePassword(db, actor, submission.value, now());
    return json({ created: { id: user.id, name: user.name, email: user.email, role: user.role, oneTimePassword } }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return domainErrorReply(submission, error);
  }
}

export default function NewUserPage() {
  const { branches } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const created = actionData && "created" in actionData ? actionData.created : null;
  const [form, fields] = useForm({
    lastResult: actionData && !("created" in actionData) ? actionData : undefined,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateUserSchema }),
  });

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Add a user</h1>
          <p>They sign in with a one-time password and choose their own at once.</p>
        </div>
      </div>
      <AdminNav current="users" />
      {created ? (
        <section className="card one-time-password" aria-labelledby="created-title">
          <h2 id="created-title">{created.name} can now sign in</h2>
          <p>
            Give {created.name} ({created.email}, {ROLE_LABELS[created.role]}) this one-time password in person or by phone. It is shown only now: leaving this page hides it for good. At their first
            sign-in they must choose a new password.
          </p>
          <p className="one-time-password__value">
            <span className="visually-hidden">One-time password: </span>
            <code data-testid="one-time-password">{created.oneTimePassword}</code>
          </p>
          <p className="actions">
            <Link to={`/admin/users/${created.id}`} className="button">
              Open {created.name}
            </Link>
            <Link to="/admin/users/new" className="button button--secondary" reloadDocument>
              Add another user
            </Link>
          </p>
        </section>
      ) : (
        <section className="card" aria-labelledby="new-user-title">
          <h2 id="new-user-title">New user</h2>
          <Form method="post" className="form" {...getFormProps(form)}>
            <FormErrors errors={form.errors} id={form.errorId} />
            <Field label="Name" inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "off" }} errors={fields.name.errors} errorId={fields.name.errorId} />
            <Field
              label="Email"
              inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "off", spellCheck: false }}
              errors={fields.email.errors}
              errorId={fields.email.errorId}
            />
            <SelectField
              label="Role"
              selectProps={getSelectProps(fields.role)}
              options={[{ value: "", label: "Choose a role" }, ...ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))]}
              errors={fields.role.errors}
              errorId={fields.role.errorId}
            />
            <SelectField
              label="Branch"
              hint="Staff and branch managers belong to one branch. Leave it empty for finance and administrators."
              hintId={`${fields.branchId.id}-hint`}
              selectProps={getSelectProps(fields.branchId)}
              options={[{ value: "", label: "No branch" }, ...branches.map((b) => ({ value: String(b.id), label: `${b.name} (${b.code})` }))]}
              errors={fields.branchId.errors}
              errorId={fields.branchId.errorId}
            />
            <div className="actions">
              <button type="submit" className="button">
                Add user
              </button>
              <Link to="/admin" className="button button--secondary">
                Cancel
              </Link>
            </div>
          </Form>
        </section>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
