// Issue 21 parts 1 and 2 in Chromium, with and without JavaScript: the proposal form says what has
// worked for the occasion beside the gesture choice, and staff choose a type from it (a link, so
// it works without JavaScript); a customer whose last gesture met a negative response leaves the
// suggestions queue and the proposal form warns with the reason. Each test uses a fresh customer.
import type { Page } from "@playwright/test";
import { createCustomerWithSignal, expect, test, waitForHydration } from "../support/e2e-fixtures";

/** A closed gesture for the customer whose response, recorded now, was negative (inserted as a row). */
async function negativeResponse(customerId: number) {
  const [{ db }, schema, { eq }, { createGesture }] = await Promise.all([
    import("~/utils/db.server"),
    import("../../db/schema"),
    import("drizzle-orm"),
    import("../support/gesture-factory"),
  ]);
  const customer = db.select().from(schema.customers).where(eq(schema.customers.id, customerId)).get()!;
  const staff = db.select().from(schema.users).where(eq(schema.users.email, "staff.north@example.com")).get()!;
  const now = new Date();
  const g = createGesture(db, { customerId, branchId: customer.branchId, proposerId: staff.id, status: "closed", occasion: "birthday", submittedAt: now, createdAt: now });
  db.update(schema.gestures).set({ outcome: "negative", outcomeRecordedAt: now, outcomeRecordedById: staff.id }).where(eq(schema.gestures.id, g.id)).run();
}

async function chooseFromWhatHasWorked(page: Page, js: boolean) {
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: js ? "Wanda Worked" : "Walter Worked", kind: "bereavement", daysAgo: 2 });
  await page.goto(`/gestures/new?customerId=${customer.customerId}&occasion=bereavement&signalId=${customer.signalId}`);
  if (js) await waitForHydration(page);
  const worked = page.getByRole("region", { name: "What has worked after a bereavement" });
  await expect(worked).toBeVisible();
  await expect(worked.getByRole("listitem").first()).toContainText(/customers responded well|no responses recorded yet/);
  // Choose the last type offered (not the one preselected): the form's Gesture follows.
  const choose = worked.getByRole("link", { name: /^Choose / });
  const last = choose.last();
  const typeName = (await last.getAttribute("aria-label"))!.replace(/^Choose /, "");
  await last.click();
  const form = page.getByRole("region", { name: "Proposal" });
  const gesture = form.getByLabel("Gesture", { exact: true });
  await expect(gesture.locator("option:checked")).toHaveText(new RegExp(typeName));
  await expect(worked.getByText("(chosen below)")).toHaveCount(1);
}

test("with JavaScript, staff see what has worked beside the gesture choice and choose from it", async ({ page, signInAs }) => {
  await signInAs("staff");
  await chooseFromWhatHasWorked(page, true);
});

test("a negative response to the last gesture removes the customer from the queue; the proposal form warns", async ({ page, signInAs }) => {
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Nora Negative", kind: "bereavement", daysAgo: 1 });
  await signInAs("staff");
  await page.goto("/suggestions");
  await expect(page.getByRole("link", { name: customer.name, exact: true })).toBeVisible();
  await expect(page.getByText(/What has worked \d+/).first()).toBeVisible();
  await negativeResponse(customer.customerId);
  await page.goto("/suggestions");
  await expect(page.getByRole("link", { name: customer.name, exact: true })).toHaveCount(0);
  await page.goto(`/gestures/new?customerId=${customer.customerId}`);
  await expect(page.getByTestId("leave-alone-warning")).toContainText("last gesture met a negative response");
  await expect(page.getByRole("region", { name: "Proposal" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("staff see what has worked and choose from it by its link", async ({ page, signInAs }) => {
    await signInAs("staff");
    await chooseFromWhatHasWorked(page, false);
  });
});
