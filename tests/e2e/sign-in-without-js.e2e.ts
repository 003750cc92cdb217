// Sign-in, the home page and sign-out are plain HTML forms and links: they work with JavaScript off
// (a locked-down branch browser, a script that failed to load).
import { ACCOUNTS, DEMO_PASSWORD, expect, SIGN_IN_TIMEOUT, test } from "../support/e2e-fixtures";

test.use({ javaScriptEnabled: false });

test.describe("Without JavaScript", () => {
  test("a branch manager signs in with the form, sees the branch home, and signs out", async ({ page }) => {
    const account = ACCOUNTS.managerSouth;
    await page.goto("/login");
    // No app script ran: Remix never started a router in this page.
    expect(await page.evaluate(() => "__remixRouter" in window)).toBe(false);

    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(account.home, SIGN_IN_TIMEOUT);
    await expect(page.getByRole("heading", { level: 1, name: account.homeHeading })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(account.name);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([...account.nav]);

    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL("/login");
    await expect(page.getByRole("status")).toContainText("You have signed out.");
    await page.goto(account.home);
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fbranch$/);
  });

  test("a wrong password is answered by the server with the same message, keeping the typed email", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(ACCOUNTS.staffSouth.email);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page.getByRole("alert")).toHaveText("The email or password is not correct.", SIGN_IN_TIMEOUT);
    await expect(page.getByLabel("Email")).toHaveValue(ACCOUNTS.staffSouth.email);
    await expect(page.getByLabel("Password")).toHaveValue("");
  });
});
