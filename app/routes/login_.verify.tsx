import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { ToastMessage } from "~/components/toast";
import { SecondFactorCodeSchema } from "~/domain/identity/auth-schemas";
import { findPendingSignIn } from "~/domain/identity/sign-in.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { useRootData } from "~/utils/root-data";
import { pendingSignInCookie, readCookieToken } from "~/utils/session.server";
import { checkSecondFactor } from "~/utils/second-factor.server";

export const meta: MetaFunction = () => [{ title: "Two-step sign-in · Empathy Fund" }];

// Public, but only useful with a pending sign-in (the password was right a moment ago).
export async function loader({ request }: LoaderFunctionArgs) {
  const pending = await findPendingSignIn(db, await readCookieToken(pendingSignInCookie, request), env.SESSION_SECRET, now());
  if (!pending) throw redirect("/login");
  if (pending.stage === "enrol") throw redirect("/login/enrol");
  return json({ email: pending.user.email });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: SecondFactorCodeSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: ["code"] }), { status: 400 });
  const checked = await checkSecondFactor(request, { code: submission.value.code, ipAddress: context?.ipAddress ?? "unknown" });
  if (checked.outcome === "restart") return checked.response;
  if (checked.outcome === "refused") return json(submission.reply({ fieldErrors: { code: [checked.message] }, hideFields: ["code"] }), { status: checked.status });
  return redirect(checked.continueTo, { headers: checked.headers });
}

export default function VerifyPage() {
  const { email } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const root = useRootData();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    constraint: { code: { required: true } },
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SecondFactorCodeSchema }),
  });
  const submitting = navigation.state !== "idle" && navigation.formAction?.startsWith("/login/verify");
  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <ToastMessage toast={root?.toast ?? null} />
        <div className="card">
          <h1>Two-step sign-in</h1>
          <p>
            Your password is right. Now type the 6-digit code your authenticator app shows for <strong>{email}</strong>.
          </p>
          <Form method="post" className="form" {...getFormProps(form)}>
            <FormErrors errors={form.errors} id={form.errorId} />
            <Field
              label="Code"
              hint="Lost your phone? Type one of your recovery codes instead (each works once)."
              hintId={`${fields.code.id}-hint`}
              inputProps={{
                ...getInputProps(fields.code, { type: "text" }),
                autoComplete: "one-time-code",
                autoFocus: true,
                spellCheck: false,
                autoCapitalize: "none",
              }}
              errors={fields.code.errors}
              errorId={fields.code.errorId}
            />
            <button type="submit" className="button button--block" aria-disabled={submitting || undefined}>
              {submitting ? "Checking…" : "Verify and sign in"}
            </button>
          </Form>
          <p className="muted">
            Not you, or stuck? <Link to="/login">Start again</Link>. An administrator can reset your second factor.
          </p>
        </div>
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return <AuthErrorBoundary />;
}
