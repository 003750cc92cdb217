// Hostile strings stored through the app's own forms and then shown on its pages, in Chromium: a
// signal's note, a proposal's card message and justification, a search term. No script runs (no
// dialog opens), no CSP violation is reported, and the strings are shown as text.
// tests/integration/hostile-input.test.ts covers every form over HTTP; this proves the browser side.
import type { Page } from "@playwright/test";
import { createCustomerWithSignal, expect, test } from "../support/e2e-fixtures";

const SCRIPT = `<script>alert("xss-e2e")</script>`;
const IMAGE = `"><img src=x onerror=alert("xss-e2e-img")>`;
const SVG = `<svg onload=alert("xss-e2e-svg")>`;

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Fails the test on any dialog (a script ran) and collects CSP violations. */
async function guard(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => window.__cspViolations!.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`));
  });
  return {
    async expectNothingRan() {
      expect(dialogs, "dialogs opened by injected script").toEqual([]);
      expect(await page.evaluate(() => window.__cspViolations ?? []), "CSP violations").toEqual([]);
    },
  };
}

test("hostile text in a signal's note and a proposal is shown as text: no script runs, no CSP violation", async ({ page, signInAs }) => {
  const watch = await guard(page);
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Hostile Input", kind: "bereavement", daysAgo: 1 });
  await signInAs("staff");

  await page.goto(`/customers/${customer.customerId}`);
  const signalForm = page.getByRole("region", { name: "Add a signal" });
  await signalForm.getByLabel("What happened").selectOption("service_failure");
  await signalForm.getByLabel("High").check();
  await signalForm.getByLabel("Note (optional)").fill(`${SCRIPT} ${IMAGE}`);
  await signalForm.getByRole("button", { name: "Add signal" }).click();
  await expect(page.getByText(SCRIPT, { exact: false }).first()).toBeVisible();

  await page.goto(`/gestures/new?customerId=${customer.customerId}`);
  const form = page.getByRole("region", { name: "Proposal" });
  await form.getByLabel("Occasion").selectOption("bereavement");
  await form.getByLabel("Gesture", { exact: true }).selectOption({ label: "Flowers (usually $60.00, at most $120.00)" });
  await form.getByLabel("Card message (optional)").fill(`${SVG} ${IMAGE}`);
  await form.getByLabel("Internal justification").fill(`${SCRIPT} javascript:alert("xss-e2e-link")`);
  await form.getByRole("button", { name: "Submit proposal" }).click();
  await expect(page).toHaveURL(/\/gestures\/\d+$/);
  await expect(page.getByText(SVG, { exact: false }).first()).toBeVisible();
  await expect(page.locator("img[src='x'], svg[onload]")).toHaveCount(0);

  // The same strings as a search term, echoed in the search box and the empty state.
  await page.goto(`/customers?q=${encodeURIComponent(`${SCRIPT}${IMAGE}`)}`);
  await expect(page.locator("img[src='x']")).toHaveCount(0);
  await page.goto("/gestures");
  await watch.expectNothingRan();
});
