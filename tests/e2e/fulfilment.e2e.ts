// Issue 6 in Chromium: staff fulfils an approved gesture with a receipt and records the customer's
// response; the manager opens the gesture and sees the actual amount, the receipt and the outcome.
// That journey runs at a desktop and at a phone's size (issue 22).
import { Buffer } from "node:buffer";
import { localToday } from "../support/calendar";
import { createCustomerWithSignal, expect, test, VIEWPORTS, waitForHydration } from "../support/e2e-fixtures";

// A 1×1 PNG: a real image by content.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

for (const size of ["desktop", "phone"] as const) {
  test.describe(`at ${size} size`, () => {
    test.use({ viewport: VIEWPORTS[size] });

    test(`staff fulfils an approved gesture with a receipt and records the outcome; the manager sees both (${size})`, async ({ page, browser, signInAs }) => {
      const customer = await createCustomerWithSignal({ branchCode: "NTH", name: `Ruth Fulfilled ${size}`, kind: "bereavement", daysAgo: 1 });
      await signInAs("staff");
      await page.goto(`/gestures/new?customerId=${customer.customerId}&signalId=${customer.signalId}`);
      await waitForHydration(page);
      const form = page.getByRole("region", { name: "Proposal" });
      await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Flowers (usually $60.00, at most $120.00)" });
      await form.getByLabel(/^Amount/).fill("45");
      await form.getByRole("button", { name: "Submit proposal" }).click();
      await expect(page).toHaveURL(/\/gestures\/\d+$/);
      const gestureId = page.url().split("/").pop()!;

      const fulfil = page.getByRole("region", { name: "Record the fulfilment" });
      await expect(fulfil.getByLabel(/^Actual amount/)).toHaveValue("45.00");
      // A wrong amount first: the error sits beside the field and the rest is kept.
      await fulfil.getByLabel(/^Actual amount/).fill("abc");
      await fulfil.getByLabel("Vendor").fill("Petals of Northgate");
      await fulfil.getByRole("button", { name: "Record fulfilment" }).click();
      await expect(fulfil.getByLabel(/^Actual amount/)).toHaveAttribute("aria-invalid", "true");
      await expect(fulfil.getByLabel("Vendor")).toHaveValue("Petals of Northgate");

      await fulfil.getByLabel(/^Actual amount/).fill("42.50");
      await fulfil.getByLabel("Delivered on").fill(localToday());
      await fulfil.getByLabel("Delivery note (optional)").fill("Delivered to her home by the florist.");
      await fulfil.getByLabel("Receipt").setInputFiles({ name: "florist.png", mimeType: "image/png", buffer: PNG });
      await fulfil.getByRole("button", { name: "Record fulfilment" }).click();
      await expect(page.locator(".toast")).toContainText("Fulfilment recorded: $42.50 spent, $2.50 back in the pool.");
      const details = page.getByRole("region", { name: "Fulfilment and outcome" });
      await expect(details).toContainText("$42.50");
      await expect(details.getByRole("link", { name: /florist\.png/ })).toBeVisible();

      const outcome = page.getByRole("region", { name: "How did the customer respond?" });
      await outcome.getByLabel("Response").selectOption({ label: "Thanked us" });
      await outcome.getByLabel("Note (optional)").fill("Her son called to thank the branch.");
      await outcome.getByRole("button", { name: "Record the response" }).click();
      await expect(page.locator(".toast")).toContainText("the gesture is closed");
      await expect(page.getByText("Closed").first()).toBeVisible();

      const context = await browser.newContext({ viewport: VIEWPORTS[size] });
      await signInAs("manager", { context });
      const manager = await context.newPage();
      await manager.goto(`/gestures/${gestureId}`);
      const seen = manager.getByRole("region", { name: "Fulfilment and outcome" });
      await expect(seen).toContainText("$42.50");
      await expect(seen).toContainText("Petals of Northgate");
      await expect(seen).toContainText("Thanked us");
      const receipt = await manager.request.get(`/gestures/${gestureId}/receipt`);
      expect(receipt.status()).toBe(200);
      expect(receipt.headers()["content-type"]).toBe("image/png");
      await context.close();
    });
  });
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a wrong fulfilment keeps what was typed and says why beside the field; cancelling needs a reason and releases the money", async ({ page, signInAs }) => {
    const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Nora Nojs", kind: "illness", daysAgo: 2 });
    await signInAs("staff");
    await page.goto(`/gestures/new?customerId=${customer.customerId}&signalId=${customer.signalId}`);
    const form = page.getByRole("region", { name: "Proposal" });
    await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Flowers (usually $60.00, at most $120.00)" });
    await form.getByLabel(/^Amount/).fill("44");
    await form.getByRole("button", { name: "Submit proposal" }).click();
    await expect(page).toHaveURL(/\/gestures\/\d+$/);

    // No vendor: refused by the server, the message beside the field, the amount kept.
    const fulfil = page.getByRole("region", { name: "Record the fulfilment" });
    await fulfil.getByLabel(/^Actual amount/).fill("43.10");
    await fulfil.getByRole("button", { name: "Record fulfilment" }).click();
    await expect(fulfil.getByText("Enter who supplied it (the florist, shop or charity).")).toBeVisible();
    await expect(fulfil.getByLabel(/^Actual amount/)).toHaveValue("43.10");

    // A date in the future: refused by the rule, the vendor kept.
    await fulfil.getByLabel("Vendor").fill("Petals of Northgate");
    await fulfil.getByLabel("Delivered on").fill("2099-01-01");
    await fulfil.getByRole("button", { name: "Record fulfilment" }).click();
    await expect(fulfil.getByText("The date cannot be in the future.")).toBeVisible();
    await expect(fulfil.getByLabel("Vendor")).toHaveValue("Petals of Northgate");

    // Cancelling: behind a disclosure, a reason required, then the money goes back.
    const cancel = page.getByRole("region", { name: "Cancel" });
    await cancel.getByText("Cancel this gesture").click();
    await cancel.getByRole("button", { name: "Yes, cancel it" }).click();
    await expect(cancel.getByText("Give the reason for cancelling it.")).toBeVisible();
    await cancel.getByLabel("Reason").fill("The customer asked us not to send anything.");
    await cancel.getByRole("button", { name: "Yes, cancel it" }).click();
    await expect(page.locator(".toast")).toContainText("Cancelled. The money set aside went back to the pool.");
    await expect(page.getByRole("region", { name: "Record the fulfilment" })).toHaveCount(0);
  });
});
