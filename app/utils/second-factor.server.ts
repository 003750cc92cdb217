// The code typed on the enrol and verify pages, checked against the pending sign-in. Both pages
// answer alike: a session on success, a fresh start from the password when the pending sign-in
// ran out or locked, the message beside the field otherwise.
import { ROLE_HOME } from "~/domain/core/permissions";
import { hashSessionToken } from "~/domain/identity/sessions.server";
import { completeSecondFactor } from "~/domain/identity/sign-in.server";
import { CHANGE_PASSWORD_PATH } from "./auth.server";
import { now } from "./clock.server";
import { db } from "./db.server";
import { env } from "./env.server";
import { safeRedirect } from "./safe-redirect";
import { clearCookie, pendingSignInCookie, readCookieToken, readSessionToken, serializeSessionToken } from "./session.server";
import { redirectWithToast } from "./toast.server";

export async function checkSecondFactor(request: Request, input: { code: string; ipAddress: string }) {
  const previousToken = await readSessionToken(request);
  const result = await completeSecondFactor(db, {
    pendingToken: await readCookieToken(pendingSignInCookie, request),
    code: input.code,
    ipAddress: input.ipAddress,
    userAgent: request.headers.get("User-Agent"),
    secret: env.SESSION_SECRET,
    previousSessionHash: previousToken ? hashSessionToken(previousToken, env.SESSION_SECRET) : null,
    now: now(),
  });
  if (result.ok) {
    // The session starts; the pending sign-in ends.
    const headers = new Headers();
    headers.append("Set-Cookie", await serializeSessionToken(result.token));
    headers.append("Set-Cookie", await clearCookie(pendingSignInCookie));
    const continueTo = result.mustChangePassword ? CHANGE_PASSWORD_PATH : safeRedirect(result.redirectTo, ROLE_HOME[result.role]);
    return { outcome: "signed-in" as const, headers, continueTo, recoveryCodes: result.recoveryCodes ?? [] };
  }
  if (result.reason === "expired" || result.reason === "locked") {
    // Nothing to retry here: the sign-in starts again from the password.
    const response = await redirectWithToast("/login", { kind: "error", message: result.message }, { headers: { "Set-Cookie": await clearCookie(pendingSignInCookie) } });
    return { outcome: "restart" as const, response };
  }
  return { outcome: "refused" as const, message: result.message, status: result.reason === "address-throttled" ? 429 : 400 };
}
