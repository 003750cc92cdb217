// Issue 21 in Chromium: staff record a positive response, write a story (the customer's name is
// refused beside the field, the text kept), the manager publishes it, and a colleague at another
// branch reads it. Once with JavaScript, and once with the write and publish steps without it.
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { localToday } from "../support/calendar";
import { createCustomerWithSignal, expect, test, waitForHydration } from "../support/e2e-fixtures";

// Each journey is three people and a dozen pages on a shared two-core machine.
test.describe.configure({ timeout: 120_000 });

type SignInAs = (who: string, options?: { context?: BrowserContext }) => Promise<unknown>;

async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** Staff propose flowers (at their discretion, without a receipt), record the delivery and the customer's thanks; the gesture page invites a story. */
async function thankedGesture(page: Page, customer: { customerId: number; signalId: number }) {
  await page.goto(`/gestures/new?customerId=${customer.customerId}&signalId=${customer.signalId}`);
  await waitForHydration(page);
  const form = page.getByRole("region", { name: "Proposal" });
  await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Flowers (usually $60.00, at most $120.00)" });
  await form.getByLabel(/^Amount/).fill("20"); // no receipt needed at or under $25
  await form.getByRole("button", { name: "Submit proposal" }).click();
  await expect(page).toHaveURL(/\/gestures\/\d+$/);
  const fulfil = page.getByRole("region", { name: "Record the fulfilment" });
  await fulfil.getByLabel("Vendor").fill("Petals of Northgate");
  await fulfil.getByLabel("Delivered on").fill(localToday());
  await fulfil.getByRole("button", { name: "Record fulfilment" }).click();
  await expect(page.locator(".toast")).toContainText("Fulfilment recorded");
  const outcome = page.getByRole("region", { name: "How did the customer respond?" });
  await outcome.getByLabel("Response").selectOption({ label: "Thanked us" });
  await outcome.getByRole("button", { name: "Record the response" }).click();
  await expect(page.locator(".toast")).toContainText("the gesture is closed");
  return page.url().split("/").pop()!;
}

/** A colleague at South finds the story on the Stories page, crediting the author and branch, without the customer's name. */
async function colleagueReads(browser: Browser, signInAs: SignInAs, text: string, customerName: string) {
  const context = await browser.newContext();
  await signInAs("staffSouth", { context });
  const page = await context.newPage();
  await page.goto("/stories");
  const story = page.getByRole("article").filter({ hasText: text });
  await expect(story).toBeVisible();
  await expect(story).toContainText("Sam Carter, North (Northern Region)");
  await expect(page.getByText(customerName)).toHaveCount(0);
  // The home page shows the latest story (this one, or one published since by a journey running alongside).
  await page.goto("/branch");
  await expect(page.getByRole("region", { name: "Latest story" }).getByRole("article")).toBeVisible();
  await context.close();
}

test("with JavaScript: staff write a story after the customer thanked, the manager publishes it, a colleague at another branch reads it", async ({ page, browser, signInAs }) => {
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Harriet Storyteller", kind: "bereavement", daysAgo: 2 });
  await signInAs("staff");
  await thankedGesture(page, customer);

  await page.getByRole("region", { name: "Story", exact: true }).getByRole("link", { name: "Write a story" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Write a story" })).toBeVisible();
  await waitForHydration(page);
  const field = page.getByLabel("Your story");
  const named = `We sent lilies to ${customer.name.split(" ")[0]!.toLowerCase()} and her family. Her son came in to say thank you.`;
  await field.fill(named);
  await page.getByRole("button", { name: "Send for review" }).click();
  await expect(page.getByText("Leave out the customer's name (or any part of it)")).toBeVisible();
  await expect(field).toHaveValue(named);
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expectNoAxeViolations(page);

  const text = "We sent lilies after the funeral. Her son came in to say the card made his mother smile for the first time in weeks.";
  await field.fill(text);
  await page.getByRole("button", { name: "Send for review" }).click();
  await expect(page).toHaveURL(/\/stories\/\d+$/);
  await expect(page.locator(".toast")).toContainText("a manager of your branch reviews it");
  const storyPath = new URL(page.url()).pathname;

  const context = await browser.newContext();
  await signInAs("manager", { context });
  const manager = await context.newPage();
  await manager.goto("/stories/review");
  await manager.getByRole("article").filter({ hasText: text }).getByRole("link").click();
  await expect(manager).toHaveURL(new RegExp(`${storyPath}$`));
  await waitForHydration(manager);
  await expectNoAxeViolations(manager);
  await manager.getByRole("button", { name: "Publish" }).click();
  await expect(manager.locator(".toast")).toContainText("Published");
  await expect(manager.getByText("Published").first()).toBeVisible();
  await context.close();

  await colleagueReads(browser, signInAs, text, customer.name);
});

test("without JavaScript: staff write the story and the manager publishes it with plain form posts", async ({ page, browser, signInAs }) => {
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Walter Plainform", kind: "illness", daysAgo: 2 });
  await signInAs("staff");
  const gestureId = await thankedGesture(page, customer);

  const staffContext = await browser.newContext({ javaScriptEnabled: false });
  await signInAs("staff", { context: staffContext });
  const staff = await staffContext.newPage();
  await staff.goto(`/gestures/${gestureId}`);
  await staff.getByRole("link", { name: "Write a story" }).click();
  const field = staff.getByLabel("Your story");
  const named = `Flowers on the ward. ${customer.name.toUpperCase()} phoned to thank us.`;
  await field.fill(named);
  await staff.getByRole("button", { name: "Send for review" }).click();
  await expect(staff.getByText("Leave out the customer's name (or any part of it)")).toBeVisible();
  await expect(field).toHaveValue(named);
  const text = "Flowers were waiting on the ward after the operation. She phoned from her bed to thank the counter team by name.";
  await field.fill(text);
  await staff.getByRole("button", { name: "Send for review" }).click();
  await expect(staff).toHaveURL(/\/stories\/\d+$/);
  await expect(staff.getByText("Waiting for review").first()).toBeVisible();
  const storyPath = new URL(staff.url()).pathname;
  await staffContext.close();

  const managerContext = await browser.newContext({ javaScriptEnabled: false });
  await signInAs("manager", { context: managerContext });
  const manager = await managerContext.newPage();
  await manager.goto(storyPath);
  // A return needs a comment: the refusal comes back beside the field.
  await manager.getByRole("button", { name: "Return for changes" }).click();
  await expect(manager.getByText("Say what the author should change.")).toBeVisible();
  await manager.getByRole("button", { name: "Publish" }).click();
  await expect(manager).toHaveURL(new RegExp(`${storyPath}$`));
  await expect(manager.getByText("Published").first()).toBeVisible();
  await managerContext.close();

  await colleagueReads(browser, signInAs, text, customer.name);
});
