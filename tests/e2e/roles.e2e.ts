// Each role lands on its own home, sees only the navigation it may use and who it is signed in as;
// the pages its navigation hides are refused by the server too.
import { ACCOUNT_KEYS, ACCOUNTS, APP_PAGES, expect, test } from "../support/e2e-fixtures";

for (const key of ACCOUNT_KEYS) {
  const account = ACCOUNTS[key];

  test.describe(`${account.name} (${account.roleLine})`, () => {
    test(`lands on ${account.home} and the navigation shows only ${account.nav.join(" and ")}`, async ({ page, signInAs }) => {
      await signInAs(key);
      await page.goto("/");

      await expect(page).toHaveURL(account.home);
      await expect(page.getByRole("heading", { level: 1, name: account.homeHeading })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([...account.nav]);
      const banner = page.getByRole("banner");
      await expect(banner).toContainText(account.name);
      await expect(banner).toContainText(account.roleLine);
      await expect(banner.getByRole("button", { name: "Sign out" })).toBeVisible();
    });

    test("every page in its navigation opens, and every page left out of it is refused with 403", async ({ page, signInAs }) => {
      await signInAs(key);
      for (const target of APP_PAGES) {
        const response = await page.goto(target.path);
        const allowed = (account.nav as readonly string[]).includes(target.nav);
        expect(response?.status(), `${target.path} for ${account.roleLine}`).toBe(allowed ? 200 : 403);
        if (allowed) {
          await expect(page.getByRole("link", { name: target.nav })).toHaveAttribute("aria-current", "page");
        } else {
          await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this page" })).toBeVisible();
        }
      }
    });
  });
}

test("the home page of a branch shows that branch's own team, not another branch's", async ({ page, signInAs }) => {
  await signInAs("staffSouth");
  await page.goto("/branch");
  const team = page.getByRole("table", { name: "Active colleagues at South" });
  await expect(team).toContainText("Aisha Bello");
  await expect(team).toContainText("Tom Becker");
  await expect(team).not.toContainText("Sam Carter");
  await expect(team).not.toContainText("Dan Moss");
});
