// Deciding from the approval e-mail in Chromium (issue 22): a proposal waits for the North branch
// manager; the outbox is sent as `npm run jobs` sends it (the approval e-mail written with its
// evidence and a decision link from the app's origin, captured here instead of the log); the
// manager, signed out, opens the link on a phone (Chromium's mobile mode; a tablet without JavaScript), signs in with the form, lands on the
// decision page (axe-clean) and approves; the link then says it was used. The same without JavaScript.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { measureOverflow } from "../support/small-screen";
import { ACCOUNTS, createCustomerWithSignal, DEMO_PASSWORD, expect, SIGN_IN_TIMEOUT, test, waitForHydration } from "../support/e2e-fixtures";

// A phone in Chromium's mobile mode (touch, the meta viewport honoured, a page wider than the screen
// zoomed out), now that the shell's phone layout fits 390 px.
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TABLET = { viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true };

/** A proposal of 85.00 by a North staff member, waiting for the branch manager; returns its id. */
async function proposalWaitingForTheManager(customerName: string): Promise<number> {
  const customer = await createCustomerWithSignal({ branchCode: "NTH", name: customerName, kind: "bereavement", daysAgo: 1 });
  const [{ db }, { proposeGesture }, schema, { eq }] = await Promise.all([import("~/utils/db.server"), import("~/domain/gestures/proposals.server"), import("../../db/schema"), import("drizzle-orm")]);
  const proposer = db.select().from(schema.users).where(eq(schema.users.email, "priya.shah@example.com")).get()!;
  const flowers = db.select({ id: schema.gestureTypes.id }).from(schema.gestureTypes).where(eq(schema.gestureTypes.code, "flowers")).get()!;
  const result = await proposeGesture(
    db,
    { id: proposer.id, role: proposer.role, branchId: proposer.branchId },
    {
      createKey: `e2e-email-${customer.customerId}`,
      customerId: customer.customerId,
      occasion: "bereavement",
      signalId: customer.signalId,
      typeId: flowers.id,
      amount: 8_500,
      cardMessage: "With our deepest sympathy",
      justification: "A customer of twenty years",
      deliveryMethod: "in_branch",
      submit: true,
    },
    new Date(),
  );
  expect(result.status).toBe("submitted");
  return result.gestureId;
}

/** Sends the outbox as `npm run jobs` does (composer, origin), keeping the messages; returns the manager's approval e-mail for the proposal. */
async function approvalEmailFor(gestureId: number, baseURL: string): Promise<{ text: string; html: string; link: string }> {
  const [{ db }, { sendPendingEmails }, { approvalEmailComposer }, { env }] = await Promise.all([
    import("~/utils/db.server"),
    import("~/domain/notifications/email.server"),
    import("~/domain/gestures/approval-email.server"),
    import("~/utils/env.server"),
  ]);
  const sent: { to: string; text: string; html?: string }[] = [];
  const transport = { kind: "log" as const, send: async (email: { to: string; text: string; html?: string }) => void sent.push(email), close: () => {} };
  for (let run = 0; run < 10; run++) {
    await sendPendingEmails(db, transport, new Date(), { appOrigin: baseURL, compose: approvalEmailComposer(env.SESSION_SECRET) });
    const mail = sent.find((m) => m.to === ACCOUNTS.manager.email && m.text.includes(`/approvals/${gestureId}/decide?token=`));
    if (mail) {
      const link = new RegExp(`${baseURL}/approvals/${gestureId}/decide\\?token=[A-Za-z0-9_-]{43}`).exec(mail.text)![0];
      return { text: mail.text, html: mail.html ?? "", link };
    }
  }
  throw new Error(`No approval e-mail for proposal #${gestureId} to ${ACCOUNTS.manager.email}`);
}

async function signInFromTheLink(page: Page, link: string) {
  await page.goto(link);
  // Signed out: the sign-in page, which will come back to the link.
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await expect(page.getByText("Sign in to continue to the page you asked for.")).toBeVisible();
  await page.getByLabel("Email").fill(ACCOUNTS.manager.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(link, SIGN_IN_TIMEOUT);
}

/** Axe over the whole page (header, menu and footer included). */
async function expectNoAxeViolations(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  expect(
    violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n    ")}`),
    `axe violations on ${label}`,
  ).toEqual([]);
}

// Sending the outbox takes every pending message, so the two journeys send one after the other.
// Each journey signs in with the form (scrypt at production strength: seconds on a busy machine).
test.describe.configure({ mode: "serial", timeout: 90_000 });

for (const javaScriptEnabled of [true, false]) {
  // With JavaScript on a phone; without it on a counter tablet.
  const size = javaScriptEnabled ? PHONE : TABLET;
  test(`the manager opens the approval e-mail's link on a ${javaScriptEnabled ? "phone" : "tablet"}, signs in, sees the evidence and approves${
    javaScriptEnabled ? "" : " (without JavaScript)"
  }`, async ({ browser, baseURL }) => {
    const gestureId = await proposalWaitingForTheManager(javaScriptEnabled ? "Edith Mailed" : "Walter Mailed");
    const mail = await approvalEmailFor(gestureId, baseURL!);
    expect(mail.text).toContain("Occasion: Bereavement");
    expect(mail.text).toContain("Amount: $85.00");
    expect(mail.text).not.toContain("With our deepest sympathy");
    expect(mail.text).not.toContain("A customer of twenty years");
    expect(mail.html).toContain(`href="${mail.link}"`);

    const context = await browser.newContext({ ...size, javaScriptEnabled });
    const page = await context.newPage();
    await signInFromTheLink(page, mail.link);
    if (javaScriptEnabled) await waitForHydration(page);

    await expect(page.getByRole("heading", { level: 1, name: `Decide on proposal #${gestureId}` })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: "$85.00, $" })).toBeVisible();
    await expect(page.getByText("Priya Shah")).toBeVisible();
    // Axe runs in the page, so only with JavaScript on (the markup is the same without it): the
    // whole page at phone size, then at tablet size.
    if (javaScriptEnabled) {
      await expectNoAxeViolations(page, "the decision page at phone size");
      expect(await measureOverflow(page), "the decision page fits a phone's width").toEqual({ overflow: 0, culprits: [] });
      await page.setViewportSize(TABLET.viewport);
      await expectNoAxeViolations(page, "the decision page at tablet size");
      await page.setViewportSize(PHONE.viewport);
    }

    await page.getByLabel("Comment").fill("Approved from my phone");
    await page.getByRole("button", { name: "Approve $85.00" }).click();
    await expect(page).toHaveURL(/\/approvals$/);
    await expect(page.locator(".toast")).toContainText(`Approved proposal #${gestureId} ($85.00); the money is set aside.`);

    // The proposal is approved, with the comment; the link has done its work.
    await page.goto(`/gestures/${gestureId}`);
    await expect(page.getByText("Approved from my phone")).toBeVisible();
    await page.goto(mail.link);
    await expect(page.getByRole("heading", { level: 1, name: "This approval link was already used" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Go to your approvals queue" })).toBeVisible();
    if (javaScriptEnabled) await expectNoAxeViolations(page, "a used link");
    await context.close();
  });
}
