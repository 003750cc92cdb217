// The Content-Security-Policy allows scripts only from this origin or carrying the per-request
// nonce, and no inline styles. Every page loads without a single violation, and the app still
// hydrates (client-side navigation works), so the policy is not silently breaking the app.
import type { ConsoleMessage, Page } from "@playwright/test";
import { type AccountKey, expect, test, waitForHydration } from "../support/e2e-fixtures";

const PAGES: { who: AccountKey | null; path: string; status: number }[] = [
  { who: null, path: "/login", status: 200 },
  { who: null, path: "/login?redirectTo=%2Faudit", status: 200 },
  { who: null, path: "/nowhere", status: 404 },
  { who: null, path: "/auth/oidc/callback?code=x&state=y", status: 400 },
  // The QR code is an inline SVG rendered on the server.
  { who: "staff", path: "/account/security", status: 200 },
  { who: "staff", path: "/branch", status: 200 },
  { who: "staff", path: "/admin", status: 403 },
  { who: "manager", path: "/branch", status: 200 },
  { who: "finance", path: "/finance", status: 200 },
  { who: "finance", path: "/audit?verify=1", status: 200 },
  { who: "admin", path: "/admin", status: 200 },
  { who: "admin", path: "/audit", status: 200 },
  { who: "admin", path: "/nowhere", status: 404 },
];

declare global {
  interface Window {
    __cspViolations?: string[];
    __remixContext?: unknown;
    __sameDocument?: boolean;
  }
}

/** Records CSP violations from the console and from `securitypolicyviolation` events, and page errors. */
async function watch(page: Page) {
  const problems: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(text)) problems.push(`console: ${text}`);
  };
  page.on("console", onConsole);
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // Playwright's init scripts are not subject to the page's CSP, so this listener is always there.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations!.push(`${event.violatedDirective}: ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return {
    problems,
    async collect() {
      // zod's eval probe is switched off in app/entry.client.tsx (z.config({ jitless: true })), so no
      // report at all is tolerated.
      const events = await page.evaluate(() => window.__cspViolations ?? []);
      return [...problems, ...events.map((e) => `securitypolicyviolation: ${e}`)];
    },
  };
}

for (const target of PAGES) {
  const who = target.who ?? "a signed-out visitor";
  test(`${target.path} for ${who}: every inline script carries the nonce and nothing violates the policy`, async ({ page, signInAs }) => {
    if (target.who) await signInAs(target.who);
    const watcher = await watch(page);

    const response = await page.goto(target.path, { waitUntil: "load" });
    expect(response?.status()).toBe(target.status);
    const csp = response?.headers()["content-security-policy"] ?? "";
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, "the policy names a nonce").toBeTruthy();
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");

    await waitForHydration(page);
    await expect.poll(() => page.evaluate(() => typeof window.__remixContext)).toBe("object");
    // Browsers hide a nonce attribute from the DOM once parsed; the `nonce` property still holds it.
    const inlineScripts = await page.evaluate(() =>
      [...document.querySelectorAll("script:not([src])")].map((s) => (s as HTMLScriptElement).nonce),
    );
    expect(inlineScripts.length, "Remix's inline scripts are present").toBeGreaterThan(0);
    for (const scriptNonce of inlineScripts) expect(scriptNonce).toBe(nonce);
    // Module scripts from this origin need no nonce but are given it; either way they ran, as hydration shows.

    // Hydration has run every script of the page by now; anything they did is in the record.
    expect(await watcher.collect()).toEqual([]);
  });
}

test("the app hydrates under the policy: the navigation moves between pages without reloading the document", async ({ page, signInAs }) => {
  await signInAs("admin");
  const watcher = await watch(page);
  await page.goto("/admin");
  await waitForHydration(page);
  await page.evaluate(() => {
    window.__sameDocument = true;
  });
  const documentRequests: string[] = [];
  page.on("request", (request) => {
    if (request.resourceType() === "document") documentRequests.push(request.url());
  });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  await page.getByRole("button", { name: "Verify the chain" }).click();
  await expect(page.getByText(/The chain is intact/)).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Administration" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();

  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
  expect(documentRequests).toEqual([]);
  expect(await watcher.collect()).toEqual([]);
});

test("event handlers run under the policy: the sign-out message can be dismissed", async ({ page, signInAs }) => {
  await signInAs("staff");
  const watcher = await watch(page);
  await page.goto("/branch");
  await waitForHydration(page);
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/login");
  const toast = page.getByRole("status").filter({ hasText: "You have signed out." });
  await expect(toast).toBeVisible();
  await waitForHydration(page);
  await toast.getByRole("button", { name: "Dismiss message" }).click();
  await expect(toast).toHaveCount(0);
  expect(await watcher.collect()).toEqual([]);
});

test("the watcher is not blind: an inline script without the nonce is blocked and reported", async ({ page }) => {
  const watcher = await watch(page);
  await page.goto("/login");
  await waitForHydration(page);
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = true";
    document.body.append(script);
  });
  await expect.poll(async () => (await watcher.collect()).length).toBeGreaterThan(0);
  expect(await page.evaluate(() => "__injected" in window)).toBe(false);
  const reports = await watcher.collect();
  expect(reports.some((r) => r.startsWith("securitypolicyviolation: script-src"))).toBe(true);
  expect(reports.some((r) => r.startsWith("console: ") && r.includes("inline script"))).toBe(true);
});
