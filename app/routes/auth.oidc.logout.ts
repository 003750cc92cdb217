import { redirect } from "@remix-run/node";
import { providerLogoutUrl } from "~/domain/identity/sso.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { oidcConfiguration, ssoConfigured } from "~/utils/oidc.server";

// Public. Offered on the sign-in page after a single sign-on session ends: a link (a navigation,
// not a form post) to the provider's own logout, which sends the browser back to sign-in.
export async function loader() {
  if (!ssoConfigured() || !env.oidc) return redirect("/login");
  try {
    const config = await oidcConfiguration();
    const postLogoutRedirectUri = new URL("/login", env.oidc.redirectUrl).href;
    const url = providerLogoutUrl(config, { clientId: env.oidc.clientId, postLogoutRedirectUri });
    return redirect(url ? url.href : "/login");
  } catch (error) {
    logger.error({ err: error }, "OpenID Connect discovery failed");
    return redirect("/login");
  }
}
