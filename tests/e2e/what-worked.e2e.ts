// Issue 21 part 1 in Chromium, with and without JavaScript: the proposal form says what has worked
// for the occasion beside the gesture choice, and staff choose a type from it (a link, so it works
// without JavaScript), also among customers of the same segment. Each test uses a fresh customer. (Leaving a customer alone: leave-alone.e2e.ts.)
import type { Page } from "@playwright/test";
import { createCustomerWithSignal, expect, test, waitForHydration } from "../support/e2e-fixtures";

async function chooseFromWhatHasWorked(page: Page, js: boolean) {
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: js ? "Wanda Worked" : "Walter Worked", kind: "bereavement", daysAgo: 2 });
  await page.goto(`/gestures/new?customerId=${customer.customerId}&occasion=bereavement&signalId=${customer.signalId}`);
  if (js) await waitForHydration(page);
  const worked = page.getByRole("region", { name: "What has worked after a bereavement" });
  await expect(worked).toBeVisible();
  await expect(worked.getByRole("listitem").first()).toContainText(/customers responded well|no responses recorded yet/);
  // The demo's year of history has enough bereavements among retail customers (the new customer's
  // segment) for their own ranking below the bank's (issue 21, decision 52).
  await expect(worked.getByRole("heading", { name: "Across the bank" })).toBeVisible();
  await expect(worked.getByRole("heading", { name: "Among retail customers" })).toBeVisible();
  await expect(worked.getByRole("heading", { name: "Among retail customers" }).locator("xpath=following-sibling::ol[1]")).toContainText(/customers responded well/);
  // Choose the last type offered (not the one preselected): the form's Gesture follows.
  const choose = worked.getByRole("link", { name: /^Choose / });
  const last = choose.last();
  const typeName = (await last.getAttribute("aria-label"))!.replace(/^Choose /, "");
  await last.click();
  const form = page.getByRole("region", { name: "Proposal" });
  const gesture = form.getByLabel("Gesture", { exact: true });
  await expect(gesture.locator("option:checked")).toHaveText(new RegExp(typeName));
  // Each ranking (the bank's, then each group's) marks the chosen type once.
  const rankings = await worked.getByRole("list").count();
  expect(rankings).toBeGreaterThan(1);
  await expect(worked.getByText("(chosen below)")).toHaveCount(rankings);
  await expect(worked.getByRole("list").first().getByText("(chosen below)")).toHaveCount(1);
}

test("with JavaScript, staff see what has worked beside the gesture choice and choose from it", async ({ page, signInAs }) => {
  await signInAs("staff");
  await chooseFromWhatHasWorked(page, true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("staff see what has worked and choose from it with plain links", async ({ page, signInAs }) => {
    await signInAs("staff");
    await chooseFromWhatHasWorked(page, false);
  });
});
