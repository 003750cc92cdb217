// Every page each role can reach passes axe with no violations, at a desktop and at a tablet size
// (the branch counter's device), and at the tablet size the navigation and content are all there.
// Screenshots of each go to test-results/screenshots/ for a human to look at.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { type AccountKey, expect, test, VIEWPORTS, waitForHydration } from "../support/e2e-fixtures";

type Scenario = {
  name: string;
  who: AccountKey | null;
  path: string;
  status?: number;
  /** Brings the page into the state under test (after load and hydration). */
  act?: (page: Page) => Promise<void>;
};

const SCENARIOS: Scenario[] = [
  { name: "sign-in", who: null, path: "/login" },
  {
    name: "sign-in with field errors",
    who: null,
    path: "/login",
    act: async (page) => {
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByText("Enter your email address.")).toBeVisible();
    },
  },
  {
    name: "sign-in with a wrong password",
    who: null,
    path: "/login?redirectTo=%2Fbranch",
    act: async (page) => {
      await page.getByLabel("Email").fill("nobody@example.com");
      await page.getByLabel("Password").fill("wrong");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert")).toHaveText("The email or password is not correct.");
    },
  },
  { name: "404 signed out", who: null, path: "/no-such-page", status: 404 },
  { name: "404 signed in", who: "manager", path: "/no-such-page", status: 404 },
  { name: "403 staff on admin", who: "staff", path: "/admin", status: 403 },
  { name: "staff home", who: "staff", path: "/branch" },
  { name: "manager home", who: "manager", path: "/branch" },
  { name: "staff south home", who: "staffSouth", path: "/branch" },
  { name: "manager south home", who: "managerSouth", path: "/branch" },
  { name: "finance home", who: "finance", path: "/finance" },
  { name: "finance audit log", who: "finance", path: "/audit" },
  {
    name: "finance audit log after verifying the chain",
    who: "finance",
    path: "/audit",
    act: async (page) => {
      await page.getByRole("button", { name: "Verify the chain" }).click();
      await expect(page).toHaveURL(/[?&]verify=1/);
      await expect(page.getByText(/The chain is intact: all \d+ events verified\./)).toBeVisible();
    },
  },
  { name: "finance budgets", who: "finance", path: "/pools" },
  { name: "finance budgets of the previous quarter", who: "finance", path: "/pools?period=1&region=Southern+Region" },
  { name: "finance pool page", who: "finance", path: "/pools/6" },
  {
    name: "finance pool page confirming an adjustment",
    who: "finance",
    path: "/pools/9",
    act: async (page) => {
      await page.getByLabel("Adjustment (USD)").fill("-10");
      await page.getByLabel("Reason").fill("Accessibility check");
      await page.getByRole("button", { name: "Review adjustment" }).click();
      await expect(page.getByRole("group", { name: "Check and confirm" })).toBeVisible();
    },
  },
  {
    name: "finance pool page with a field error",
    who: "finance",
    path: "/pools/9",
    act: async (page) => {
      await page.getByLabel("Amount to add (USD)").fill("1e3");
      await page.getByRole("button", { name: "Review allocation" }).click();
      await expect(page.getByText(/without an exponent/)).toBeVisible();
    },
  },
  { name: "finance opening a period", who: "finance", path: "/pools/open?copy=previous" },
  { name: "finance closing a period", who: "finance", path: "/pools/close/1" },
  { name: "manager pool page", who: "manager", path: "/pools/6" },
  { name: "admin home", who: "admin", path: "/admin" },
  {
    name: "admin home filtered to nobody",
    who: "admin",
    path: "/admin",
    act: async (page) => {
      await page.getByLabel("Name or email").fill("zzz-no-such-person");
      await page.getByRole("button", { name: "Filter" }).click();
      await expect(page.getByText("No users match these filters.")).toBeVisible();
    },
  },
  { name: "admin audit log", who: "admin", path: "/audit" },
  {
    name: "admin audit log after verifying the chain",
    who: "admin",
    path: "/audit",
    act: async (page) => {
      await page.getByRole("button", { name: "Verify the chain" }).click();
      await expect(page.getByText(/The chain is intact/)).toBeVisible();
    },
  },
];

async function expectNoAxeViolations(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

async function expectUsableAtThisSize(page: Page, signedIn: boolean) {
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toBeInViewport();
  if (signedIn) {
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeVisible();
    for (const link of await nav.getByRole("link").all()) await expect(link).toBeInViewport();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  }
  // Nothing sticks out sideways: the page never needs a horizontal scroll (wide tables scroll inside their own box).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
}

for (const scenario of SCENARIOS) {
  test(`${scenario.name} (${scenario.path}) has no axe violations and works at desktop and tablet sizes`, async ({ page, signInAs }) => {
    // Two axe runs and two full-page screenshots of a full page (the seeded audit log and ledgers
    // fill a page of 50 rows) can pass 30 s on two busy cores while the other worker runs journeys.
    test.setTimeout(60_000);
    if (scenario.who) await signInAs(scenario.who);
    const response = await page.goto(scenario.path);
    expect(response?.status()).toBe(scenario.status ?? 200);
    await waitForHydration(page);
    if (scenario.act) await scenario.act(page);

    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await expectUsableAtThisSize(page, scenario.who !== null);
      await expectNoAxeViolations(page, `${scenario.name} at ${size}`);
      await page.screenshot({
        path: `test-results/screenshots/${scenario.name.replaceAll(/\W+/g, "-")}-${size}.png`,
        fullPage: true,
      });
    }
  });
}
