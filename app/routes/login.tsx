import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { ToastMessage } from "~/components/toast";
import { SignInSchema } from "~/domain/identity/auth-schemas";
import { ROLE_HOME } from "~/domain/core/permissions";
import { hashSessionToken } from "~/domain/identity/sessions.server";
import { signIn } from "~/domain/identity/sign-in.server";
import { useRootData } from "~/utils/root-data";
import { CHANGE_PASSWORD_PATH, getUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { ssoConfigured } from "~/utils/oidc.server";
import { pendingSignInCookie, readSessionToken, serializeSessionToken } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Empathy Fund" }];

// Public. A visitor who is already signed in goes straight to where they were heading.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const url = new URL(request.url);
  if (user) throw redirect(safeRedirect(url.searchParams.get("redirectTo"), ROLE_HOME[user.role]));
  return json({
    redirectTo: safeRedirect(url.searchParams.get("redirectTo"), ""),
    sso: ssoConfigured(),
    // After signing out of a single sign-on session: the provider's session may still be open.
    offerProviderLogout: ssoConfigured() && url.searchParams.get("signedOut") === "sso",
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: SignInSchema });
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const previousToken = await readSessionToken(request);
  const result = await signIn(db, {
    email: submission.value.email,
    password: submission.value.password,
    ipAddress: context?.ipAddress ?? "unknown",
    userAgent: request.headers.get("User-Agent"),
    secret: env.SESSION_SECRET,
    now: now(),
    previousSessionHash: previousToken ? hashSessionToken(previousToken, env.SESSION_SECRET) : null,
    redirectTo: submission.value.redirectTo ? safeRedirect(submission.value.redirectTo, "") || null : null,
  });
  if (!result.ok && result.reason === "second-factor") {
    // No session yet: the code step finishes the sign-in.
    return redirect(result.stage === "verify" ? "/login/verify" : "/login/enrol", {
      headers: { "Set-Cookie": await pendingSignInCookie.serialize(result.pendingToken) },
    });
  }
  if (!result.ok) {
    return json(submission.reply({ formErrors: [result.message], hideFields: ["password"] }), {
      status: result.reason === "invalid" ? 400 : 429,
    });
  }
  // A one-time password must be replaced before anything else (the guards enforce it too).
  const destination = result.mustChangePassword ? CHANGE_PASSWORD_PATH : safeRedirect(submission.value.redirectTo, ROLE_HOME[result.role]);
  return redirect(destination, {
    headers: { "Set-Cookie": await serializeSessionToken(result.token) },
  });
}

export default function LoginPage() {
  const { redirectTo, sso, offerProviderLogout } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const root = useRootData();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    constraint: { email: { required: true }, password: { required: true } },
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
  });
  const submitting = navigation.state !== "idle" && navigation.formAction?.startsWith("/login");
  const organisationName = root?.organisation.name ?? "your organisation";

  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <ToastMessage toast={root?.toast ?? null} />
        <div className="card">
          <h1>Sign in</h1>
          <p className="muted">Empathy Fund for {organisationName} staff.</p>
          {searchParams.get("redirectTo") ? <p className="muted">Sign in to continue to the page you asked for.</p> : null}
          {offerProviderLogout ? (
            <p className="notice" data-testid="provider-logout">
              You have signed out of Empathy Fund. You may still be signed in at {organisationName}&apos;s identity provider:{" "}
              <a href="/auth/oidc/logout">sign out there too</a>.
            </p>
          ) : null}
          {sso ? (
            <>
              {/* A link, not a form: the redirect to the provider must not be a form submission (CSP form-action 'self'). */}
              <a className="button button--block button--secondary" href={`/auth/oidc/start${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ""}`}>
                Sign in with {organisationName}
              </a>
              <p className="auth-divider">
                <span>or with your password</span>
              </p>
            </>
          ) : null}
          <Form method="post" className="form" {...getFormProps(form)}>
            <FormErrors errors={form.errors} id={form.errorId} />
            <Field
              label="Email"
              inputProps={{
                ...getInputProps(fields.email, { type: "email" }),
                autoComplete: "username",
                autoFocus: true,
                inputMode: "email",
                spellCheck: false,
              }}
              errors={fields.email.errors}
              errorId={fields.email.errorId}
            />
            <Field
              label="Password"
              inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "current-password" }}
              errors={fields.password.errors}
              errorId={fields.password.errorId}
            />
            {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
            <button type="submit" className="button button--block" aria-disabled={submitting || undefined}>
              {submitting ? "Signing in…" : "Sign in"}
            </button>
          </Form>
        </div>
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return <AuthErrorBoundary />;
}
