// Administration of the gesture policy and catalogue in Chromium: an admin overrides a branch's
// setting and sees the effective value and its source change; a catalogue edit without JavaScript.
import { expect, test, waitForHydration } from "../support/e2e-fixtures";

test("an admin overrides a branch's approval expiry and sees the effective value and its source change", async ({ page, signInAs }) => {
  await signInAs("admin");
  await page.goto("/admin");
  await waitForHydration(page);
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Policy" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Organisation defaults" })).toBeVisible();
  await page.getByRole("link", { name: "Harbour" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Harbour policy" })).toBeVisible();

  const expiry = page.getByRole("group", { name: "Approval expiry" });
  await expect(expiry.getByTestId("effective-approvalExpiryDays")).toHaveText("Applies now: 30 days · Organisation default");
  await expect(expiry.getByLabel("Use organisation default (30 days)")).toBeChecked();

  // Typing a value chooses "Override" for the admin.
  await expiry.getByLabel("Approval expiry (days) for Harbour").fill("21");
  await expect(expiry.getByLabel("Override for Harbour")).toBeChecked();

  // A discretion limit above the threshold is refused beside it, naming both values and their sources.
  const discretion = page.getByRole("group", { name: "Discretion limit" });
  await discretion.getByLabel("Discretion limit (USD) for Harbour").fill("175");
  await page.getByRole("button", { name: "Save Harbour’s policy" }).click();
  await expect(discretion.getByText("Now: discretion limit $175.00 (branch override), second-approval threshold $150.00 (organisation default).", { exact: false })).toBeVisible();
  await expect(expiry.getByTestId("effective-approvalExpiryDays")).toHaveText("Applies now: 30 days · Organisation default");

  await discretion.getByLabel("Use organisation default ($50.00)").check();
  await page.getByRole("button", { name: "Save Harbour’s policy" }).click();
  await expect(page.getByRole("status")).toContainText("Harbour's policy saved: 1 setting overrides the organisation defaults.");
  await expect(expiry.getByTestId("effective-approvalExpiryDays")).toHaveText("Applies now: 21 days · Branch override");
  await expect(page.getByRole("group", { name: "Discretion limit" }).getByTestId("effective-discretionLimit")).toHaveText("Applies now: $50.00 · Organisation default");

  await page.getByRole("link", { name: "Policy", exact: true }).first().click();
  await expect(page.getByRole("row", { name: /Harbour/ })).toContainText("1 setting");

  // Back to the defaults, after confirming.
  await page.getByRole("link", { name: "Harbour" }).click();
  await page.getByRole("link", { name: "Remove every override…" }).click();
  await page.getByRole("button", { name: "Yes, use the organisation defaults" }).click();
  await expect(page.getByRole("status")).toContainText("Harbour follows the organisation defaults for every setting.");
  await expect(page.getByTestId("effective-approvalExpiryDays")).toHaveText("Applies now: 30 days · Organisation default");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("an admin adds a gesture type, corrects a wrong amount, edits it and deletes it", async ({ page, signInAs }) => {
    const name = `Bakery box ${Date.now()}`;
    await signInAs("admin");
    await page.goto("/admin/catalogue");
    await page.getByRole("link", { name: "Add a gesture type" }).click();

    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Default amount (USD)").fill("50");
    await page.getByLabel("Maximum amount (USD)").fill("40");
    await page.getByLabel("Birthday").check();
    await page.getByRole("button", { name: "Add gesture type" }).click();

    // Refused by the server beside the field; nothing typed is lost.
    await expect(page.getByText("The default amount cannot be above the maximum amount.")).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveValue(name);
    await expect(page.getByLabel("Maximum amount (USD)")).toHaveValue("40");
    await expect(page.getByLabel("Birthday")).toBeChecked();

    await page.getByLabel("Maximum amount (USD)").fill("60");
    await page.getByRole("button", { name: "Add gesture type" }).click();
    await expect(page).toHaveURL("/admin/catalogue");
    await expect(page.getByRole("status")).toContainText(`${name} added.`);
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row).toContainText("Birthday");
    await expect(row).toContainText("$50.00");
    await expect(row).toContainText("$60.00");

    await row.getByRole("link", { name }).click();
    await page.getByLabel("Maximum amount (USD)").fill("70.50");
    await page.getByLabel("Birthday").uncheck();
    await page.getByLabel("Marriage").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status")).toContainText(`${name} saved.`);
    await expect(page.getByLabel("Maximum amount (USD)")).toHaveValue("70.50");
    await expect(page.getByLabel("Marriage")).toBeChecked();
    await expect(page.getByLabel("Birthday")).not.toBeChecked();

    await page.getByRole("link", { name: "Delete…" }).click();
    await expect(page.getByText(`Delete ${name}?`)).toBeVisible();
    await page.getByRole("button", { name: `Yes, delete ${name}` }).click();
    await expect(page).toHaveURL("/admin/catalogue");
    await expect(page.getByRole("status")).toContainText(`${name} is deleted from the catalogue.`);
    await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  });
});
