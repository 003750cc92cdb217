// The staff journey of issue 4: find a customer, add a signal, see them in the suggestions queue.
import { expect, test } from "../support/e2e-fixtures";

test("a staff member finds a customer, adds a signal, and sees the customer in suggestions", async ({ page, signInAs }) => {
  await signInAs("staff");
  await page.goto("/branch");
  const suggestions = page.getByRole("region", { name: "Suggestions" });
  await expect(suggestions).toContainText("Eleanor Whitfield");
  await expect(suggestions).toContainText(/Bereavement noted 3 days ago · customer since 2004/);
  await expect(suggestions).not.toContainText("Victor Ashdown"); // do not contact
  await expect(suggestions).not.toContainText("Rosa Delgado");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
  await page.getByLabel("Name, surname or CRM reference").fill("delg");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Rosa Delgado" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rosa Delgado" })).toBeVisible();
  await expect(page.getByText("Nothing is recorded about this customer yet.")).toBeVisible();

  const form = page.getByRole("region", { name: "Add a signal" });
  await form.getByLabel("What happened").selectOption("service_failure");
  await form.getByLabel("High").check();
  await form.getByLabel("Note (optional)").fill("Standing order failed; rent paid late.");
  await form.getByRole("button", { name: "Add signal" }).click();
  await expect(page.locator(".toast")).toContainText("Signal added.");
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline).toContainText("Service failure");
  await expect(timeline).toContainText("Standing order failed; rent paid late.");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My branch" }).click();
  await expect(page.getByRole("region", { name: "Suggestions" })).toContainText("Rosa Delgado");
  await expect(page.getByRole("region", { name: "Suggestions" })).toContainText("Service failure noted today · customer since 2012");
});

test("a dismissed suggestion leaves the queue", async ({ page, signInAs }) => {
  await signInAs("managerSouth"); // another branch than the journey above, which runs in parallel
  await page.goto("/suggestions");
  const first = page.locator(".suggestion").first();
  const name = (await first.locator(".suggestion__name a").textContent())!;
  await first.getByText("Dismiss", { exact: true }).click();
  await first.getByLabel(`Why dismiss ${name}?`).fill("Spoke to them at the counter");
  await first.getByRole("button", { name: "Dismiss suggestion" }).click();
  await expect(page.locator(".toast")).toContainText("Suggestion dismissed.");
  await expect(page.locator(".suggestion__name a", { hasText: name })).toHaveCount(0);
});
