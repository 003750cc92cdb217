// A real OpenID Connect provider (oidc-provider 9) on a loopback port, for the single sign-on
// tests. Its sign-in page asks only for an e-mail (the provider is not what we test); "Cancel"
// answers access_denied. Consent is granted automatically for the one client. Claims: sub, email,
// email_verified, name, and `branch` when the test gave the account one.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

export type TestAccount = { email: string; name?: string; branch?: string; emailVerified?: boolean };

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Adds or replaces an account the provider knows (any e-mail signs in; these get extra claims). */
  setAccount: (account: TestAccount) => void;
  close: () => Promise<void>;
};

export const TEST_CLIENT_ID = "empathy-fund";
export const TEST_CLIENT_SECRET = "test-client-secret-0123456789abcdef";

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Starts the provider. `redirectUris` are the app's callback URLs; `postLogoutRedirectUris` where
 * the provider's logout may send the browser back. `port` 0 picks a free one.
 */
export async function startOidcProvider(options: { port?: number; redirectUris: string[]; postLogoutRedirectUris?: string[] }): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccount>();
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(options.port ?? 0, "127.0.0.1", () => done()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "branch"] },
    // Claims in the ID token itself, as identity providers for workforce sign-in commonly do.
    conformIdTokenClaims: false,
    cookies: { keys: ["test-only-cookie-key-0123456789"] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const account = accounts.get(sub) ?? { email: sub };
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: account.email,
            email_verified: account.emailVerified ?? true,
            name: account.name ?? account.email.split("@")[0],
            ...(account.branch ? { branch: account.branch } : {}),
          };
        },
      };
    },
    // First-party client: no consent screen.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const existing = ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  server.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const match = /^\/interaction\/([\w-]+)(\/login|\/abort)?$/.exec(url.pathname);
    if (!match) {
      void callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (req.method === "GET") {
          res.setHeader("Content-Type", "text/html; charset=utf-8");
          res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${escapeHtml(details.uid)}/login">
<label for="email">Email</label> <input id="email" name="email" type="email" required autofocus>
<button type="submit">Continue</button></form>
<form method="post" action="/interaction/${escapeHtml(details.uid)}/abort"><button type="submit">Cancel</button></form>
</main></body></html>`);
          return;
        }
        const body = await formBody(req);
        if (match[2] === "/abort") {
          await provider.interactionFinished(
            req,
            res,
            { error: "access_denied", error_description: "The user cancelled the sign-in." },
            {
              mergeWithLastSubmission: false,
            },
          );
          return;
        }
        const email = (body.get("email") ?? "").trim().toLowerCase();
        if (!accounts.has(email)) accounts.set(email, { email });
        await provider.interactionFinished(req, res, { login: { accountId: email } }, { mergeWithLastSubmission: false });
      } catch (error) {
        res.statusCode = 400;
        res.end(error instanceof Error ? error.message : "interaction failed");
      }
    })();
  });

  return {
    issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    setAccount: (account) => accounts.set(account.email.toLowerCase(), account),
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
