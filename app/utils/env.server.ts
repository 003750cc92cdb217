// Reads and checks the environment once. Everything else imports `env` from here.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1).default("data/empathy-fund.sqlite"),
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  SESSION_SECRET_FILE: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("localhost"),
  /** Set to "false" to serve production over plain http on a host browsers do not trust. */
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
  /**
   * The public origin (https://fund.example.bank): the cross-site check compares Origin with it,
   * and every link in an e-mail is built from it. Required in production once SMTP_URL is set.
   */
  APP_ORIGIN: z.preprocess(
    emptyAsUnset,
    z
      .url({ protocol: /^https?$/, error: "APP_ORIGIN must be the app's public origin, like https://fund.example.bank" })
      .refine((value) => new URL(value).origin === value.replace(/\/$/, ""), "APP_ORIGIN must be an origin only (https://fund.example.bank), without a path, query or fragment")
      .optional(),
  ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** smtp://user:pass@host:587 or smtps://…:465. Unset: `npm run jobs` writes e-mails to the log instead. */
  SMTP_URL: z.preprocess(
    emptyAsUnset,
    z.url({ protocol: /^smtps?$/, error: "SMTP_URL must be a URL like smtp://user:password@mail.example.com:587 (or smtps://…)" }).optional(),
  ),
  /** The sender of notification e-mails: an address, or "Name <address>". */
  EMAIL_FROM: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .trim()
      .max(200)
      .regex(/^(?:[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+|[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>)$/, 'EMAIL_FROM must be an address (fund@example.bank) or "Name <fund@example.bank>"')
      .optional(),
  ),
  /** Single sign-on with OpenID Connect: all four, or none. */
  OIDC_ISSUER_URL: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URL: z.url().optional(),
});

function emptyAsUnset(value: unknown) {
  return value === "" ? undefined : value;
}


const OIDC_VARIABLES = ["OIDC_ISSUER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URL"] as const;

export type OidcSettings = { issuerUrl: string; clientId: string; clientSecret: string; redirectUrl: string };

export type Env = z.infer<typeof EnvSchema> & {
  SESSION_SECRET: string;
  cookieSecure: boolean;
  oidc: OidcSettings | null;
  /** The origin every link in an e-mail starts with: APP_ORIGIN, else this server's own address. */
  publicOrigin: string;
};

function readEnv(): Env {
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid environment: ${z.prettifyError(parsed.error)}`);
  }
  const raw = parsed.data;
  const production = raw.NODE_ENV === "production";
  const oidcSet = OIDC_VARIABLES.filter((name) => raw[name]);
  if (oidcSet.length > 0 && oidcSet.length < OIDC_VARIABLES.length) {
    const missing = OIDC_VARIABLES.filter((name) => !raw[name]);
    throw new Error(`Single sign-on needs all of ${OIDC_VARIABLES.join(", ")}; missing: ${missing.join(", ")}. Set them all, or none.`);
  }
  for (const name of ["OIDC_ISSUER_URL", "OIDC_REDIRECT_URL"] as const) {
    const value = raw[name];
    if (value && production && !isHttpsOrLoopback(value)) {
      throw new Error(`${name} must be an https URL in production (plain http only on localhost or 127.0.0.1).`);
    }
  }
  // An e-mail is read on another device: its links must name the app's public address. Outside
  // production, or while e-mail only goes to the log, the server's own address will do.
  if (production && raw.SMTP_URL && !raw.APP_ORIGIN) {
    throw new Error(
      "APP_ORIGIN is required in production when SMTP_URL is set: every link in an e-mail is built from it. Set it to the address staff open the app at, like https://fund.example.bank.",
    );
  }
  let secret = raw.SESSION_SECRET;
  if (!secret && raw.SESSION_SECRET_FILE) secret = readOrCreateSecret(raw.SESSION_SECRET_FILE);
  if (!secret) {
    if (production) {
      throw new Error(
        "SESSION_SECRET is required in production (at least 32 random characters), or SESSION_SECRET_FILE naming a file to keep one in.",
      );
    }
    // Development and tests only: a fixed secret is harmless where no real session lives.
    secret = "development-only-secret-not-for-production-use";
  }
  return {
    ...raw,
    SESSION_SECRET: secret,
    cookieSecure: raw.COOKIE_SECURE ? raw.COOKIE_SECURE === "true" : production,
    publicOrigin: raw.APP_ORIGIN ? new URL(raw.APP_ORIGIN).origin : `http://${["0.0.0.0", "::", "[::]"].includes(raw.HOST) ? "localhost" : raw.HOST}:${raw.PORT}`,
    oidc:
      raw.OIDC_ISSUER_URL && raw.OIDC_CLIENT_ID && raw.OIDC_CLIENT_SECRET && raw.OIDC_REDIRECT_URL
        ? { issuerUrl: raw.OIDC_ISSUER_URL, clientId: raw.OIDC_CLIENT_ID, clientSecret: raw.OIDC_CLIENT_SECRET, redirectUrl: raw.OIDC_REDIRECT_URL }
        : null,
  };
}

/** https anywhere; plain http only on this machine (a provider for development and tests). */
export function isHttpsOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
}

/** Keeps a generated secret in a file so that `npm start` works on a fresh clone and sessions survive restarts. */
function readOrCreateSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export const env: Env = readEnv();
