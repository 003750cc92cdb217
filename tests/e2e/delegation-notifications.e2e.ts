// Delegation and notifications in Chromium, with and without JavaScript. Each test works with
// seeded people that no other journey uses (the managers of Lakeside, City Centre and Harbour, and
// their staff), so the tests can run in parallel with the rest on one database.
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, test, waitForHydration } from "../support/e2e-fixtures";

type Modules = {
  db: import("~/utils/db.server").Db;
  writeTransaction: typeof import("~/utils/db.server").writeTransaction;
  notify: typeof import("~/domain/notifications/notifications.server").notify;
  users: typeof import("../../db/schema").users;
  notifications: typeof import("../../db/schema").notifications;
  eq: typeof import("drizzle-orm").eq;
};
let modules: Promise<Modules> | undefined;
/** The e2e database, opened only after playwright.config.ts has pointed DATABASE_URL at it. */
function app(): Promise<Modules> {
  modules ??= (async () => {
    const [{ db, writeTransaction }, { notify }, { users, notifications }, { eq }] = await Promise.all([
      import("~/utils/db.server"),
      import("~/domain/notifications/notifications.server"),
      import("../../db/schema"),
      import("drizzle-orm"),
    ]);
    return { db, writeTransaction, notify, users, notifications, eq };
  })();
  return modules;
}

/** Gives a seeded user fresh notifications (and clears their old ones, so counts are exact). */
async function giveNotifications(email: string, messages: string[]) {
  const { db, writeTransaction, notify, users, notifications, eq } = await app();
  const user = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()!;
  await writeTransaction(db, async (tx) => {
    await tx.update(notifications).set({ readAt: new Date() }).where(eq(notifications.userId, user.id));
    for (const message of messages) await notify(tx, { userId: user.id, kind: "decision", gestureId: null, message, now: new Date() });
  });
}

/** Presses Tab until `target` has the focus (keyboard only, as a person would). */
async function tabTo(page: Page, target: Locator, maxPresses = 80) {
  for (let i = 0; i < maxPresses; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("Could not reach the element with the Tab key");
}

async function expectNoAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("a manager names a delegate and ends it early with the keyboard alone; the delegate is told", async ({ page, signInAs, browser, baseURL }) => {
  test.setTimeout(60_000);
  await signInAs("lena.ortiz@example.com");
  await page.goto("/delegation");
  await waitForHydration(page);
  await expect(page.getByText("You have no delegation planned.")).toBeVisible();

  const who = page.getByLabel("Who approves for you");
  await tabTo(page, who);
  // Typing a name in a focused select chooses the matching option.
  await page.keyboard.type("Grace");
  await expect(who.locator("option:checked")).toHaveText("Grace Kim — Branch manager, Harbour");
  await tabTo(page, page.getByRole("button", { name: "Save delegation" }));
  await page.keyboard.press("Enter");

  await expect(page.getByRole("status").filter({ hasText: "Delegation saved" })).toBeVisible();
  const planned = page.getByRole("region", { name: "Current and upcoming" });
  await expect(planned.getByText("Grace Kim")).toBeVisible();
  await expect(planned.getByText("Now")).toBeVisible();

  // The delegate sees it in their notifications, with the badge in the header.
  const delegateContext = await browser.newContext({ baseURL });
  const delegatePage = await delegateContext.newPage();
  await signInAs("grace.kim@example.com", { context: delegateContext });
  await delegatePage.goto("/notifications");
  await expect(delegatePage.getByText(/^You approve for Lena Ortiz \(Lakeside\) from \d+ \w+ \d{4} to \d+ \w+ \d{4}\./)).toBeVisible();
  await expect(delegatePage.getByRole("link", { name: /^Notifications, \d+ unread$/ })).toBeVisible();
  await delegateContext.close();

  // End it early: the confirmation comes first, and it passes axe.
  await tabTo(page, page.getByRole("link", { name: /^End early: delegation to Grace Kim/ }));
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("button", { name: "Yes, end it now" });
  await expect(page.getByText("End the delegation to Grace Kim now?")).toBeVisible();
  await expectNoAxeViolations(page);
  await tabTo(page, confirm);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "is ended" })).toBeVisible();
  await expect(page.getByText("You have no delegation planned.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Past delegations" }).getByText("Ended early")).toBeVisible();
});

test("a user sees the unread badge and marks notifications read one by one and all at once", async ({ page, signInAs }) => {
  await giveNotifications("owen.price@example.com", ["First news", "Second news", "Third news"]);
  await signInAs("owen.price@example.com");
  await page.goto("/branch");
  await waitForHydration(page);
  const banner = page.getByRole("banner");
  await banner.getByRole("link", { name: "Notifications, 3 unread" }).click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByText("3 unread.")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.screenshot({ path: "test-results/screenshots/notifications-unread.png", fullPage: true });
  const first = page.getByRole("listitem").filter({ hasText: "Third news" });
  await expect(first.getByText("Unread")).toBeVisible();
  await first.getByRole("button", { name: "Mark as read" }).click();
  await expect(banner.getByRole("link", { name: "Notifications, 2 unread" })).toBeVisible();
  await expect(first.getByText("Unread")).toHaveCount(0);
  await expect(first.getByRole("button", { name: "Mark as read" })).toHaveCount(0);
  await page.getByRole("button", { name: "Mark all as read" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Marked 2 notifications as read." })).toBeVisible();
  await expect(banner.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
  await expect(page.getByText("Everything is read.")).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the badge, mark as read and mark all as read work with plain form posts", async ({ page, signInAs }) => {
    await giveNotifications("marcus.hale@example.com", ["Alpha news", "Beta news"]);
    await signInAs("marcus.hale@example.com");
    await page.goto("/branch");
    const banner = page.getByRole("banner");
    await banner.getByRole("link", { name: "Notifications, 2 unread" }).click();
    await page.getByRole("listitem").filter({ hasText: "Beta news" }).getByRole("button", { name: "Mark as read" }).click();
    await expect(banner.getByRole("link", { name: "Notifications, 1 unread" })).toBeVisible();
    await expect(page.getByText("Marked as read.")).toBeVisible();
    await page.getByRole("button", { name: "Mark all as read" }).click();
    await expect(banner.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
    await expect(page.getByText("Everything is read.")).toBeVisible();
  });

  test("a manager's delegation with a wrong date keeps what was typed and says why beside the field, then saves", async ({ page, signInAs }) => {
    await signInAs("nadia.rahman@example.com");
    await page.goto("/delegation");
    await page.getByLabel("Who approves for you").selectOption({ label: "Farah Nasser — Finance" });
    const startsOn = await page.getByLabel("First day").inputValue();
    await page.getByLabel("Last day").fill("2020-01-01");
    await page.getByRole("button", { name: "Save delegation" }).click();
    await expect(page.getByText("The last day cannot be before the first day.")).toBeVisible();
    await expect(page.getByLabel("Last day")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Who approves for you").locator("option:checked")).toHaveText("Farah Nasser — Finance");
    await expect(page.getByLabel("First day")).toHaveValue(startsOn);
    await page.getByLabel("Last day").fill(startsOn);
    await page.getByRole("button", { name: "Save delegation" }).click();
    await expect(page.getByText(/^Delegation saved/)).toBeVisible();
    await page.getByRole("link", { name: /^End early: delegation to Farah Nasser/ }).click();
    await page.getByRole("button", { name: "Yes, end it now" }).click();
    await expect(page.getByText("You have no delegation planned.")).toBeVisible();
  });
});
