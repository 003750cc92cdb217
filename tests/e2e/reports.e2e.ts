// Spend reports in the browser, on the seeded demo: finance opens the dashboard and narrows it to a
// region (the choice goes into the URL, the totals and the branch table follow); a manager sees
// their own branch; the branch spend page filters its gestures; all of it also without JavaScript.
import { expect, test, waitForHydration } from "../support/e2e-fixtures";

test("finance opens the spend reports, filters to a region, and the figures and the table follow", async ({ page, signInAs }) => {
  await signInAs("finance");
  await page.goto("/finance");
  await page.getByRole("link", { name: "Spend reports" }).click();
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: "Spend reports" })).toBeVisible();
  const totals = page.getByRole("heading", { level: 2, name: /^All branches · Q\d \d{4}$/ });
  await expect(totals).toBeVisible();
  await expect(page.getByRole("figure", { name: /by region/ })).toBeVisible();

  await page.getByLabel("Region", { exact: true }).selectOption("Northern Region");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/region=Northern\+Region/);
  await expect(page.getByRole("heading", { level: 2, name: /^Northern Region · Q\d \d{4}$/ })).toBeVisible();
  const branchTable = page.getByRole("table", { name: "Utilisation by branch" });
  const rows = branchTable.getByRole("row");
  // A heading row and one row per branch of the region, each with a budget in dollars.
  await expect(rows.nth(1)).toContainText(/\$[\d,]+\.\d{2}/);
  const branchCount = (await rows.count()) - 1;
  expect(branchCount).toBeGreaterThan(0);
  await expect(page.getByText(`${branchCount} budget pool${branchCount === 1 ? "" : "s"}`)).toBeVisible();
  // The region's budget equals the sum of its branches' budgets in the table.
  const money = (text: string) => Math.round(Number(text.replace(/[$,]/g, "")) * 100);
  let sum = 0;
  for (let i = 1; i <= branchCount; i++) sum += money((await rows.nth(i).getByRole("cell").first().textContent())!);
  const budgetText = await page.locator("dl[aria-label=Totals] .balance-list__item--main dd").textContent();
  expect(money(budgetText!)).toBe(sum);

  // The chart's figures are in a table behind a disclosure.
  const branchFigure = page.getByRole("figure", { name: /^Spent and committed by branch/ });
  await branchFigure.getByText("Show the figures as a table").click();
  await expect(branchFigure.getByRole("table", { name: /Spent and committed by branch/ })).toBeVisible();

  // On to the return on empathy, keeping the region.
  await page.getByRole("link", { name: "Return on empathy" }).first().click();
  await expect(page).toHaveURL(/\/reports\/outcomes\?.*region=Northern\+Region/);
  await expect(page.getByRole("heading", { level: 1, name: "Return on empathy" })).toBeVisible();
  await expect(page.getByText("This shows an association, not a cause")).toBeVisible();
});

test("a manager's reports are their own branch's, and another branch is refused", async ({ page, signInAs }) => {
  await signInAs("manager");
  await page.goto("/reports");
  await expect(page.getByRole("heading", { level: 2, name: /^North · Q\d \d{4}$/ })).toBeVisible();
  await expect(page.getByLabel("Region", { exact: true })).toHaveCount(0);
  const response = await page.goto("/reports?branch=3");
  expect(response?.status()).toBe(403);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("staff filter their branch's spend by status, and the filter stays in the URL", async ({ page, signInAs }) => {
    await signInAs("staff");
    await page.goto("/spend");
    await expect(page.getByRole("heading", { level: 1, name: "Spend" })).toBeVisible();
    await expect(page.getByText("Committed (approved, not yet spent)")).toBeVisible();
    await page.getByLabel("Status").selectOption("approved");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/status=approved/);
    await expect(page.getByLabel("Status")).toHaveValue("approved");
    const table = page.getByRole("table", { name: /^Gestures of Q\d \d{4}/ });
    const empty = page.getByText("No gesture of this period matches these filters.");
    await expect(table.or(empty)).toBeVisible();
    if (await table.isVisible()) {
      for (const row of await table.getByRole("row").all()) if ((await row.getByRole("cell").count()) > 0) await expect(row).toContainText("Approved");
    }
  });

  test("an old bookmark (period and branch ids) opens the same report at its new address", async ({ page, signInAs }) => {
    await signInAs("finance");
    await page.goto("/reports?period=1&branch=1");
    await expect(page).toHaveURL(/\/reports\?branch=NTH&from=\d{4}-\d{2}-01$/);
    await expect(page.getByRole("heading", { level: 2, name: /^North · / })).toBeVisible();
    await expect(page.getByLabel("Branch", { exact: true })).toHaveValue("NTH");
  });

  test("finance narrows the reports to a region without JavaScript", async ({ page, signInAs }) => {
    await signInAs("finance");
    await page.goto("/reports");
    await page.getByLabel("Region", { exact: true }).selectOption("Southern Region");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page.getByRole("heading", { level: 2, name: /^Southern Region · Q\d \d{4}$/ })).toBeVisible();
    await expect(page.getByRole("img", { name: /^Spent and committed by branch/ })).toBeVisible();
  });
});
