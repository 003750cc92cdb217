// The login form, with JavaScript: the one journey that signs in through the form rather than the
// signInAs fixture (sign-in-without-js.e2e.ts repeats the essentials with JavaScript off).
import { ACCOUNTS, DEMO_PASSWORD, expect, SIGN_IN_TIMEOUT, test, waitForHydration } from "../support/e2e-fixtures";

test.describe("Signing in with the form", () => {
  test.beforeEach(async ({ page }) => {
    await page.goto("/login");
    await waitForHydration(page);
  });

  test("a demo account signs in with its email and password and lands on its home page", async ({ page }) => {
    await expect(page).toHaveTitle("Sign in · Empathy Fund");
    await page.getByLabel("Email").fill(ACCOUNTS.manager.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);
    await expect(page.getByRole("heading", { level: 1, name: "North branch" })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(ACCOUNTS.manager.name);
    await expect(page.getByRole("banner")).toContainText(ACCOUNTS.manager.roleLine);
  });

  test("a wrong password says 'The email or password is not correct.' beside the form and keeps the typed email", async ({ page }) => {
    await page.getByLabel("Email").fill(ACCOUNTS.staffSouth.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();

    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Sign in" }) });
    await expect(form.getByRole("alert")).toHaveText("The email or password is not correct.", SIGN_IN_TIMEOUT);
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByLabel("Email")).toHaveValue(ACCOUNTS.staffSouth.email);
    // Still signed out: the signed-in area sends the visitor back to sign-in.
    await page.goto("/branch");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fbranch$/);
  });

  test("an empty submit shows an error beside each field and signs nobody in", async ({ page }) => {
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page.getByText("Enter your email address.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
    // Each message is tied to its field, so a screen reader reads it with the field.
    await expect(page.getByLabel("Email")).toHaveAccessibleDescription("Enter your email address.");
    await expect(page.getByLabel("Password")).toHaveAccessibleDescription("Enter your password.");
    await expect(page).toHaveURL("/login");
  });

  test("a signed-out visitor asking for the audit log is sent to sign-in and, once signed in, is back on the audit log", async ({ page }) => {
    await page.goto("/audit");
    await expect(page).toHaveURL("/login?redirectTo=%2Faudit");
    await expect(page.getByText("Sign in to continue to the page you asked for.")).toBeVisible();
    await waitForHydration(page);

    await page.getByLabel("Email").fill(ACCOUNTS.finance.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL("/audit", SIGN_IN_TIMEOUT);
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  });

  test("signing out from the header returns to sign-in with 'You have signed out.' and closes the signed-in pages", async ({ page }) => {
    await page.getByLabel("Email").fill(ACCOUNTS.staff.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL("/branch", SIGN_IN_TIMEOUT);

    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL("/login");
    await expect(page.getByRole("status")).toContainText("You have signed out.");
    await expect(page.getByRole("banner")).toHaveCount(0);

    await page.goto("/branch");
    await expect(page).toHaveURL("/login?redirectTo=%2Fbranch");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });
});
