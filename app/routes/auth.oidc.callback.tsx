import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuthErrorBoundary } from "~/components/error-boundary";
import { ROLE_HOME } from "~/domain/core/permissions";
import { hashSessionToken } from "~/domain/identity/sessions.server";
import { completeSsoSignIn, type SsoFailureReason } from "~/domain/identity/sso.server";
import { CHANGE_PASSWORD_PATH } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { callbackUrlFrom, oidcConfiguration, ssoConfigured } from "~/utils/oidc.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { clearCookie, readCookieToken, readSessionToken, serializeSessionToken, ssoRequestCookie } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Single sign-on · Empathy Fund" }];

const STATUS: Record<SsoFailureReason, number> = {
  expired: 400,
  state_mismatch: 400,
  denied: 401,
  rejected_code: 400,
  provider_error: 502,
  no_email: 403,
  unknown_user: 403,
  inactive_user: 403,
  no_branch: 403,
};

// Public: the provider sends the browser here (a GET) with a code, or with an error. A failure
// ends on this plain page that says what happened; nothing is signed in.
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!ssoConfigured()) throw new Response("Single sign-on is not configured.", { status: 404 });
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", await clearCookie(ssoRequestCookie));
  let config;
  try {
    config = await oidcConfiguration();
  } catch (error) {
    logger.error({ err: error }, "OpenID Connect discovery failed");
    return json(
      { message: "The identity provider cannot be reached just now. Try again in a few minutes, or sign in with your password." },
      { status: 502, headers },
    );
  }
  const previousToken = await readSessionToken(request);
  const result = await completeSsoSignIn(db, config, {
    cookieToken: await readCookieToken(ssoRequestCookie, request),
    callbackUrl: callbackUrlFrom(request),
    ipAddress: context?.ipAddress ?? "unknown",
    userAgent: request.headers.get("User-Agent"),
    previousSessionHash: previousToken ? hashSessionToken(previousToken, env.SESSION_SECRET) : null,
    secret: env.SESSION_SECRET,
    now: now(),
  });
  if (!result.ok) return json({ message: result.message }, { status: STATUS[result.reason], headers });
  headers.append("Set-Cookie", await serializeSessionToken(result.token));
  const destination = result.mustChangePassword ? CHANGE_PASSWORD_PATH : safeRedirect(result.redirectTo, ROLE_HOME[result.role]);
  return redirect(destination, { headers });
}

export default function SsoCallbackPage() {
  const { message } = useLoaderData<typeof loader>();
  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <section className="card error-page" aria-labelledby="sso-error-title">
          <h1 id="sso-error-title">Single sign-on did not sign you in</h1>
          <p data-testid="sso-error">{message}</p>
          <p>
            <Link to="/login">Back to sign-in</Link>
          </p>
        </section>
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return <AuthErrorBoundary />;
}
