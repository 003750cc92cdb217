// Redress is not goodwill (issue 22) in Chromium: on a complaint or service-failure occasion the
// proposal form asks whether the money is compensation the customer is owed, and "yes" is refused
// with the organisation's complaints-process text. With JavaScript the text shows as soon as yes is
// chosen (and the submit is refused too); without it the server's refusal sits beside the question
// and nothing typed is lost. Each test proposes for a fresh customer and every proposal is refused,
// so no count another test relies on changes.
import type { Page } from "@playwright/test";
import { createCustomerWithSignal, expect, test, waitForHydration } from "../support/e2e-fixtures";

/** The organisation's complaints-process text and the voucher type's id, from the e2e database. */
async function organisationFacts(): Promise<{ complaintsText: string; voucherId: number }> {
  const [{ db }, schema, { eq }] = await Promise.all([import("~/utils/db.server"), import("../../db/schema"), import("drizzle-orm")]);
  const org = db.select({ text: schema.organisation.complaintsProcessText }).from(schema.organisation).get()!;
  const voucher = db.select({ id: schema.gestureTypes.id }).from(schema.gestureTypes).where(eq(schema.gestureTypes.code, "voucher")).get()!;
  return { complaintsText: org.text, voucherId: voucher.id };
}

/** How many proposals the customer has (a refused proposal creates none). */
async function proposalsOf(customerId: number): Promise<number> {
  const [{ db }, schema, { eq }] = await Promise.all([import("~/utils/db.server"), import("../../db/schema"), import("drizzle-orm")]);
  return db.select({ id: schema.gestures.id }).from(schema.gestures).where(eq(schema.gestures.customerId, customerId)).all().length;
}

async function fillTheRest(page: Page, voucherId: number) {
  const form = page.getByRole("region", { name: "Proposal" });
  await form.getByLabel("Gesture", { exact: true }).selectOption(String(voucherId));
  await form.getByLabel(/^Amount/).fill("40.00");
  await form.getByLabel("Card message (optional)").fill("Sorry for the trouble with your card.");
  await form.getByLabel("Internal justification").fill("Card blocked twice while abroad.");
}

const QUESTION = "Is this money compensation the customer is owed?";

test("with JavaScript, a complaint asks whether the money is owed and yes shows the complaints process at once", async ({ page, signInAs }) => {
  const { complaintsText, voucherId } = await organisationFacts();
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Ruth Redress", kind: "complaint", daysAgo: 3 });
  await signInAs("staff");
  await page.goto(`/gestures/new?customerId=${customer.customerId}`);
  await waitForHydration(page);
  const form = page.getByRole("region", { name: "Proposal" });
  const question = form.getByRole("group", { name: QUESTION });

  // Not asked for a bereavement; asked as soon as the occasion is a complaint or a service failure.
  await form.getByLabel("Occasion").selectOption("bereavement");
  await expect(question).toHaveCount(0);
  await form.getByLabel("Occasion").selectOption("service_failure");
  await expect(question).toBeVisible();
  await form.getByLabel("Occasion").selectOption("complaint");
  await expect(question).toBeVisible();

  await fillTheRest(page, voucherId);
  await question.getByLabel("Yes, it is owed to them").check();
  // Shown as soon as yes is chosen, before anything is sent.
  const warning = page.getByTestId("redress-warning");
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(complaintsText);
  await question.getByLabel("No, it is a goodwill gesture").check();
  await expect(warning).toHaveCount(0);
  await question.getByLabel("Yes, it is owed to them").check();
  await expect(warning).toContainText(complaintsText);

  // Submitting anyway is refused by the server with the same words; nothing is created.
  await form.getByRole("button", { name: "Submit proposal" }).click();
  await expect(form.locator(".field__error, [id$='-error']").filter({ hasText: complaintsText })).toBeVisible();
  await expect(page).toHaveURL(/\/gestures\/new/);
  await expect(form.getByLabel("Internal justification")).toHaveValue("Card blocked twice while abroad.");
  expect(await proposalsOf(customer.customerId)).toBe(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the question is on the form; yes is refused beside it with the complaints process, and nothing typed is lost", async ({ page, signInAs }) => {
    const { complaintsText, voucherId } = await organisationFacts();
    const customer = await createCustomerWithSignal({ branchCode: "NTH", name: "Owen Redress", kind: "service_failure", daysAgo: 2 });
    await signInAs("staff");
    await page.goto(`/gestures/new?customerId=${customer.customerId}`);
    const form = page.getByRole("region", { name: "Proposal" });
    const question = form.getByRole("group", { name: QUESTION });
    await expect(question).toBeVisible();

    await form.getByLabel("Occasion").selectOption("service_failure");
    await fillTheRest(page, voucherId);
    await question.getByLabel("Yes, it is owed to them").check();
    await form.getByRole("button", { name: "Submit proposal" }).click();

    // The server's refusal, beside the question, naming the organisation's complaints process.
    const refusal = form.getByRole("group", { name: QUESTION }).locator("[id$='-error']");
    await expect(refusal).toContainText("Redress is not goodwill");
    await expect(refusal).toContainText(complaintsText);
    await expect(form.getByRole("group", { name: QUESTION }).getByLabel("Yes, it is owed to them")).toHaveAttribute("aria-invalid", "true");
    // Nothing typed is lost.
    await expect(form.getByLabel("Occasion")).toHaveValue("service_failure");
    await expect(form.getByLabel("Gesture", { exact: true })).toHaveValue(String(voucherId));
    await expect(form.getByLabel(/^Amount/)).toHaveValue("40.00");
    await expect(form.getByLabel("Card message (optional)")).toHaveValue("Sorry for the trouble with your card.");
    await expect(form.getByLabel("Internal justification")).toHaveValue("Card blocked twice while abroad.");
    await expect(form.getByRole("group", { name: QUESTION }).getByLabel("Yes, it is owed to them")).toBeChecked();
    expect(await proposalsOf(customer.customerId)).toBe(0);
  });
});
