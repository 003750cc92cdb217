// Each role lands on its own home, sees only the navigation it may use and who it is signed in as;
// the pages its navigation hides are refused by the server too (the UI only hides what the server forbids).
import { ACCOUNT_KEYS, ACCOUNTS, APP_PAGES, expect, test } from "../support/e2e-fixtures";

for (const key of ACCOUNT_KEYS) {
  const account = ACCOUNTS[key];

  test(`${account.roleLine}: lands on ${account.home}, the navigation shows only ${account.nav.join(" and ")}, and every other page answers 403`, async ({
    page,
    signInAs,
  }) => {
    // Seventeen pages, each loaded and checked, on two cores shared with the other worker.
    test.setTimeout(60_000);
    await signInAs(key);

    await test.step("lands on its home with its name, role and branch in the header", async () => {
      await page.goto("/");
      await expect(page).toHaveURL(account.home);
      await expect(page.getByRole("heading", { level: 1, name: account.homeHeading })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([...account.nav]);
      const banner = page.getByRole("banner");
      await expect(banner).toContainText(account.name);
      await expect(banner).toContainText(account.roleLine);
      await expect(banner.getByRole("button", { name: "Sign out" })).toBeVisible();
    });

    for (const target of APP_PAGES) {
      const allowed = (account.nav as readonly string[]).includes(target.nav);
      await test.step(`${target.path} ${allowed ? "opens" : "is refused with 403"}`, async () => {
        const response = await page.goto(target.path);
        expect(response?.status(), `${target.path} for ${account.roleLine}`).toBe(allowed ? 200 : 403);
        if (allowed) {
          // The main navigation's entry: a page may link elsewhere with the same words ("Stories to review").
          await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: target.nav, exact: true })).toHaveAttribute("aria-current", "page");
        } else {
          await expect(page.getByRole("heading", { level: 1, name: "You don't have access to this page" })).toBeVisible();
        }
      });
    }
  });
}

test("the home page of a branch lists that branch's own active team, not another branch's", async ({ page, signInAs }) => {
  await signInAs("staffSouth");
  await page.goto("/branch");
  const team = page.getByRole("table", { name: "Active colleagues at South" });
  await expect(team).toContainText("Aisha Bello");
  await expect(team).toContainText("Tom Becker");
  await expect(team).not.toContainText("Sam Carter");
  await expect(team).not.toContainText("Dan Moss");
});
