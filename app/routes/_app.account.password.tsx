import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { ChangePasswordSchema, PASSWORD_MAX, PASSWORD_MIN } from "~/domain/identity/auth-schemas";
import { ROLE_HOME } from "~/domain/core/permissions";
import { changeOwnPassword } from "~/domain/administration/users.server";
import { requireAuthenticated } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Change password · Empathy Fund" }];

const HIDE = ["currentPassword", "newPassword", "confirmPassword"];

// Every signed-in user, including one who signed in with a one-time password and must change it.
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireAuthenticated(request, { allowPasswordChangePending: true });
  return json({ mustChange: user.mustChangePassword, home: ROLE_HOME[user.role] });
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, sessionHash } = await requireAuthenticated(request, { allowPasswordChangePending: true });
  const submission = parseWithZod(await request.formData(), { schema: ChangePasswordSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: HIDE }), { status: 400 });
  try {
    await changeOwnPassword(db, user, { currentPassword: submission.value.currentPassword, newPassword: submission.value.newPassword, keepSessionHash: sessionHash }, now());
  } catch (error) {
    return domainErrorReply(submission, error, { hideFields: HIDE });
  }
  return await redirectWithToast(ROLE_HOME[user.role], {
    kind: "success",
    message: "Your password is changed. You were signed out on your other devices.",
  });
}

export default function ChangePasswordPage() {
  const { mustChange } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
  });
  const hintId = `${fields.newPassword.id}-hint`;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{mustChange ? "Choose your password" : "Change password"}</h1>
          <p>{mustChange ? "You signed in with a one-time password. Choose your own password to continue." : "Changing your password signs you out on your other devices."}</p>
        </div>
      </div>
      <section className="card">
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field
            label={mustChange ? "One-time password" : "Current password"}
            inputProps={{ ...getInputProps(fields.currentPassword, { type: "password" }), autoComplete: "current-password" }}
            errors={fields.currentPassword.errors}
            errorId={fields.currentPassword.errorId}
          />
          <Field
            label="New password"
            hint={`At least ${PASSWORD_MIN} characters (up to ${PASSWORD_MAX}). A few unrelated words are easy to remember and hard to guess. Any characters are allowed, spaces too; common passwords are refused.`}
            hintId={hintId}
            inputProps={{ ...getInputProps(fields.newPassword, { type: "password" }), autoComplete: "new-password" }}
            errors={fields.newPassword.errors}
            errorId={fields.newPassword.errorId}
          />
          <Field
            label="New password again"
            inputProps={{ ...getInputProps(fields.confirmPassword, { type: "password" }), autoComplete: "new-password" }}
            errors={fields.confirmPassword.errors}
            errorId={fields.confirmPassword.errorId}
          />
          <div className="actions">
            <button type="submit" className="button">
              {mustChange ? "Save and continue" : "Change password"}
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
