// The session cookie. It carries only the random token; the session itself lives in the database.
import { createCookie } from "@remix-run/node";
import { env } from "./env.server";
import { SESSION_ABSOLUTE_MS } from "~/domain/identity/sessions.server";

// `__Host-` binds the cookie to this exact origin (Secure, Path=/, no Domain). Browsers accept it
// only when Secure, so plain-http deployments on a non-localhost name use the unprefixed name.
export const SESSION_COOKIE_NAME = env.cookieSecure ? "__Host-ef_session" : "ef_session";

export const sessionCookie = createCookie(SESSION_COOKIE_NAME, {
  httpOnly: true,
  sameSite: "lax",
  secure: env.cookieSecure,
  path: "/",
  maxAge: SESSION_ABSOLUTE_MS / 1000,
  // The token is random and its hash is keyed by SESSION_SECRET server-side; signing adds nothing.
  secrets: [],
});

export async function readSessionToken(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" ? value : null;
}

export function serializeSessionToken(token: string): Promise<string> {
  return sessionCookie.serialize(token);
}

export function clearSessionCookie(): Promise<string> {
  return sessionCookie.serialize("", { maxAge: 0, expires: new Date(0) });
}

// Short-lived cookies of the steps before a session: a password sign-in waiting for its second
// factor, and a single sign-on round trip. Each carries only a random token naming a server row.
function shortCookie(name: string, maxAgeSeconds: number) {
  return createCookie(env.cookieSecure ? `__Host-${name}` : name, {
    httpOnly: true,
    sameSite: "lax",
    secure: env.cookieSecure,
    path: "/",
    maxAge: maxAgeSeconds,
    secrets: [],
  });
}

export const pendingSignInCookie = shortCookie("ef_pending", 10 * 60);
export const ssoRequestCookie = shortCookie("ef_sso", 10 * 60);

export async function readCookieToken(cookie: ReturnType<typeof createCookie>, request: Request): Promise<string | null> {
  const value: unknown = await cookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && value ? value : null;
}

export function clearCookie(cookie: ReturnType<typeof createCookie>): Promise<string> {
  return cookie.serialize("", { maxAge: 0, expires: new Date(0) });
}
