// The OpenID Connect client (openid-client 6): configured from the environment, discovered from
// the issuer lazily on first use and cached. A failed discovery is not cached, so a provider
// that was down at startup works once it is back.
import * as client from "openid-client";
import { env, isHttpsOrLoopback } from "./env.server";

export function ssoConfigured(): boolean {
  return env.oidc !== null;
}

let configuration: Promise<client.Configuration> | null = null;

export function oidcConfiguration(): Promise<client.Configuration> {
  const settings = env.oidc;
  if (!settings) throw new Error("Single sign-on is not configured.");
  configuration ??= (async () => {
    const issuer = new URL(settings.issuerUrl);
    // Plain http is accepted only for a provider on this machine (tests, development); env.server
    // refuses any other http issuer in production.
    const insecure = issuer.protocol === "http:" && isHttpsOrLoopback(settings.issuerUrl);
    return client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
      execute: insecure ? [client.allowInsecureRequests] : [],
      timeout: 10,
    });
  })().catch((error: unknown) => {
    configuration = null;
    throw error;
  });
  return configuration;
}

/** The URL the provider redirected to, rebuilt on the configured redirect URL (a proxy may rewrite Host). */
export function callbackUrlFrom(request: Request): URL {
  const settings = env.oidc;
  if (!settings) throw new Error("Single sign-on is not configured.");
  const url = new URL(settings.redirectUrl);
  url.search = new URL(request.url).search;
  return url;
}

export function oidcRedirectUrl(): string {
  if (!env.oidc) throw new Error("Single sign-on is not configured.");
  return env.oidc.redirectUrl;
}
