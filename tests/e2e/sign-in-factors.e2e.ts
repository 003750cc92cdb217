// Both ways in that a bank asks for, in Chromium: single sign-on through a real OpenID provider
// (started by playwright.config.ts on the next port), and a password with a TOTP second factor.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { ACCOUNTS, expect, SIGN_IN_TIMEOUT, test, waitForHydration } from "../support/e2e-fixtures";
import { totpCode } from "../support/totp";

const ORGANISATION = "Northvale Bank";
const PASSWORD = "a long e2e passphrase for two-step";

/** A fresh staff member of North with a known password (cheap hash: the server reads the cost from the hash). */
async function createStaffWithPassword(): Promise<{ id: number; email: string; name: string }> {
  const [{ db }, { branches, users }, { eq }, { hashPassword }] = await Promise.all([
    import("~/utils/db.server"),
    import("../../db/schema"),
    import("drizzle-orm"),
    import("~/domain/identity/passwords.server"),
  ]);
  const branch = db.select().from(branches).where(eq(branches.code, "NTH")).get()!;
  const suffix = randomBytes(4).toString("hex");
  const email = `two.step.${suffix}@example.com`;
  const name = `Tess Twostep ${suffix}`;
  const passwordHash = await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 });
  const user = db.insert(users).values({ email, name, role: "staff", branchId: branch.id, passwordHash }).returning().get();
  return { id: user.id, email, name };
}

async function signInWithPassword(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test.describe("Single sign-on", () => {
  test("a member of staff signs in with the organisation's identity provider and signs out of both", async ({ page }) => {
    const account = ACCOUNTS.staffSouth;
    await page.goto("/login?redirectTo=%2Fcustomers");
    await page.getByRole("link", { name: `Sign in with ${ORGANISATION}` }).click();
    // The provider's own page (another origin).
    await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
    expect(new URL(page.url()).port).not.toBe(new URL(process.env.E2E_BASE_URL!).port);
    await page.getByLabel("Email").fill(account.email);
    await page.getByRole("button", { name: "Continue" }).click();

    await expect(page).toHaveURL(/\/customers$/, SIGN_IN_TIMEOUT);
    await expect(page.getByRole("banner")).toContainText(account.name);
    await expect(page.getByRole("banner")).toContainText(account.roleLine);

    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("status")).toContainText("You have signed out.");
    await expect(page.getByTestId("provider-logout")).toBeVisible();
    await page.getByRole("link", { name: "sign out there too" }).click();
    // oidc-provider asks the user to confirm, then returns to the app's sign-in page.
    await page.getByRole("button", { name: /yes, sign me out/i }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/customers");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fcustomers$/);
  });

  test("an e-mail the app does not know ends on a plain page that says so", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("link", { name: `Sign in with ${ORGANISATION}` }).click();
    await page.getByLabel("Email").fill("not.a.user@example.com");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Single sign-on did not sign you in" })).toBeVisible(SIGN_IN_TIMEOUT);
    await expect(page.getByTestId("sso-error")).toContainText("There is no Empathy Fund account for this e-mail address");
    await page.getByRole("link", { name: "Back to sign-in" }).click();
    await expect(page.getByRole("heading", { name: "Sign in", exact: true })).toBeVisible();
  });

  test("cancelling at the provider ends on a page that says the sign-in was denied", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("link", { name: `Sign in with ${ORGANISATION}` }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("sso-error")).toContainText("denied or cancelled", SIGN_IN_TIMEOUT);
  });
});

test.describe("Two-step sign-in with a password", () => {
  test("a user turns it on, signs in with password and code, and an administrator resets it", async ({ page, browser, signInAs }) => {
    // Several sign-ins in one journey: more time than one page needs on a busy machine.
    test.setTimeout(120_000);
    const user = await createStaffWithPassword();

    await signInWithPassword(page, user.email);
    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);
    await waitForHydration(page);
    await page.getByRole("banner").getByRole("link", { name: "Two-step sign-in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Two-step sign-in" })).toBeVisible();
    await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    const secret = (await page.getByTestId("factor-secret").textContent())!;
    await page.getByLabel("Code from your app").fill(totpCode(secret));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect(page.getByRole("heading", { name: "Two-step sign-in is set up" })).toBeVisible();
    await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
    const recovery = (await page.getByTestId("recovery-codes").getByRole("listitem").first().textContent())!;
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("status")).toContainText("You have signed out.");

    // Password, then the code step; a wrong code is refused beside the field.
    await signInWithPassword(page, user.email);
    await expect(page).toHaveURL("/login/verify", SIGN_IN_TIMEOUT);
    await page.getByLabel("Code").fill("000000" === totpCode(secret, { stepOffset: 1 }) ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page.getByLabel("Code")).toHaveAccessibleDescription(/That code is not correct/);
    // Browsing away does not skip the step.
    await page.goto("/branch");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fbranch$/);
    await page.goto("/login/verify");
    await page.getByLabel("Code").fill(totpCode(secret, { stepOffset: 1 }));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);
    await expect(page.getByRole("banner")).toContainText(user.name);
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("status")).toContainText("You have signed out.");

    // A recovery code works once.
    await signInWithPassword(page, user.email);
    await page.getByLabel("Code").fill(recovery);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);

    // An administrator resets the factor after confirming; the user's session ends.
    const adminContext = await browser.newContext();
    await signInAs("admin", { context: adminContext });
    const admin = await adminContext.newPage();
    await admin.goto(`/admin/users/${user.id}`);
    await admin.getByRole("link", { name: "Reset second factor…" }).click();
    await admin.getByRole("button", { name: "Yes, reset the second factor" }).click();
    await expect(admin.getByRole("status")).toContainText("Second factor reset");
    await expect(admin.getByText("Not set up")).toBeVisible();
    await adminContext.close();

    await page.reload();
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fbranch$/);
    // Not required by the demo organisation: the password alone signs in again.
    await signInWithPassword(page, user.email);
    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);
  });
});

test.describe("Without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("single sign-on is a plain link and the way back a plain redirect", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("link", { name: `Sign in with ${ORGANISATION}` }).click();
    await page.getByLabel("Email").fill(ACCOUNTS.finance.email);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(ACCOUNTS.finance.home, SIGN_IN_TIMEOUT);
    await expect(page.getByRole("banner")).toContainText(ACCOUNTS.finance.name);
  });

  test("setting up two-step sign-in and the code step are plain form posts", async ({ page }) => {
    test.setTimeout(90_000);
    const user = await createStaffWithPassword();
    await signInWithPassword(page, user.email);
    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);
    await page.goto("/account/security");
    const secret = (await page.getByTestId("factor-secret").textContent())!;
    await page.getByLabel("Code from your app").fill(totpCode(secret));
    await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
    await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("status")).toContainText("You have signed out.");

    await signInWithPassword(page, user.email);
    await expect(page).toHaveURL("/login/verify", SIGN_IN_TIMEOUT);
    await page.getByLabel("Code").fill(totpCode(secret, { stepOffset: 1 }));
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);
  });
});
