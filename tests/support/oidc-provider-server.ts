// The OpenID provider for the browser tests, started by playwright.config.ts as a second web
// server: `tsx tests/support/oidc-provider-server.ts` with OIDC_PROVIDER_PORT and APP_ORIGIN.
import { startOidcProvider } from "./oidc-provider";

const port = Number(process.env.OIDC_PROVIDER_PORT);
const appOrigin = process.env.E2E_BASE_URL;
if (!port || !appOrigin) throw new Error("OIDC_PROVIDER_PORT and E2E_BASE_URL are required");

const provider = await startOidcProvider({
  port,
  redirectUris: [`${appOrigin}/auth/oidc/callback`],
  postLogoutRedirectUris: [`${appOrigin}/login`],
});
console.log(`Test OpenID provider at ${provider.issuer}`);
const stop = () => void provider.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
