import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ROLE_HOME } from "~/domain/core/permissions";
import { beginSsoSignIn } from "~/domain/identity/sso.server";
import { getUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { oidcConfiguration, oidcRedirectUrl, ssoConfigured } from "~/utils/oidc.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { ssoRequestCookie } from "~/utils/session.server";
import { redirectWithToast } from "~/utils/toast.server";

// Public. A GET (a link on the sign-in page), so that the 302 to the provider is a navigation,
// which the CSP's form-action 'self' does not govern.
export async function loader({ request }: LoaderFunctionArgs) {
  if (!ssoConfigured()) throw new Response("Single sign-on is not configured.", { status: 404 });
  const url = new URL(request.url);
  const user = await getUser(request);
  if (user) throw redirect(safeRedirect(url.searchParams.get("redirectTo"), ROLE_HOME[user.role]));
  let config;
  try {
    config = await oidcConfiguration();
  } catch (error) {
    logger.error({ err: error }, "OpenID Connect discovery failed");
    return await redirectWithToast("/login", {
      kind: "error",
      message: "The identity provider cannot be reached just now. Try again in a few minutes, or sign in with your password.",
    });
  }
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"), "") || null;
  const { cookieToken, authorizationUrl } = await beginSsoSignIn(db, config, {
    redirectUri: oidcRedirectUrl(),
    redirectTo,
    secret: env.SESSION_SECRET,
    now: now(),
  });
  return redirect(authorizationUrl.href, {
    headers: { "Set-Cookie": await ssoRequestCookie.serialize(cookieToken), "Cache-Control": "no-store" },
  });
}
