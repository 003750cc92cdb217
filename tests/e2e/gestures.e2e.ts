// The gesture workflow of issue 5 in Chromium: a staff member proposes from a suggestion, the
// manager approves, the staff member sees it approved and the pool's ledger holds the money; the
// same journey with JavaScript disabled; and a proposal over the second-approval threshold that
// travels through the manager and then finance. Each journey uses its own fresh customer (as a CRM
// import would bring them) so that journeys running in parallel never share one. The first journey
// runs at a desktop and at a phone's size (issue 22: managers approve from their phone).
import type { Browser, Page } from "@playwright/test";
import { createCustomerWithSignal, expect, test, VIEWPORTS, waitForHydration } from "../support/e2e-fixtures";

type SignInAs = Parameters<Parameters<typeof test>[2]>[0]["signInAs"];

async function pageAs(browser: Browser, signInAs: SignInAs, who: string, javaScriptEnabled: boolean, viewport: { width: number; height: number } = VIEWPORTS.desktop): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport });
  await signInAs(who, { context });
  return context.newPage();
}

async function proposeFromSuggestion(page: Page, customer: { name: string; signalId: number }, options: { js: boolean }) {
  await page.goto("/suggestions");
  await page.getByRole("link", { name: `Propose a gesture for ${customer.name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Propose a gesture for ${customer.name}` })).toBeVisible();
  if (options.js) await waitForHydration(page);
  // Prefilled from the suggestion: the occasion and the signal it answers.
  await expect(page.getByLabel("Occasion")).toHaveValue("bereavement");
  await expect(page.getByLabel("The signal it answers (optional)")).toHaveValue(String(customer.signalId));
}

async function approveInQueue(page: Page, customerName: string, button: RegExp) {
  await page.goto("/approvals");
  const queue = page.getByRole("table", { name: /Proposals waiting for your approval/ });
  await queue.getByRole("link", { name: customerName }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(customerName);
  await page.getByRole("button", { name: button }).click();
  await expect(page.locator(".toast")).toContainText(`for ${customerName}`);
  await expect(page).toHaveURL(/\/approvals$/);
}

async function expectHoldInLedger(page: Page, gestureId: string, amount: string) {
  await page.goto("/branch");
  await page.getByRole("link", { name: "See the budget's ledger" }).click();
  const entry = page.getByRole("row", { name: new RegExp(`gesture #${gestureId}\\b`) });
  await expect(entry).toContainText("Hold");
  await expect(entry).toContainText(`-${amount}`);
}

for (const size of ["desktop", "phone"] as const) {
  test.describe(`at ${size} size`, () => {
    test.use({ viewport: VIEWPORTS[size] });

    test(`staff proposes from a suggestion, the manager approves, staff sees it approved and the pool's money set aside (${size})`, async ({ page, browser, signInAs }) => {
      const customer = await createCustomerWithSignal({ branchCode: "NTH", name: `Hannah Journey ${size}`, kind: "bereavement", daysAgo: 2 });
      await signInAs("staff");
      await proposeFromSuggestion(page, customer, { js: true });

      const form = page.getByRole("region", { name: "Proposal" });
      // Only gestures that suit a bereavement are offered once the page runs its script.
      await expect(form.getByLabel("Gesture", { exact: true }).locator("option", { hasText: "Gift basket" })).toHaveCount(0);
      await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Flowers (usually $60.00, at most $120.00)" });
      await expect(form.getByLabel(/^Amount/)).toHaveValue("60.00");
      await form.getByLabel(/^Amount/).fill("90");
      await form.getByLabel("Card message (optional)").fill("With our deepest sympathy, from everyone at North.");
      await form.getByLabel("Internal justification").fill("Customer for 25 years; her husband died this week.");
      await form.getByRole("button", { name: "Submit proposal" }).click();
      await expect(page.locator(".toast")).toContainText("Submitted. It waits for approval");
      await expect(page).toHaveURL(/\/gestures\/\d+$/);
      const gestureId = page.url().split("/").pop()!;
      await expect(page.getByText("Waiting for approval")).toBeVisible();

      const manager = await pageAs(browser, signInAs, "manager", true, VIEWPORTS[size]);
      await approveInQueue(manager, customer.name, /^Approve \$90\.00$/);
      await expectHoldInLedger(manager, gestureId, "$90.00");

      await page.goto("/gestures");
      const row = page.getByRole("row", { name: new RegExp(`#${gestureId} Flowers`) });
      await expect(row).toContainText("Approved");
      await row.getByRole("link").click();
      await expect(page.getByRole("region", { name: "Decisions" })).toContainText("Approved by Maria Lopez");
      await manager.context().close();
    });
  });
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same journey works with plain form posts, and nothing typed is lost on an error", async ({ page, browser, signInAs }) => {
    const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Walter Nojs", kind: "bereavement", daysAgo: 4 });
    await signInAs("priya.shah@example.com");
    await proposeFromSuggestion(page, customer, { js: false });
    const form = page.getByRole("region", { name: "Proposal" });
    await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Flowers (usually $60.00, at most $120.00)" });
    await form.getByLabel(/^Amount/).fill("75.50");
    await form.getByLabel("Card message (optional)").fill("Thinking of you.");
    await form.getByRole("button", { name: "Submit proposal" }).click();
    // Above the discretion limit a justification is required: the error sits beside the field.
    await expect(page.getByText(/Above the discretion limit of \$50\.00 the approver needs a justification/)).toBeVisible();
    await expect(form.getByLabel("Card message (optional)")).toHaveValue("Thinking of you.");
    await expect(form.getByLabel(/^Amount/)).toHaveValue("75.50");
    await form.getByLabel("Internal justification").fill("Long-standing customer; we know the family.");
    await form.getByRole("button", { name: "Submit proposal" }).click();
    await expect(page.locator(".toast")).toContainText("Submitted.");
    const gestureId = page.url().split("/").pop()!;

    const manager = await pageAs(browser, signInAs, "manager", false);
    await approveInQueue(manager, customer.name, /^Approve \$75\.50$/);
    await expectHoldInLedger(manager, gestureId, "$75.50");

    await page.goto(`/gestures/${gestureId}`);
    await expect(page.getByText("Approved", { exact: true }).first()).toBeVisible();
    await manager.context().close();
  });
});

test("a proposal over the second-approval threshold travels through the manager and then finance", async ({ page, browser, signInAs }) => {
  // Three people sign in and walk the whole chain (about 30 steps): on CI's two busy cores this took
  // 32 s with every step answering (0.3-2 s each), past the 30 s default. Twice that, as for no other journey.
  test.setTimeout(60_000);
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Iris Threshold", kind: "bereavement", daysAgo: 6 });
  await signInAs("staff");
  await page.goto(`/customers/${customer.customerId}`);
  await page.getByRole("link", { name: "Propose a gesture" }).click();
  await waitForHydration(page);
  const form = page.getByRole("region", { name: "Proposal" });
  await form.getByLabel("Occasion").selectOption("bereavement");
  await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Charitable donation (usually $50.00, at most $200.00)" });
  await form.getByLabel(/^Amount/).fill("160.00");
  await form.getByLabel("Internal justification").fill("The family asked for donations to the hospice.");
  await form.getByRole("button", { name: "Submit proposal" }).click();
  await expect(page.locator(".toast")).toContainText("Submitted.");
  const gestureId = page.url().split("/").pop()!;

  const manager = await pageAs(browser, signInAs, "manager", true);
  await approveInQueue(manager, customer.name, /^Approve and send to finance$/);
  await manager.goto(`/gestures/${gestureId}`);
  await expect(manager.getByText("Waiting for finance", { exact: true })).toBeVisible();

  const finance = await pageAs(browser, signInAs, "finance", true);
  await finance.goto("/approvals");
  const row = finance.getByRole("row", { name: new RegExp(customer.name) });
  // Finance sees the occasion only: no signal summary, no justification.
  await expect(row).toContainText("Bereavement");
  await expect(row).not.toContainText("severity");
  await approveInQueue(finance, customer.name, /^Approve \$160\.00$/);
  await finance.goto(`/gestures/${gestureId}`);
  await expect(finance.getByRole("region", { name: "Details" })).not.toContainText("hospice");
  await expect(finance.getByRole("region", { name: "Decisions" })).toContainText("Approved by Frank Osei (finance)");

  await page.goto(`/gestures/${gestureId}`);
  await expect(page.getByText("Approved", { exact: true }).first()).toBeVisible();
  await expectHoldInLedger(manager, gestureId, "$160.00");
  await manager.context().close();
  await finance.context().close();
});
