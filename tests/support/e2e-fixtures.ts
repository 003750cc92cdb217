// Playwright fixtures for the browser journeys.
//
// `signInAs(who)` signs a demo account in WITHOUT the login form: it inserts a session row into the
// e2e database (the same one the server under test uses) and gives the browser the session cookie,
// named and serialised by the app's own modules. Only tests/e2e/sign-in*.e2e.ts use the form.
//
// playwright.config.ts puts the server's environment (DATABASE_URL, SESSION_SECRET, NODE_ENV) into
// process.env before this module loads; the app modules below read it when first imported.
import { resolve } from "node:path";
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { returnedRow, firstRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export { expect };

/** The six demo accounts of db/seed.ts, with what each should see. */
export const ACCOUNTS = {
  staff: {
    email: "staff.north@example.com",
    name: "Sam Carter",
    roleLine: "Staff · North",
    home: "/branch",
    homeHeading: "North branch",
    nav: ["My branch", "Customers", "My proposals", "Spend", "Stories"],
  },
  manager: {
    email: "manager.north@example.com",
    name: "Maria Lopez",
    roleLine: "Branch manager · North",
    home: "/branch",
    homeHeading: "North branch",
    nav: ["My branch", "Customers", "My proposals", "Approvals", "Spend", "Reports", "Fairness", "Exports", "Imports", "Stories"],
  },
  staffSouth: {
    email: "staff.south@example.com",
    name: "Jordan Lee",
    roleLine: "Staff · South",
    home: "/branch",
    homeHeading: "South branch",
    nav: ["My branch", "Customers", "My proposals", "Spend", "Stories"],
  },
  managerSouth: {
    email: "manager.south@example.com",
    name: "Aisha Bello",
    roleLine: "Branch manager · South",
    home: "/branch",
    homeHeading: "South branch",
    nav: ["My branch", "Customers", "My proposals", "Approvals", "Spend", "Reports", "Fairness", "Exports", "Imports", "Stories"],
  },
  finance: {
    email: "finance@example.com",
    name: "Frank Osei",
    roleLine: "Finance · Northvale Bank",
    home: "/finance",
    homeHeading: "Finance",
    nav: ["Approvals", "Finance", "Reports", "Budgets", "Fairness", "Patterns", "Exports", "Audit log", "Stories"],
  },
  admin: {
    email: "admin@example.com",
    name: "Alex Morgan",
    roleLine: "Administrator · Northvale Bank",
    home: "/admin",
    homeHeading: "Administration",
    nav: ["Administration", "Imports", "Erasure", "API keys", "Audit log", "Stories"],
  },
} as const;

export type AccountKey = keyof typeof ACCOUNTS;
export type Account = (typeof ACCOUNTS)[AccountKey];
export const ACCOUNT_KEYS = Object.keys(ACCOUNTS) as AccountKey[];
export const DEMO_PASSWORD = "empathy-demo-2026";
/**
 * How long to wait for the answer to a sign-in form. The server checks the password with scrypt at
 * production strength (128 MiB, deliberately slow), which takes seconds on a busy two-core machine.
 */
export const SIGN_IN_TIMEOUT = { timeout: 20_000 };

/** Every page of the signed-in area with the label of its navigation entry. */
export const APP_PAGES = [
  { path: "/branch", nav: "My branch" },
  { path: "/finance", nav: "Finance" },
  { path: "/customers", nav: "Customers" },
  { path: "/gestures", nav: "My proposals" },
  { path: "/approvals", nav: "Approvals" },
  { path: "/spend", nav: "Spend" },
  { path: "/reports", nav: "Reports" },
  { path: "/pools", nav: "Budgets" },
  { path: "/finance/fairness", nav: "Fairness" },
  { path: "/finance/flags", nav: "Patterns" },
  { path: "/finance/exports", nav: "Exports" },
  { path: "/admin", nav: "Administration" },
  { path: "/imports", nav: "Imports" },
  { path: "/erasure", nav: "Erasure" },
  { path: "/api-keys", nav: "API keys" },
  { path: "/audit", nav: "Audit log" },
  { path: "/stories", nav: "Stories" },
] as const;

/**
 * The sizes every page must work at: a desktop, a counter tablet in portrait (768×1024, the
 * narrowest common tablet) and a phone (390×844). Below 48rem (768px) the main navigation folds
 * into a menu; the tablet keeps it open.
 */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  tablet: { width: 768, height: 1024 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

type SignInAs = (who: AccountKey | string, options?: { context?: BrowserContext }) => Promise<{ userId: number; email: string }>;

type AppModules = {
  db: import("~/utils/db.server").Db;
  createSession: typeof import("~/domain/identity/sessions.server").createSession;
  serializeSessionToken: typeof import("~/utils/session.server").serializeSessionToken;
  users: typeof import("../../db/schema").users;
  eq: typeof import("drizzle-orm").eq;
  secret: string;
};

let modules: Promise<AppModules> | undefined;

/** Imports the app's modules once per worker, after checking they will open the e2e database. */
function appModules(): Promise<AppModules> {
  modules ??= (async () => {
    const expected = process.env.E2E_POSTGRES_URL ?? resolve("tests/.tmp/e2e.sqlite");
    const actual = process.env.DATABASE_URL && (process.env.E2E_POSTGRES_URL ? process.env.DATABASE_URL : resolve(process.env.DATABASE_URL));
    if (actual !== expected) {
      throw new Error(`The e2e fixture writes sessions only to ${expected}; DATABASE_URL is ${process.env.DATABASE_URL}. Run through playwright.config.ts.`);
    }
    const [{ db }, { createSession }, { serializeSessionToken }, { users }, { eq }, { env }] = await Promise.all([
      import("~/utils/db.server"),
      import("~/domain/identity/sessions.server"),
      import("~/utils/session.server"),
      import("../../db/schema"),
      import("drizzle-orm"),
      import("~/utils/env.server"),
    ]);
    return { db, createSession, serializeSessionToken, users, eq, secret: env.SESSION_SECRET };
  })();
  return modules;
}

/** Turns a Set-Cookie header into Playwright's cookie for the server's host. */
function cookieFrom(setCookie: string, baseURL: string) {
  const [pair = "", ...attributes] = setCookie.split(";").map((part) => part.trim());
  const eq = pair.indexOf("=");
  const flags = new Map(
    attributes.map((attribute) => {
      const [key = "", value = ""] = attribute.split("=");
      return [key.toLowerCase(), value] as const;
    }),
  );
  const sameSite = (flags.get("samesite") ?? "lax").toLowerCase();
  // Playwright's `url` form forces secure=false on http, which Chromium refuses for a `__Host-`
  // cookie; 127.0.0.1 is a secure context, so a Secure host cookie set by domain/path is accepted.
  return {
    name: pair.slice(0, eq),
    value: pair.slice(eq + 1),
    domain: new URL(baseURL).hostname,
    path: flags.get("path") || "/",
    httpOnly: flags.has("httponly"),
    secure: flags.has("secure"),
    sameSite: sameSite === "strict" ? ("Strict" as const) : sameSite === "none" ? ("None" as const) : ("Lax" as const),
  };
}

/** Resolves once React has hydrated the document (client-side navigation and handlers work). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

export const test = base.extend<{ signInAs: SignInAs }>({
  signInAs: async ({ context, baseURL }, use) => {
    await use(async (who, options = {}) => {
      const email = who in ACCOUNTS ? ACCOUNTS[who as AccountKey].email : who;
      const app = await appModules();
      const user = await firstRow(app.db.select({ id: app.users.id }).from(app.users).where(app.eq(app.users.email, email)).limit(1));
      if (!user) throw new Error(`No user ${email} in the e2e database`);
      const { token } = await writeTransaction(app.db, async (tx) => app.createSession(tx, { userId: user.id, secret: app.secret, now: new Date() }));
      const cookie = cookieFrom(await app.serializeSessionToken(token), baseURL ?? process.env.E2E_BASE_URL!);
      await (options.context ?? context).addCookies([cookie]);
      return { userId: user.id, email };
    });
  },
});

/**
 * A fresh customer with one signal, as a CRM import would bring them, for journeys that must not
 * share a customer with the other tests running in parallel. The name is unique per call.
 */
export async function createCustomerWithSignal(input: {
  branchCode: string;
  name: string;
  kind: import("../../db/schema").SignalKind;
  daysAgo: number;
  severity?: number;
  deliveryAddress?: string;
}): Promise<{ customerId: number; signalId: number; name: string }> {
  const app = await appModules();
  const { branches, customers, signals } = await import("../../db/schema");
  const { nameKeys } = await import("~/domain/customers/customer-rules");
  const { addDays } = await import("~/domain/core/dates");
  const { localDate } = await import("~/domain/core/dates");
  const branch = await firstRow(app.db.select({ id: branches.id }).from(branches).where(app.eq(branches.code, input.branchCode)).limit(1));
  if (!branch) throw new Error(`No branch ${input.branchCode} in the e2e database`);
  const suffix = Math.random().toString(36).slice(2, 8);
  const name = `${input.name} ${suffix.toUpperCase()}`;
  const now = new Date();
  return await writeTransaction(app.db, async (tx) => {
    const customer = await returnedRow(
      tx
        .insert(customers)
        .values({
          crmRef: `E2E-${suffix}`,
          name,
          ...nameKeys(name),
          branchId: branch.id,
          customerSince: "2001-04-02",
          deliveryAddress: input.deliveryAddress ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: customers.id }),
    );
    const signal = await returnedRow(
      tx
        .insert(signals)
        .values({
          customerId: customer.id,
          branchId: branch.id,
          kind: input.kind,
          occurredOn: addDays(localDate(now, "America/New_York"), -input.daysAgo),
          source: "crm",
          severity: input.severity ?? 3,
          createdAt: now,
        })
        .returning({ id: signals.id }),
    );
    return { customerId: customer.id, signalId: signal.id, name };
  });
}

/** Another signal for a customer made by createCustomerWithSignal (a CRM import would bring it). */
export async function addSignal(input: { customerId: number; kind: import("../../db/schema").SignalKind; daysAgo: number; severity?: number }): Promise<number> {
  const app = await appModules();
  const { customers, signals } = await import("../../db/schema");
  const { addDays, localDate } = await import("~/domain/core/dates");
  const customer = await firstRow(app.db.select({ branchId: customers.branchId }).from(customers).where(app.eq(customers.id, input.customerId)).limit(1));
  if (!customer) throw new Error(`No customer ${input.customerId} in the e2e database`);
  const now = new Date();
  return (
    await returnedRow(
      app.db
        .insert(signals)
        .values({
          customerId: input.customerId,
          branchId: customer.branchId,
          kind: input.kind,
          occurredOn: addDays(localDate(now, "America/New_York"), -input.daysAgo),
          source: "crm",
          severity: input.severity ?? 3,
          createdAt: now,
        })
        .returning({ id: signals.id }),
    )
  ).id;
}
