// Budgets in the browser, on the seeded demo (a previous and a current quarter with a ledger
// history): finance opens the next quarter, adjusts one pool, reads its ledger and closes the
// previous quarter; branch people see their own balance only.
import { expect, test, waitForHydration } from "../support/e2e-fixtures";

// The seed opens three older quarters (periods 1–3, pools 1–15, closed by its history), then the
// previous quarter (period 4, pools 16–20) and the current one (period 5, pools 21–25), for
// branches NTH, LKS, STH, HBR, CTY in that order.
const NORTH_CURRENT = 21;
const LAKESIDE_CURRENT = 22;
const SOUTH_CURRENT = 23;

test("finance opens the next quarter, adjusts a pool, reads its ledger and closes the previous quarter", async ({ page, signInAs }) => {
  await signInAs("finance");
  await page.goto("/pools");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: "Budgets" })).toBeVisible();
  const pools = page.getByRole("table", { name: /Pools of Q\d \d{4}/ });
  await expect(pools.getByRole("row")).toHaveCount(6);

  // Filter by region.
  await page.getByLabel("Region", { exact: true }).selectOption("Northern Region");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/region=Northern\+Region/);
  await expect(pools.getByRole("row")).toHaveCount(3);

  // Open the next quarter with last quarter's amounts.
  const openLink = page.getByRole("link", { name: /^Open Q\d \d{4}$/ });
  const nextLabel = (await openLink.textContent())!.replace("Open ", "");
  await openLink.click();
  await expect(page.getByRole("heading", { level: 1, name: `Open ${nextLabel}` })).toBeVisible();
  await page.getByRole("link", { name: /^Copy from Q\d \d{4}$/ }).click();
  await expect(page.getByLabel("Amount for North")).toHaveValue(/^\d+\.\d{2}$/);
  await page.getByLabel("Amount for Harbour").fill("2,250.00");
  await page.getByRole("button", { name: "Review the amounts" }).click();
  await expect(page.getByRole("heading", { name: "Check and confirm" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Amounts to allocate" })).toContainText("$2,250.00");
  await page.getByRole("button", { name: `Open ${nextLabel}` }).click();
  await expect(page.getByRole("status")).toContainText(`${nextLabel} is open: 5 branch pools`);
  await expect(page.getByRole("heading", { level: 2, name: new RegExp(nextLabel) })).toBeVisible();

  // Adjust North's current pool, with a confirmation step.
  await page.goto(`/pools/${NORTH_CURRENT}`);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^North · Q\d \d{4}$/);
  await page.getByLabel("Adjustment (USD)").fill("-25.5");
  await page.getByLabel("Reason").fill("Correction: a voucher was booked twice");
  await page.getByRole("button", { name: "Review adjustment" }).click();
  const confirm = page.getByRole("group", { name: "Check and confirm" });
  await expect(confirm).toContainText("Adjust by -$25.50 for North");
  await confirm.getByRole("button", { name: "Confirm adjustment" }).click();
  await expect(page.getByRole("status")).toContainText("Adjusted by -$25.50 for North");
  const ledger = page.getByRole("table", { name: /Ledger of North/ });
  const newest = ledger.getByRole("row").nth(1);
  await expect(newest).toContainText("Adjustment");
  await expect(newest).toContainText("Correction: a voucher was booked twice");
  await expect(newest).toContainText("-$25.50");
  await expect(newest).toContainText("Frank Osei");

  // The ledger filters by kind and pages. Adjustments, because there is surely one (just made): in
  // a quarter's first days the current pool has no capture yet.
  await page.getByLabel("Kind of entry").selectOption("adjustment");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=adjustment/);
  const kinds = await ledger.getByRole("row").locator("td:nth-child(2)").allTextContents();
  expect(kinds.length).toBeGreaterThan(0);
  expect(new Set(kinds)).toEqual(new Set(["Adjustment"]));

  // Close the previous quarter. Every demo hold belongs to a gesture and the history's gestures in it
  // were all fulfilled, so the previous quarter has no open hold to carry: its unspent budget lapses.
  await page.goto("/pools");
  const closeLink = page.getByRole("link", { name: /^Close Q\d \d{4}$/ }).first();
  const previousLabel = (await closeLink.textContent())!.replace("Close ", "");
  await closeLink.click();
  await expect(page.getByRole("heading", { level: 1, name: `Close ${previousLabel}` })).toBeVisible();
  await expect(page.getByLabel(/Carry the \d+ open holds? into/)).toHaveCount(0);
  await page.getByRole("button", { name: `Close ${previousLabel}` }).click();
  await expect(page.getByRole("status")).toContainText(new RegExp(`${previousLabel} is closed: \\$[\\d,.]+ unspent lapsed\\.`));
  await expect(page.getByRole("heading", { level: 2, name: new RegExp(`${previousLabel}\\s*Closed`) })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("finance allocates with a review and a confirmation, and a wrong amount is explained beside the field", async ({ page, signInAs }) => {
    await signInAs("finance");
    await page.goto(`/pools/${SOUTH_CURRENT}`);
    await page.getByLabel("Amount to add (USD)").fill("12.345");
    await page.getByRole("button", { name: "Review allocation" }).click();
    await expect(page.getByText("Use at most two decimals (cents).")).toBeVisible();
    await expect(page.getByLabel("Amount to add (USD)")).toHaveValue("12.345");

    await page.getByLabel("Amount to add (USD)").fill("1,000");
    await page.getByLabel("Note (optional)").fill("Winter campaign");
    await page.getByRole("button", { name: "Review allocation" }).click();
    await expect(page.getByRole("group", { name: "Check and confirm" })).toContainText("Allocate $1,000.00 for South");
    // Change goes back to the form with what was typed.
    await page.getByRole("button", { name: "Change" }).click();
    await expect(page.getByLabel("Amount to add (USD)")).toHaveValue("1,000");
    await page.getByRole("button", { name: "Review allocation" }).click();
    await page.getByRole("button", { name: "Confirm allocation" }).click();
    await expect(page.getByRole("status")).toContainText("Allocated $1,000.00 for South");
    await page.reload();
    await expect(page.getByRole("table", { name: /Ledger of South/ }).getByRole("row").filter({ hasText: "Winter campaign" })).toHaveCount(1);
  });
});

test("staff see their own branch's balance at home; managers read their own pool and are refused another branch's", async ({ page, signInAs, browser }) => {
  await signInAs("staff");
  await page.goto("/branch");
  const card = page.getByRole("region", { name: /^Budget for Q\d \d{4}$/ });
  await expect(card).toContainText("Available");
  await expect(card.getByRole("link")).toHaveCount(0);
  expect((await page.goto(`/pools/${NORTH_CURRENT}`))?.status()).toBe(403);

  const context = await browser.newContext();
  const managerPage = await context.newPage();
  await signInAs("manager", { context });
  await managerPage.goto("/branch");
  await managerPage.getByRole("link", { name: "See the budget's ledger" }).click();
  await expect(managerPage).toHaveURL(`/pools/${NORTH_CURRENT}`);
  await expect(managerPage.getByRole("heading", { name: "Ledger" })).toBeVisible();
  await expect(managerPage.getByRole("heading", { name: "Allocate" })).toHaveCount(0);
  const other = await managerPage.goto(`/pools/${LAKESIDE_CURRENT}`);
  expect(other?.status()).toBe(403);
  await expect(managerPage.getByText("This budget belongs to another branch.")).toBeVisible();
  await expect(managerPage.getByText("Lakeside")).toHaveCount(0);
  await context.close();
});
