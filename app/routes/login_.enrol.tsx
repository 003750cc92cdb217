import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { EnrolmentInstructions, RecoveryCodes } from "~/components/second-factor";
import { ToastMessage } from "~/components/toast";
import { SecondFactorCodeSchema } from "~/domain/identity/auth-schemas";
import { getOrganisation } from "~/domain/core/organisation.server";
import { enrolmentDetails } from "~/domain/identity/second-factor.server";
import { enrolmentSecretFor, findPendingSignIn } from "~/domain/identity/sign-in.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { useRootData } from "~/utils/root-data";
import { pendingSignInCookie, readCookieToken } from "~/utils/session.server";
import { checkSecondFactor } from "~/utils/second-factor.server";

export const meta: MetaFunction = () => [{ title: "Set up two-step sign-in · Empathy Fund" }];

// Public, but only useful with a pending sign-in whose user must set up a factor. Without one the
// page says so (it does not redirect: it also renders the recovery codes after the last step).
export async function loader({ request }: LoaderFunctionArgs) {
  const pending = await findPendingSignIn(db, await readCookieToken(pendingSignInCookie, request), env.SESSION_SECRET, now());
  if (!pending) return json({ enrolment: null }, { headers: { "Cache-Control": "no-store" } });
  if (pending.stage === "verify") throw redirect("/login/verify");
  const totpSecret = await enrolmentSecretFor(db, pending, env.SESSION_SECRET);
  const details = await enrolmentDetails({ totpSecret, email: pending.user.email, issuer: `Empathy Fund (${(await getOrganisation(db)).name})` });
  return json({ enrolment: { email: pending.user.email, svg: details.svg, secret: details.secret } }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: SecondFactorCodeSchema });
  if (submission.status !== "success") return json({ reply: submission.reply({ hideFields: ["code"] }), done: null }, { status: 400 });
  const checked = await checkSecondFactor(request, { code: submission.value.code, ipAddress: context?.ipAddress ?? "unknown" });
  if (checked.outcome === "restart") return checked.response;
  if (checked.outcome === "refused") {
    return json({ reply: submission.reply({ fieldErrors: { code: [checked.message] }, hideFields: ["code"] }), done: null }, { status: checked.status });
  }
  // The recovery codes are shown once, on this page; the person continues from there.
  checked.headers.set("Cache-Control", "no-store");
  return json({ reply: null, done: { recoveryCodes: checked.recoveryCodes, continueTo: checked.continueTo } }, { headers: checked.headers });
}

// The recovery codes exist only in the action's answer; reloading the loader must not replace them.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === "object" && "done" in actionResult && actionResult.done ? false : defaultShouldRevalidate;

export default function EnrolPage() {
  const { enrolment } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const root = useRootData();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.reply ?? undefined,
    constraint: { code: { required: true } },
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SecondFactorCodeSchema }),
  });
  const submitting = navigation.state !== "idle" && navigation.formAction?.startsWith("/login/enrol");

  let content;
  if (actionData?.done) {
    content = (
      <>
        <h1>Two-step sign-in is set up</h1>
        <RecoveryCodes codes={actionData.done.recoveryCodes} />
        <a href={actionData.done.continueTo} className="button button--block">
          I have saved my codes, continue
        </a>
      </>
    );
  } else if (!enrolment) {
    content = (
      <>
        <h1>Set up two-step sign-in</h1>
        <p>This step has expired or was already completed.</p>
        <Link to="/login" className="button button--block">
          Sign in again
        </Link>
      </>
    );
  } else {
    content = (
      <>
        <h1>Set up two-step sign-in</h1>
        <p>
          Your organisation asks for a second factor when you sign in with a password. Set it up once for <strong>{enrolment.email}</strong>; after that you type a code from your phone at each
          sign-in.
        </p>
        <EnrolmentInstructions svg={enrolment.svg} secret={enrolment.secret} />
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field
            label="Code from your app"
            inputProps={{
              ...getInputProps(fields.code, { type: "text" }),
              autoComplete: "one-time-code",
              inputMode: "numeric",
              spellCheck: false,
            }}
            errors={fields.code.errors}
            errorId={fields.code.errorId}
          />
          <button type="submit" className="button button--block" aria-disabled={submitting || undefined}>
            {submitting ? "Checking…" : "Confirm and sign in"}
          </button>
        </Form>
        <p className="muted">
          <Link to="/login">Start again</Link>
        </p>
      </>
    );
  }
  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <ToastMessage toast={root?.toast ?? null} />
        <div className="card">{content}</div>
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return <AuthErrorBoundary />;
}
