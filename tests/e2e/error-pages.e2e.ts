// Refusals and dead ends are said in plain words, inside the app the user knows, with a way on.
import { ACCOUNTS, expect, test } from "../support/e2e-fixtures";

test("a member of staff asking for Administration gets a 403 page in plain words inside the app shell", async ({ page, signInAs }) => {
  await signInAs("staff");
  const response = await page.goto("/admin");

  expect(response?.status()).toBe(403);
  await expect(page).toHaveURL("/admin");
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { level: 1 })).toHaveText("You don't have access to this page");
  await expect(main).toContainText("Your role (Staff) does not give access to this page.");
  await expect(main).not.toContainText(/forbidden|permission|users:manage|stack|error:/i);
  // Still inside the shell: the user's own navigation and name, and no link to what was refused.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([...ACCOUNTS.staff.nav]);
  await expect(page.getByRole("banner")).toContainText(ACCOUNTS.staff.name);

  await main.getByRole("link", { name: "Go to your home page" }).click();
  await expect(page).toHaveURL(ACCOUNTS.staff.home);
  await expect(page.getByRole("heading", { level: 1, name: ACCOUNTS.staff.homeHeading })).toBeVisible();
});

test("an unknown address shows the 404 page inside the app shell for a signed-in user", async ({ page, signInAs }) => {
  await signInAs("finance");
  const response = await page.goto("/no-such-page/at-all");

  expect(response?.status()).toBe(404);
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that page");
  await expect(main).toContainText("The page may have moved, or the link you followed may be out of date.");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([...ACCOUNTS.finance.nav]);

  await main.getByRole("link", { name: "Go to your home page" }).click();
  await expect(page).toHaveURL(ACCOUNTS.finance.home);
});

test("an unknown address shows the 404 page to a signed-out visitor too, without the signed-in navigation", async ({ page }) => {
  const response = await page.goto("/definitely-not-here");

  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("We couldn't find that page");
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Go to your home page" })).toBeVisible();
});
