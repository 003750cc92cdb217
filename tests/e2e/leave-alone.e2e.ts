// Issue 21 in Chromium: after a negative response the customer leaves the suggestions queue; the
// response "asked not to receive gestures" needs a tick, and marks the customer do-not-contact.
// With JavaScript, and without it (plain form posts). The proposer is Ben Okafor of City Centre, whom no
// other browser test uses: the suite shares one database, and Sam Carter's monthly cap is nearly
// spent by the other journeys.
import { Buffer } from "node:buffer";
import type { Page } from "@playwright/test";
import { localToday } from "../support/calendar";
import { addSignal, createCustomerWithSignal, expect, test } from "../support/e2e-fixtures";

const PROPOSER = "ben.okafor@example.com";
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** Staff proposes flowers for the customer's signal (approved at discretion) and fulfils it. */
async function fulfilledGesture(page: Page, customer: { customerId: number; signalId: number }) {
  await page.goto(`/gestures/new?customerId=${customer.customerId}&signalId=${customer.signalId}`);
  const form = page.getByRole("region", { name: "Proposal" });
  await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Flowers (usually $60.00, at most $120.00)" });
  await form.getByLabel(/^Amount/).fill("45");
  await form.getByRole("button", { name: "Submit proposal" }).click();
  await expect(page).toHaveURL(/\/gestures\/\d+$/);
  const fulfil = page.getByRole("region", { name: "Record the fulfilment" });
  await fulfil.getByLabel(/^Actual amount/).fill("45.00");
  await fulfil.getByLabel("Vendor").fill("Petals of Northgate");
  await fulfil.getByLabel("Delivered on").fill(localToday());
  await fulfil.getByLabel("Receipt").setInputFiles({ name: "florist.png", mimeType: "image/png", buffer: PNG });
  await fulfil.getByRole("button", { name: "Record fulfilment" }).click();
  await expect(page.getByRole("region", { name: "How did the customer respond?" })).toBeVisible();
}

async function inQueue(page: Page, name: string) {
  await page.goto("/suggestions");
  return (await page.getByRole("region", { name: "Suggestions" }).textContent())?.includes(name) ?? false;
}

for (const javaScript of [true, false]) {
  test.describe(javaScript ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: javaScript });

    test(`"asked not to receive gestures" needs a tick, then marks the customer do-not-contact and empties the queue of them (${javaScript ? "JS" : "no JS"})`, async ({ page, signInAs }) => {
      const customer = await createCustomerWithSignal({ branchCode: "CTY", name: "Rosa Declined", kind: "bereavement", daysAgo: 1 });
      await signInAs(PROPOSER);
      await fulfilledGesture(page, customer);
      const gestureUrl = page.url();
      await addSignal({ customerId: customer.customerId, kind: "illness", daysAgo: 2 });
      expect(await inQueue(page, customer.name)).toBe(true);

      await page.goto(gestureUrl);
      const outcome = page.getByRole("region", { name: "How did the customer respond?" });
      await outcome.getByLabel("Response").selectOption({ label: "Asked not to receive gestures" });
      await outcome.getByLabel("Note (optional)").fill("Asked us kindly to stop.");
      await outcome.getByRole("button", { name: "Record the response" }).click();
      const tick = outcome.getByLabel(/mark them do-not-contact/);
      await expect(tick).toHaveAttribute("aria-invalid", "true");
      await expect(outcome).toContainText("Tick the box to confirm");
      await expect(outcome.getByLabel("Note (optional)")).toHaveValue("Asked us kindly to stop.");
      await expect(outcome.getByLabel("Response")).toHaveValue("asked_no_gestures");

      await tick.check();
      await outcome.getByRole("button", { name: "Record the response" }).click();
      await expect(page.locator(".toast")).toContainText("the gesture is closed");
      await expect(page.getByRole("region", { name: "Fulfilment and outcome" })).toContainText("Asked not to receive gestures");
      expect(await inQueue(page, customer.name)).toBe(false);
      await page.goto(`/gestures/new?customerId=${customer.customerId}`);
      await expect(page.getByText("asked not to be contacted")).toBeVisible();
    });

    test(`a negative response leaves the customer out of the queue, and the form says why (${javaScript ? "JS" : "no JS"})`, async ({ page, signInAs }) => {
      const customer = await createCustomerWithSignal({ branchCode: "CTY", name: "Victor Negative", kind: "bereavement", daysAgo: 1 });
      await signInAs(PROPOSER);
      await fulfilledGesture(page, customer);
      const gestureUrl = page.url();
      await addSignal({ customerId: customer.customerId, kind: "illness", daysAgo: 2 });
      expect(await inQueue(page, customer.name)).toBe(true);
      await page.goto(gestureUrl);
      const outcome = page.getByRole("region", { name: "How did the customer respond?" });
      await outcome.getByLabel("Response").selectOption({ label: "Negative" });
      await outcome.getByRole("button", { name: "Record the response" }).click();
      await expect(page.locator(".toast")).toContainText("the gesture is closed");
      expect(await inQueue(page, customer.name)).toBe(false);
      await page.goto(`/gestures/new?customerId=${customer.customerId}`);
      await expect(page.getByTestId("leave-alone-warning")).toContainText("met a negative response, so the policy leaves them out of suggestions for 12 months");
    });
  });
}
