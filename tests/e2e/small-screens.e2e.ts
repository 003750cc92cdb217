// Phones and counter tablets (issue 22): every page each demo role can reach, opened in Chromium at
// a phone's size (390×844) and a portrait tablet's (768×1024), must fit the screen: the document is
// never wider than the viewport (a wide table scrolls inside its own labelled region instead).
// A failure names the page, the size and the element that sticks out. At the phone size the primary
// controls are at least 44×44 px and inputs bring up the right keyboard. The main navigation folds
// into a menu on a phone that opens and works with JavaScript off.
//
// The pages come from the same crawl as link-crawl.e2e.ts: from the role's home page, one page of
// each route shape (ids and query values ignored), so a new page is covered once a link leads to it.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { isPaginated, linksOn, routeShape, SESSION_ENDING_PATHS, short } from "../support/crawl";
import { ACCOUNT_KEYS, ACCOUNTS, expect, test, VIEWPORTS, waitForHydration } from "../support/e2e-fixtures";
import { type InputKeyboard, inputKeyboards, measureOverflow, smallTouchTargets } from "../support/small-screen";

/** Pages opened per role at most (the demo roles reach 20–40 route shapes). */
const MAX_PAGES_PER_ROLE = 80;
const SMALL_SIZES = ["phone", "tablet"] as const;

/**
 * Which keyboard an input must ask for, by what it holds: money in text fields (a decimal pad;
 * type=number would round, spin and reject "1,000"), one-time codes (digits), e-mail addresses.
 * Returns the problem, or null when the input is right.
 */
function keyboardProblem(input: InputKeyboard): string | null {
  const what = `${input.name} "${input.label}"`;
  if (/\((USD|EUR|GBP|[A-Z]{3})\)|amount/i.test(input.label) && input.type === "text" && input.inputMode !== "decimal") {
    return `${what} holds money: inputmode="decimal" (has "${input.inputMode}")`;
  }
  if (/\((days|%)\)|count\)/i.test(input.label) && input.type === "text" && input.inputMode !== "numeric") {
    return `${what} holds a whole number: inputmode="numeric" (has "${input.inputMode}")`;
  }
  if (input.autocomplete === "one-time-code" && input.inputMode !== "numeric") {
    return `${what} holds a code: inputmode="numeric" (has "${input.inputMode}")`;
  }
  if (/e-?mail/i.test(input.name) && input.type !== "email" && input.type !== "search") {
    return `${what} holds an e-mail address: type="email" (has "${input.type}")`;
  }
  return null;
}

type PageReport = { page: string; problems: string[] };

/** Opens the page at each small size and lists what does not fit. */
async function checkPage(page: Page, label: string): Promise<PageReport> {
  const problems: string[] = [];
  for (const size of SMALL_SIZES) {
    await page.setViewportSize(VIEWPORTS[size]);
    const { overflow, culprits } = await measureOverflow(page);
    if (overflow > 0) problems.push(`${size}: ${overflow} px wider than the screen; sticking out: ${culprits.join("; ") || "(nothing found)"}`);
    if (size === "phone") {
      for (const target of await smallTouchTargets(page)) problems.push(`phone: touch target too small: ${target}`);
      for (const input of await inputKeyboards(page)) {
        const problem = keyboardProblem(input);
        if (problem) problems.push(`phone: keyboard: ${problem}`);
      }
    }
  }
  return { page: label, problems };
}

for (const key of ACCOUNT_KEYS) {
  const account = ACCOUNTS[key];

  test(`every page ${account.email} can reach fits a phone and a counter tablet`, async ({ page, signInAs, baseURL }) => {
    test.setTimeout(180_000);
    const started = Date.now();
    await signInAs(key);
    await page.setViewportSize(VIEWPORTS.phone);

    const home = new URL(account.home, baseURL).href;
    const queue: string[] = [home];
    const shapes = new Set<string>([routeShape(new URL(home))]);
    const reports: PageReport[] = [];
    let opened = 0;

    while (queue.length > 0 && opened < MAX_PAGES_PER_ROLE) {
      const current = queue.shift()!;
      let response;
      try {
        response = await page.goto(current, { waitUntil: "load" });
      } catch {
        continue; // a download (CSV, receipt): not a page
      }
      if (!(response?.headers()["content-type"] ?? "").startsWith("text/html")) continue;
      opened += 1;
      await page.setViewportSize(VIEWPORTS.phone);
      reports.push(await checkPage(page, short(current)));

      for (const link of await linksOn(page)) {
        if (link.download) continue;
        const url = new URL(link.url);
        if (SESSION_ENDING_PATHS.has(url.pathname) || isPaginated(url)) continue;
        const shape = routeShape(url);
        if (shapes.has(shape)) continue;
        shapes.add(shape);
        queue.push(url.href);
      }
    }

    const failing = reports.filter((report) => report.problems.length > 0);
    test.info().annotations.push({
      type: "small screens",
      description: `${key}: ${opened} pages at ${SMALL_SIZES.join(" and ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    });
    const text = failing.map((report) => `  ${report.page}\n${report.problems.map((problem) => `    ${problem}`).join("\n")}`).join("\n");
    expect(failing.length, `Pages that do not fit a small screen for ${account.email}:\n${text}`).toBe(0);
    expect(opened, "pages opened").toBeGreaterThan(3);
  });
}

test("the signed-out pages fit a phone and a counter tablet", async ({ page }) => {
  const failing: PageReport[] = [];
  for (const path of ["/login", "/login/enrol", "/auth/oidc/callback?code=x&state=y", "/no-such-page"]) {
    await page.goto(path);
    const report = await checkPage(page, path);
    if (report.problems.length > 0) failing.push(report);
  }
  expect(failing).toEqual([]);
});

test.describe("the approvals queue's Select column on a phone", () => {
  test.use({ viewport: VIEWPORTS.phone, isMobile: true, hasTouch: true });

  test("each box sits in a 44×44 px target, which the touch-target check measures, and a tap at its edge selects it", async ({ page, signInAs }) => {
    await signInAs("manager");
    await page.goto("/approvals");
    await waitForHydration(page);
    const boxes = page.getByRole("checkbox", { name: /^Select proposal #/ });
    expect(await boxes.count(), "proposals waiting for the demo manager").toBeGreaterThan(0);
    for (const box of await boxes.all()) {
      const target = (await box.locator("xpath=ancestor::label[1]").boundingBox())!;
      expect(Math.min(target.width, target.height), `${await box.getAttribute("aria-label")}: the label around the box`).toBeGreaterThanOrEqual(44);
    }
    expect(await smallTouchTargets(page), "small touch targets on the approvals queue").toEqual([]);

    // A tap in the target's corner, beside the box itself, still selects it (nothing is submitted).
    const first = boxes.and(page.locator(":enabled")).first();
    const label = first.locator("xpath=ancestor::label[1]");
    await label.scrollIntoViewIfNeeded();
    await label.tap({ position: { x: 3, y: 3 } });
    await expect(first).toBeChecked();
  });
});

test.describe("the phone's menu", () => {
  test.use({ viewport: VIEWPORTS.phone });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("opens as a plain disclosure, holds the role's navigation and the account links, and its links and Sign out work", async ({ page, signInAs }) => {
      const account = ACCOUNTS.manager;
      await signInAs("manager");
      await page.goto("/branch");
      expect(await page.evaluate(() => "__remixRouter" in window)).toBe(false);
      const banner = page.getByRole("banner");
      // Folded: no navigation on show, the menu's toggle at hand.
      await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
      await banner.getByText("Menu", { exact: true }).click();
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav.getByRole("link")).toHaveText([...account.nav]);
      for (const link of await nav.getByRole("link").all()) await expect(link).toBeInViewport();
      await expect(banner).toContainText(account.name);
      expect(await smallTouchTargets(page), "small touch targets in the open menu").toEqual([]);

      await nav.getByRole("link", { name: "Customers" }).click();
      await expect(page).toHaveURL("/customers");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // A new page starts with the menu closed.
      await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);

      await banner.getByText("Menu", { exact: true }).click();
      await banner.getByRole("button", { name: "Sign out" }).click();
      await expect(page).toHaveURL("/login");
      await expect(page.getByRole("status")).toContainText("You have signed out.");
    });
  });

  test("with JavaScript it closes once a link in it is followed, passes axe while open, and a tablet shows the bar instead", async ({ page, signInAs }) => {
    await signInAs("finance");
    await page.goto("/finance");
    await waitForHydration(page);
    const banner = page.getByRole("banner");
    await banner.getByText("Menu", { exact: true }).click();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Finance" })).toHaveAttribute("aria-current", "page");
    const { violations } = await new AxeBuilder({ page }).include("header").setLegacyMode(true).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

    await nav.getByRole("link", { name: "Budgets" }).click();
    await expect(page).toHaveURL("/pools");
    await expect(page.getByRole("heading", { level: 1, name: "Budgets" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);

    await page.setViewportSize(VIEWPORTS.tablet);
    await expect(banner.getByText("Menu", { exact: true })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Budgets" })).toBeInViewport();
  });
});
