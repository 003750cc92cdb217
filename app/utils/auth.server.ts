// Guards for loaders and actions. Deny by default: every route calls one of these (or is declared
// public in tests/support/access-table.ts), and each throws a redirect or a 403 Response.
import { json, redirect } from "@remix-run/node";
import { can, type Permission, ROLE_LABELS } from "~/domain/core/permissions";
import { lookupSession, type SessionLookup, type SessionUser } from "~/domain/identity/sessions.server";
import type { SignInMethod } from "../../db/schema";
import { now } from "./clock.server";
import { db } from "./db.server";
import { env } from "./env.server";
import { memoForRequest } from "./request-memo.server";
import { clearSessionCookie, readSessionToken } from "./session.server";
import { toastHeader } from "./toast.server";

/**
 * The session behind the cookie, looked up once per page view: the root, layout and page loaders
 * of one GET share it. An action (any other method) always reads it afresh, and so do the loaders
 * that run after it (Remix gives them a new GET request, and the action's lookup is not kept).
 */
async function sessionOf(request: Request, token: string): Promise<SessionLookup> {
  const lookup = async () => await lookupSession(db, token, env.SESSION_SECRET, now());
  return request.method === "GET" || request.method === "HEAD" ? memoForRequest(`session:${token}`, lookup) : await lookup();
}

export type AuthenticatedRequest = { user: SessionUser; sessionHash: string; signInMethod: SignInMethod };

/** The signed-in user, or null. Expired sessions are removed on the way. */
export async function getAuthenticated(request: Request): Promise<AuthenticatedRequest | null> {
  const token = await readSessionToken(request);
  if (!token) return null;
  const result = await sessionOf(request, token);
  return result.status === "active" ? { user: result.user, sessionHash: result.sessionHash, signInMethod: result.signInMethod } : null;
}

export async function getUser(request: Request): Promise<SessionUser | null> {
  return (await getAuthenticated(request))?.user ?? null;
}

export const CHANGE_PASSWORD_PATH = "/account/password";

/**
 * Sends a signed-out visitor to sign-in, remembering where they were going. A user who signed in
 * with a one-time password reaches nothing but the change-password page (the only caller that
 * passes `allowPasswordChangePending`) until they have chosen their own.
 */
export async function requireAuthenticated(request: Request, options: { allowPasswordChangePending?: boolean } = {}): Promise<AuthenticatedRequest> {
  const token = await readSessionToken(request);
  const result: SessionLookup = token ? await sessionOf(request, token) : { status: "none" };
  if (result.status === "active") {
    if (result.user.mustChangePassword && !options.allowPasswordChangePending) {
      throw redirect(CHANGE_PASSWORD_PATH, {
        headers: { "Set-Cookie": await toastHeader({ kind: "info", message: "Choose a new password before you continue." }) },
      });
    }
    return { user: result.user, sessionHash: result.sessionHash, signInMethod: result.signInMethod };
  }

  const url = new URL(request.url);
  const params = new URLSearchParams({ redirectTo: url.pathname + url.search });
  const headers = new Headers();
  if (token) headers.append("Set-Cookie", await clearSessionCookie());
  if (result.status === "expired") {
    headers.append("Set-Cookie", await toastHeader({ kind: "info", message: "Your session expired. Please sign in again." }));
  }
  throw redirect(`/login?${params}`, { headers });
}

export async function requireUser(request: Request, options: { allowPasswordChangePending?: boolean } = {}): Promise<SessionUser> {
  return (await requireAuthenticated(request, options)).user;
}

export async function requirePermission(request: Request, permission: Permission): Promise<SessionUser> {
  const user = await requireUser(request);
  assertPermission(user, permission);
  return user;
}

export function assertPermission(user: SessionUser, permission: Permission): void {
  if (!can(user.role, permission)) throw forbidden(`Your role (${ROLE_LABELS[user.role]}) does not give access to this page.`);
}

export function forbidden(message: string) {
  return json({ message }, { status: 403 });
}
