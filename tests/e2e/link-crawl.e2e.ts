// Links that lead somewhere (issue 17): for each demo role, a breadth-first crawl of the running app
// in Chromium, from the role's home page. Every same-site link a page shows is requested with the
// role's session, and none may answer with an error (403, 404, 5xx or any other 4xx) or drop the
// user at sign-in. The UI should only offer what the server allows that user.
//
// To stay bounded, one page of each route shape is opened and parsed (ids and the values of query
// parameters are ignored, pages 2+ of a list are only status-checked), with a cap per role; every
// link found on an opened page is still requested once.
import { type FoundLink, isPaginated, linksOn, routeShape, SESSION_ENDING_PATHS, short } from "../support/crawl";
import { ACCOUNT_KEYS, ACCOUNTS, type AccountKey, expect, test } from "../support/e2e-fixtures";

/** Pages opened and parsed per role at most; links on them are all checked regardless. */
const MAX_PAGES_PER_ROLE = 150;
/** Parallel status checks: the server and this test share two cores with another worker. */
const CHECK_CONCURRENCY = 4;

const WHO: Record<AccountKey, string> = {
  staff: "a member of staff",
  manager: "a branch manager",
  staffSouth: "a member of staff at another branch",
  managerSouth: "a manager at another branch",
  finance: "finance",
  admin: "an administrator",
};

type Failure = { link: string; status: string; foundOn: string[] };

for (const key of ACCOUNT_KEYS) {
  const who = WHO[key];

  test(`every link ${who} is shown opens for ${who}`, async ({ page, signInAs, baseURL }) => {
    // A whole crawl, not a journey: allow for two cores shared with the other worker.
    test.setTimeout(180_000);
    const started = Date.now();
    await signInAs(key);

    const home = new URL(ACCOUNTS[key].home, baseURL).href;
    const foundOn = new Map<string, string[]>([[home, ["(home page)"]]]);
    const statuses = new Map<string, { status: string; html: boolean; ok: boolean }>();
    const queue: string[] = [home];
    const shapes = new Set<string>([routeShape(new URL(home))]);
    let opened = 0;

    /** Requests a link with the role's cookies (the context's request shares them), once. */
    async function check(url: string, download: boolean): Promise<void> {
      if (statuses.has(url)) return;
      statuses.set(url, { status: "pending", html: false, ok: true });
      try {
        const response = await page.request.get(url, { failOnStatusCode: false, maxRedirects: 5 });
        const landed = new URL(response.url());
        const status = response.status();
        // A redirect to sign-in means the link threw the user out, which is as broken as a 403.
        const signedOut = landed.pathname === "/login";
        const html = !download && (response.headers()["content-type"] ?? "").startsWith("text/html");
        statuses.set(url, {
          status: signedOut ? `${status} at /login (signed out)` : String(status),
          html,
          ok: status < 400 && !signedOut,
        });
        await response.dispose();
      } catch (error) {
        statuses.set(url, { status: `request failed: ${(error as Error).message.split("\n")[0]}`, html: false, ok: false });
      }
    }

    while (queue.length > 0 && opened < MAX_PAGES_PER_ROLE) {
      const current = queue.shift()!;
      opened += 1;
      // Opened in Chromium, as a person would: server-rendered links are in the document on load.
      const response = await page.goto(current, { waitUntil: "domcontentloaded" });
      const status = response?.status() ?? 0;
      if (status >= 400 || new URL(page.url()).pathname === "/login") {
        statuses.set(current, { status: `${status} when opened in the browser at ${short(page.url())}`, html: false, ok: false });
        continue;
      }

      const links = await linksOn(page);
      const fresh: FoundLink[] = [];
      for (const link of links) {
        let url: URL | null = null;
        try {
          url = new URL(link.url);
        } catch {
          url = null;
        }
        if (url && SESSION_ENDING_PATHS.has(url.pathname)) continue;
        const places = foundOn.get(link.url);
        if (places) {
          if (!places.includes(short(current))) places.push(short(current));
          continue;
        }
        foundOn.set(link.url, [short(current)]);
        fresh.push(link);
      }
      for (let i = 0; i < fresh.length; i += CHECK_CONCURRENCY) {
        await Promise.all(fresh.slice(i, i + CHECK_CONCURRENCY).map((link) => check(link.url, link.download)));
      }

      // Follow one page of each route shape further; a later page of a list is only checked.
      for (const link of fresh) {
        const result = statuses.get(link.url);
        if (!result?.ok || !result.html) continue;
        const url = new URL(link.url);
        if (isPaginated(url)) continue;
        const shape = routeShape(url);
        if (shapes.has(shape)) continue;
        shapes.add(shape);
        queue.push(link.url);
      }
    }

    const failures: Failure[] = [...statuses]
      .filter(([, result]) => !result.ok)
      .map(([link, result]) => ({ link: short(link), status: result.status, foundOn: foundOn.get(link) ?? [] }));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    test.info().annotations.push({
      type: "crawl",
      description: `${key}: opened ${opened} pages (${shapes.size} shapes, ${queue.length} left unopened), checked ${statuses.size} links in ${seconds} s`,
    });
    const report = failures.map(
      (failure) =>
        `  ${key} · on ${failure.foundOn.slice(0, 3).join(", ")}${failure.foundOn.length > 3 ? ` (+${failure.foundOn.length - 3} more)` : ""} · ${failure.link} · ${failure.status}`,
    );
    expect(failures, `Links shown to ${who} (${ACCOUNTS[key].email}) that do not open for them (role · found on · link · status):\n${report.join("\n")}`).toEqual([]);
    // The crawl must have got somewhere: the home page has navigation to follow.
    expect(opened, "pages opened").toBeGreaterThan(1);
  });
}
