import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/domain/identity/sign-in.server";
import { getAuthenticated } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { ssoConfigured } from "~/utils/oidc.server";
import { clearSessionCookie } from "~/utils/session.server";
import { redirectWithToast } from "~/utils/toast.server";

// Signing out is a POST only (a link or an image cannot sign anyone out); a GET goes home.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const authenticated = await getAuthenticated(request);
  const headers = { "Set-Cookie": await clearSessionCookie() };
  if (!authenticated) return redirect("/login", { headers });
  await signOut(db, authenticated.user, authenticated.sessionHash, now());
  // A single sign-on session: the sign-in page then offers the provider's logout as well.
  const destination = authenticated.signInMethod === "sso" && ssoConfigured() ? "/login?signedOut=sso" : "/login";
  return await redirectWithToast(destination, { kind: "success", message: "You have signed out." }, { headers });
}
