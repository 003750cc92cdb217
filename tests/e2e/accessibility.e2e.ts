// Every page each role can reach passes axe with no violations, at a desktop, a tablet (the branch
// counter's device, 768×1024) and a phone size (390×844), and at each size the navigation and
// content are all there (on a phone the navigation is behind the "Menu" disclosure) and the page
// is no wider than the screen. Screenshots of each go to test-results/screenshots/ for a human to
// look at.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { type AccountKey, expect, SIGN_IN_TIMEOUT, test, type ViewportName, VIEWPORTS, waitForHydration } from "../support/e2e-fixtures";
import { measureOverflow } from "../support/small-screen";

type Scenario = {
  name: string;
  who: AccountKey | null;
  path: string;
  status?: number;
  /** Brings the page into the state under test (after load and hydration). */
  act?: (page: Page) => Promise<void>;
  /** Saved to test-results/screenshots/<screenshot>-<size>.png for a person to look at. */
  screenshot?: string;
};

const SCENARIOS: Scenario[] = [
  { name: "sign-in", who: null, path: "/login", screenshot: "login" },
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
      await page.getByLabel("Email").fill("manager.south@example.com");
      await page.getByLabel("Password").fill("wrong");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert")).toHaveText("The email or password is not correct.", SIGN_IN_TIMEOUT);
    },
  },
  { name: "single sign-on refused", who: null, path: "/auth/oidc/callback?code=x&state=y", status: 400, screenshot: "sso-refused" },
  { name: "two-step set-up step without a pending sign-in", who: null, path: "/login/enrol" },
  { name: "two-step sign-in set-up", who: "staff", path: "/account/security", screenshot: "two-step-setup" },
  {
    name: "two-step sign-in set-up with a wrong code",
    who: "manager",
    path: "/account/security",
    act: async (page) => {
      await page.getByLabel("Code from your app").fill("12");
      await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
      await expect(page.getByText("Type the 6 digits your app shows, without spaces.")).toBeVisible();
    },
  },
  { name: "404 signed out", who: null, path: "/no-such-page", status: 404 },
  { name: "404 signed in", who: "manager", path: "/no-such-page", status: 404 },
  { name: "403 staff on admin", who: "staff", path: "/admin", status: 403, screenshot: "403-staff-on-admin" },
  { name: "staff home", who: "staff", path: "/branch", screenshot: "home-staff" },
  { name: "manager home", who: "manager", path: "/branch", screenshot: "home-manager" },
  { name: "finance home", who: "finance", path: "/finance", screenshot: "home-finance" },
  { name: "finance audit log", who: "finance", path: "/audit", screenshot: "audit-finance" },
  {
    name: "finance audit log after verifying the chain",
    who: "finance",
    path: "/audit",
    screenshot: "audit-verified",
    act: async (page) => {
      await page.getByRole("button", { name: "Verify the chain" }).click();
      await expect(page).toHaveURL(/[?&]verify=1/);
      await expect(page.getByText(/The chain is intact: all \d+ events verified\./)).toBeVisible();
    },
  },
  { name: "admin home", who: "admin", path: "/admin", screenshot: "home-admin" },
  { name: "finance fairness", who: "finance", path: "/finance/fairness", screenshot: "fairness-finance" },
  { name: "finance fairness with a date error", who: "finance", path: "/finance/fairness?from=2026-02-30&region=Nowhere" },
  { name: "manager fairness", who: "manager", path: "/finance/fairness" },
  { name: "finance unusual patterns", who: "finance", path: "/finance/flags", screenshot: "flags-finance" },
  { name: "finance unusual patterns, reviewed", who: "finance", path: "/finance/flags?status=reviewed" },
  {
    name: "finance unusual patterns with a review note refused",
    who: "finance",
    path: "/finance/flags",
    act: async (page) => {
      const form = page.getByRole("form", { name: /^Review:/ }).first();
      await form.getByLabel("What you found").fill("   ");
      await form.getByRole("button", { name: "Mark reviewed" }).click();
      await expect(page.getByRole("alert").filter({ hasText: "Write what you found" })).toBeVisible();
    },
  },
  { name: "finance exports", who: "finance", path: "/finance/exports", screenshot: "exports-finance" },
  { name: "finance exports with a date error", who: "finance", path: "/finance/exports?from=2026-13-01" },
  { name: "manager exports", who: "manager", path: "/finance/exports" },
  { name: "finance budgets", who: "finance", path: "/pools" },
  { name: "staff branch spend", who: "staff", path: "/spend", screenshot: "spend-staff" },
  { name: "manager branch spend filtered to nothing", who: "manager", path: "/spend?status=fulfilled&occasion=marriage" },
  { name: "manager spend reports", who: "manager", path: "/reports", screenshot: "reports-manager" },
  { name: "manager return on empathy", who: "manager", path: "/reports/outcomes" },
  { name: "finance spend reports", who: "finance", path: "/reports", screenshot: "reports-finance" },
  { name: "finance spend reports for a region", who: "finance", path: "/reports?region=Northern+Region", screenshot: "reports-finance-region" },
  {
    name: "finance spend reports with a chart's figures open",
    who: "finance",
    path: "/reports?region=Northern+Region",
    act: async (page) => {
      await page.getByText("Show the figures as a table").first().click();
    },
  },
  { name: "finance return on empathy", who: "finance", path: "/reports/outcomes", screenshot: "outcomes-finance" },
  { name: "finance budgets of the previous quarter", who: "finance", path: "/pools?period=4&region=Southern+Region" },
  { name: "finance pool page", who: "finance", path: "/pools/21" },
  {
    name: "finance pool page confirming an adjustment",
    who: "finance",
    path: "/pools/24",
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
    path: "/pools/24",
    act: async (page) => {
      await page.getByLabel("Amount to add (USD)").fill("1e3");
      await page.getByRole("button", { name: "Review allocation" }).click();
      await expect(page.getByText(/without an exponent/)).toBeVisible();
    },
  },
  { name: "finance opening a period", who: "finance", path: "/pools/open?copy=previous" },
  { name: "finance closing a period", who: "finance", path: "/pools/close/4" },
  { name: "manager pool page", who: "manager", path: "/pools/21" },
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
  { name: "admin adds a user", who: "admin", path: "/admin/users/new", screenshot: "admin-user-new" },
  { name: "staff customers", who: "staff", path: "/customers" },
  { name: "staff customers search without results", who: "staff", path: "/customers?q=zzzz" },
  {
    name: "staff customer page with a sensitive signal",
    who: "staff",
    path: "/customers?q=whitfield",
    act: async (page) => {
      await page.getByRole("link", { name: "Eleanor Whitfield" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Eleanor Whitfield" })).toBeVisible();
    },
  },
  {
    name: "staff do-not-contact customer page",
    who: "staff",
    path: "/customers?q=ashdown",
    act: async (page) => {
      await page.getByRole("link", { name: "Victor Ashdown" }).click();
      await expect(page.getByText("Do not contact.")).toBeVisible();
    },
  },
  { name: "staff suggestions", who: "staff", path: "/suggestions" },
  { name: "staff my proposals", who: "staff", path: "/gestures" },
  { name: "staff proposal form from a customer search", who: "staff", path: "/gestures/new?q=a", screenshot: "proposal-search" },
  {
    name: "staff proposal form for a customer",
    who: "staff",
    path: "/customers?q=whitfield",
    screenshot: "proposal-form",
    act: async (page) => {
      await page.getByRole("link", { name: "Eleanor Whitfield" }).click();
      await page.getByRole("link", { name: "Propose a gesture" }).first().click();
      await expect(page.getByRole("heading", { level: 1, name: "Propose a gesture for Eleanor Whitfield" })).toBeVisible();
      await waitForHydration(page);
    },
  },
  {
    // Issue 21: "what has worked" beside the gesture choice, from a suggestion (occasion known).
    name: "staff proposal form with what has worked",
    who: "staff",
    path: "/suggestions",
    act: async (page) => {
      await page.getByRole("link", { name: /^Propose a gesture for / }).first().click();
      await expect(page.getByRole("region", { name: /^What has worked/ })).toBeVisible();
      await waitForHydration(page);
    },
  },
  { name: "manager approvals queue", who: "manager", path: "/approvals", screenshot: "approvals-manager" },
  { name: "finance approvals queue", who: "finance", path: "/approvals", screenshot: "approvals-finance" },
  { name: "finance reads a proposal waiting for finance", who: "finance", path: "/gestures/5", screenshot: "gesture-finance" },
  // Issue 6 (seeded by db/seed-gestures.ts in this order): an approved gesture with the fulfilment
  // form and cancel, a fulfilled one with the outcome form, one waiting for re-approval, a closed one.
  { name: "staff fulfils an approved gesture", who: "staff", path: "/gestures/2", screenshot: "gesture-fulfil" },
  { name: "staff records an outcome", who: "staff", path: "/gestures/21" },
  { name: "manager approves a new actual amount", who: "manager", path: "/gestures/25" },
  { name: "finance reads a closed gesture with its receipt", who: "finance", path: "/gestures/22" },
  // Stories (issue 21; seeded by db/seed-stories.ts in this order: #1 published at North, #2 at
  // South, #3 at Lakeside, #4 waiting for the North manager, #5 returned at Harbour).
  { name: "staff stories", who: "staff", path: "/stories", screenshot: "stories-staff" },
  { name: "finance stories", who: "finance", path: "/stories" },
  { name: "stories filtered to nothing", who: "staffSouth", path: "/stories?occasion=marriage&region=Northern+Region" },
  { name: "stories with filter errors", who: "admin", path: "/stories?occasion=nope&region=Nowhere" },
  { name: "a published story", who: "staffSouth", path: "/stories/1", screenshot: "story-published" },
  { name: "manager stories to review", who: "manager", path: "/stories/review", screenshot: "stories-review" },
  { name: "manager reviews a story", who: "manager", path: "/stories/4", screenshot: "story-review" },
  {
    name: "manager returns a story without a comment",
    who: "manager",
    path: "/stories/4",
    act: async (page) => {
      await page.getByRole("button", { name: "Return for changes" }).click();
      await expect(page.getByText("Say what the author should change.")).toBeVisible();
    },
  },
  {
    name: "the author about to withdraw a story",
    who: "staff",
    path: "/stories/4",
    act: async (page) => {
      await page.getByText("Withdraw this story").click();
      await page.getByRole("button", { name: "Withdraw the story" }).click();
      await expect(page.getByText("Tick the box to confirm")).toBeVisible();
    },
  },
  { name: "manager imports", who: "manager", path: "/imports" },
  {
    name: "manager import preview",
    who: "manager",
    path: "/imports",
    act: async (page) => {
      await page.getByLabel("The file holds").selectOption("customers");
      await page.getByLabel("CSV file").setInputFiles("db/samples/customers.csv");
      await page.getByRole("button", { name: "Check the file" }).click();
      await expect(page.getByRole("heading", { name: "Rows that cannot be imported" })).toBeVisible();
    },
  },
  { name: "admin erasure", who: "admin", path: "/erasure" },
  { name: "admin API keys", who: "admin", path: "/api-keys" },
  {
    name: "admin adds a user with errors",
    who: "admin",
    path: "/admin/users/new",
    act: async (page) => {
      await page.getByRole("button", { name: "Add user" }).click();
      await expect(page.getByText("Enter the person's name.")).toBeVisible();
    },
  },
  // Seeded users and branches have fixed ids: 1 is Sam Carter (staff, North), branch 1 is North.
  { name: "admin user page", who: "admin", path: "/admin/users/1", screenshot: "admin-user" },
  { name: "admin confirms a deactivation", who: "admin", path: "/admin/users/1?confirm=deactivate", screenshot: "admin-user-deactivate" },
  { name: "admin branches", who: "admin", path: "/admin/branches", screenshot: "admin-branches" },
  { name: "admin adds a branch", who: "admin", path: "/admin/branches/new" },
  { name: "admin branch page", who: "admin", path: "/admin/branches/1" },
  { name: "admin organisation settings", who: "admin", path: "/admin/settings", screenshot: "admin-settings" },
  // The gesture catalogue and the policy. Type 1 is Flowers (migration 0007); branch 1 is North.
  { name: "admin gesture catalogue", who: "admin", path: "/admin/catalogue", screenshot: "admin-catalogue" },
  {
    name: "admin adds a gesture type with errors",
    who: "admin",
    path: "/admin/catalogue/new",
    act: async (page) => {
      await page.getByRole("button", { name: "Add gesture type" }).click();
      await expect(page.getByText("Choose at least one occasion this type suits.")).toBeVisible();
    },
  },
  { name: "admin gesture type page", who: "admin", path: "/admin/catalogue/1", screenshot: "admin-gesture-type" },
  { name: "admin confirms deactivating a gesture type", who: "admin", path: "/admin/catalogue/1?confirm=deactivate" },
  { name: "admin policy", who: "admin", path: "/admin/policy", screenshot: "admin-policy" },
  {
    name: "admin policy with a field error",
    who: "admin",
    path: "/admin/policy",
    act: async (page) => {
      await page.getByLabel("Discretion limit (USD)").fill("500");
      await page.getByRole("button", { name: "Save policy" }).click();
      await expect(page.getByText("The discretion limit must not be above the second-approval threshold.")).toBeVisible();
      // The form focused the field in error, far down a long page; the size checks start at the top.
      await page.evaluate(() => window.scrollTo(0, 0));
    },
  },
  { name: "admin branch policy", who: "admin", path: "/admin/policy/1", screenshot: "admin-branch-policy" },
  {
    name: "admin branch policy with a conflict",
    who: "admin",
    path: "/admin/policy/1",
    act: async (page) => {
      await page.getByLabel("Per-gesture maximum (USD) for North").fill("100");
      await page.getByRole("button", { name: "Save North’s policy" }).click();
      await expect(page.getByText(/per-gesture maximum \$100\.00 \(branch override\)/)).toBeVisible();
      await page.evaluate(() => window.scrollTo(0, 0));
    },
  },
  { name: "staff changes their password", who: "staff", path: "/account/password", screenshot: "change-password" },
  { name: "manager delegation", who: "manager", path: "/delegation", screenshot: "delegation" },
  {
    name: "manager delegation with errors",
    who: "manager",
    path: "/delegation",
    act: async (page) => {
      await page.getByRole("button", { name: "Save delegation" }).click();
      await expect(page.getByText("Choose who approves for you.")).toBeVisible();
    },
  },
  { name: "staff notifications", who: "staff", path: "/notifications", screenshot: "notifications" },
  { name: "manager notifications", who: "manager", path: "/notifications" },
  { name: "finance notifications", who: "finance", path: "/notifications" },
  { name: "admin notifications", who: "admin", path: "/notifications" },
  {
    name: "change password with errors",
    who: "manager",
    path: "/account/password",
    act: async (page) => {
      await page.getByRole("button", { name: "Change password" }).click();
      await expect(page.getByText("Enter your current password.")).toBeVisible();
    },
  },
];

async function expectNoAxeViolations(page: Page, label: string) {
  // Legacy mode runs axe in the page itself; the default opens an extra blank page per run to
  // merge frame results, which costs about a second each and buys nothing here (no iframes).
  const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

async function expectUsableAtThisSize(page: Page, signedIn: boolean, size: ViewportName) {
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toBeInViewport();
  if (signedIn && size === "phone") {
    // The bar is folded away; the menu that holds it is at hand (small-screens.e2e.ts opens it).
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await expect(page.getByRole("banner").getByText("Menu", { exact: true })).toBeInViewport();
  } else if (signedIn) {
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeVisible();
    for (const link of await nav.getByRole("link").all()) await expect(link).toBeInViewport();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  }
  // Nothing sticks out sideways: the page never needs a horizontal scroll (wide tables scroll inside their own box).
  const { overflow, culprits } = await measureOverflow(page);
  expect(overflow, `horizontal overflow in px at ${size}; sticking out: ${culprits.join("; ")}`).toBeLessThanOrEqual(0);
}

for (const scenario of SCENARIOS) {
  test(`${scenario.name} (${scenario.path}) has no axe violations and works at desktop, tablet and phone sizes`, async ({ page, signInAs }) => {
    // Three axe runs and three full-page screenshots of a full page (the seeded audit log and ledgers
    // fill a page of 50 rows) can pass 30 s on two busy cores while the other worker runs journeys.
    test.setTimeout(90_000);
    if (scenario.who) await signInAs(scenario.who);
    const response = await page.goto(scenario.path);
    expect(response?.status()).toBe(scenario.status ?? 200);
    await waitForHydration(page);
    if (scenario.act) {
      await scenario.act(page);
      // Acting can move focus (and the page) down to a field in error or a confirmation; the size
      // checks below start from the top of the page.
      await page.evaluate(() => window.scrollTo(0, 0));
    }

    for (const [size, viewport] of Object.entries(VIEWPORTS) as [ViewportName, (typeof VIEWPORTS)[ViewportName]][]) {
      await page.setViewportSize(viewport);
      await expectUsableAtThisSize(page, scenario.who !== null, size);
      await expectNoAxeViolations(page, `${scenario.name} at ${size}`);
      if (scenario.screenshot) {
        await page.screenshot({ path: `test-results/screenshots/${scenario.screenshot}-${size}.png`, fullPage: true });
      }
    }
  });
}
