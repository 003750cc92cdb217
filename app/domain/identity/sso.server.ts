// Single sign-on with OpenID Connect: the authorization code flow with PKCE, `state` and `nonce`
// (openid-client 6). The browser holds only a random token (short cookie) naming a server row with
// the state, nonce and PKCE verifier; the row is used once. Who may sign in stays the app's
// decision: an active user with the e-mail, or (when the organisation allows it) a new staff
// member of the branch a claim names. Roles and branches of existing users are never changed.
import { and, eq, lt, sql } from "drizzle-orm";
import * as client from "openid-client";
import { branches, ssoRequests, users, type Role } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { getOrganisation } from "../core/organisation.server";
import { hashSessionToken, newSessionToken } from "./sessions.server";
import { normalizeEmail, startSession, type SessionStarted } from "./sign-in.server";
import { returnedRow, firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

/** Long enough to type a password and a code at the provider. */
export const SSO_REQUEST_MS = 10 * 60 * 1000;
/** Users created by single sign-on have no password: this marker matches no password. */
export const NO_PASSWORD = "!sso-only";

export type SsoFailureReason = "expired" | "state_mismatch" | "denied" | "provider_error" | "rejected_code" | "no_email" | "unknown_user" | "inactive_user" | "no_branch";

export type SsoResult = (SessionStarted & { redirectTo: string | null; created: boolean }) | { ok: false; reason: SsoFailureReason; message: string };

/** Starts a round trip: stores state, nonce and verifier, returns the provider's URL and the cookie token. */
export async function beginSsoSignIn(
  db: Db,
  config: client.Configuration,
  input: { redirectUri: string; redirectTo: string | null; secret: string; now: Date },
): Promise<{ cookieToken: string; authorizationUrl: URL; expiresAt: Date }> {
  const cookieToken = newSessionToken();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
  const expiresAt = new Date(input.now.getTime() + SSO_REQUEST_MS);
  await writeTransaction(db, async (tx) => {
    await tx.delete(ssoRequests).where(lt(ssoRequests.expiresAt, input.now));
    await tx.insert(ssoRequests).values({
      idHash: hashSessionToken(cookieToken, input.secret),
      state,
      nonce,
      codeVerifier,
      redirectTo: input.redirectTo?.slice(0, 2000) ?? null,
      createdAt: input.now,
      expiresAt,
    });
  });
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: "openid email profile",
    response_type: "code",
    state,
    nonce,
    code_challenge: codeChallenge,
    code_challenge_method: "S256",
  });
  return { cookieToken, authorizationUrl, expiresAt };
}

const MESSAGES: Record<SsoFailureReason, string> = {
  expired: "This sign-in took too long, or its link was already used. Start again from the sign-in page.",
  state_mismatch: "This sign-in answer does not belong to the sign-in started in this browser, so it was refused. Start again from the sign-in page.",
  denied: "The identity provider did not sign you in (the request was denied or cancelled).",
  provider_error: "The identity provider could not be reached or answered with an error. Try again in a few minutes, or sign in with your password.",
  rejected_code: "The identity provider refused this sign-in (its code was already used or has expired). Start again from the sign-in page.",
  no_email: "The identity provider did not tell us your e-mail address, so we cannot tell who you are. Ask your administrator to release the email claim.",
  unknown_user: "There is no Empathy Fund account for this e-mail address. Ask an administrator to add you.",
  inactive_user: "Your Empathy Fund account is deactivated. Ask an administrator to reactivate it.",
  no_branch: "Your identity provider did not name a branch we know, so no account could be created. Ask an administrator to add you.",
};

function failure(reason: SsoFailureReason, detail?: string): SsoResult {
  return { ok: false, reason, message: detail ? `${MESSAGES[reason]} (${detail})` : MESSAGES[reason] };
}

export type CompleteSsoInput = {
  cookieToken: string | null;
  /** The callback URL as the provider sent it, on the configured redirect URL. */
  callbackUrl: URL;
  ipAddress: string;
  userAgent?: string | null;
  previousSessionHash?: string | null;
  secret: string;
  now: Date;
};

/**
 * Finishes a round trip. The stored request is deleted first (used once), whatever happens next,
 * so that a replayed callback finds nothing. Every refusal is audited without token contents.
 */
export async function completeSsoSignIn(db: Db, config: client.Configuration, input: CompleteSsoInput): Promise<SsoResult> {
  const { now } = input;
  const params = input.callbackUrl.searchParams;
  const request = input.cookieToken
    ? await writeTransaction(db, async (tx) => {
        const idHash = hashSessionToken(input.cookieToken!, input.secret);
        const row = await firstRow(tx.select().from(ssoRequests).where(eq(ssoRequests.idHash, idHash)).limit(1));
        if (row) await tx.delete(ssoRequests).where(eq(ssoRequests.idHash, idHash));
        return row;
      })
    : undefined;

  const refuse = async (reason: SsoFailureReason, detail: Record<string, string | null> = {}, shown?: string): Promise<SsoResult> => {
    await writeTransaction(db, async (tx) => await recordAudit(tx, { actorId: null, action: "auth.sso_refused", entity: "user", detail: { reason, ...detail }, at: now }));
    return failure(reason, shown);
  };

  if (!request || request.expiresAt.getTime() <= now.getTime()) return await refuse("expired");
  const providerError = params.get("error");
  if (providerError) {
    // The provider's own words are short codes such as access_denied or login_required.
    const code = providerError.slice(0, 60).replace(/[^\w.-]/g, "");
    return await refuse("denied", { providerError: code }, code);
  }
  if (params.get("state") !== request.state) return await refuse("state_mismatch");

  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, input.callbackUrl, {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    const oauthError = error instanceof client.ResponseBodyError ? error.error : null;
    if (oauthError === "invalid_grant") return await refuse("rejected_code");
    if (oauthError === "access_denied") return await refuse("denied", { providerError: oauthError });
    return await refuse("provider_error", { error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }

  const rawEmail = typeof claims?.email === "string" ? claims.email : null;
  if (!claims || !rawEmail || claims.email_verified === false) return await refuse("no_email", { subject: claims?.sub ?? null });
  const email = normalizeEmail(rawEmail).slice(0, 254);
  const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 200) : email;
  const settings = await getOrganisation(db);
  const claimName = settings.ssoBranchClaim;
  const branchCode = claimName && typeof claims[claimName] === "string" ? (claims[claimName] as string).trim() : null;

  const outcome = await writeTransaction(db, async (tx) => {
    let user = await firstRow(tx.select().from(users).where(eq(users.email, email)).limit(1));
    let created = false;
    if (user && !user.active) return { kind: "refused" as const, reason: "inactive_user" as const, userId: user.id };
    if (!user) {
      if (!settings.ssoAutoCreate) return { kind: "refused" as const, reason: "unknown_user" as const, userId: null };
      const branch = branchCode
        ? await firstRow(
            tx
              .select({ id: branches.id, code: branches.code })
              .from(branches)
              .where(and(sql`lower(${branches.code}) = ${branchCode.toLowerCase()}`, eq(branches.active, true)))
              .limit(1),
          )
        : undefined;
      if (!branch) return { kind: "refused" as const, reason: "no_branch" as const, userId: null };
      const role: Role = "staff";
      user = await returnedRow(tx.insert(users).values({ email, name, role, branchId: branch.id, passwordHash: NO_PASSWORD, createdAt: now }).returning());
      created = true;
      await recordAudit(tx, {
        actorId: null,
        action: "user.created_by_sso",
        entity: "user",
        entityId: user.id,
        detail: { email, role, branchCode: branch.code },
        at: now,
      });
    }
    const session = await startSession(tx, {
      user,
      ipAddress: input.ipAddress,
      userAgent: input.userAgent,
      secret: input.secret,
      previousSessionHash: input.previousSessionHash,
      method: "sso",
      now,
    });
    return { kind: "session" as const, session, created };
  });
  if (outcome.kind === "refused") return await refuse(outcome.reason, { email, branchCode });
  return { ...outcome.session, redirectTo: request.redirectTo, created: outcome.created };
}

/** The provider's logout URL, when it publishes one (RP-initiated logout), returning to sign-in. */
export function providerLogoutUrl(config: client.Configuration, input: { clientId: string; postLogoutRedirectUri: string }): URL | null {
  if (!config.serverMetadata().end_session_endpoint) return null;
  return client.buildEndSessionUrl(config, { client_id: input.clientId, post_logout_redirect_uri: input.postLogoutRedirectUri });
}
