import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/domain/sign-in.server";
import { getAuthenticated } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
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
  signOut(db, authenticated.user, authenticated.sessionHash, now());
  return redirectWithToast("/login", { kind: "success", message: "You have signed out." }, { headers });
}
