// What the browser crawls (link-crawl.e2e.ts, small-screens.e2e.ts) share: how a link is found on a
// page, what counts as the same page (a route shape), and which links are never followed.
import type { Page } from "@playwright/test";

/** Query parameters that page through a list: a later page is checked, not followed. */
export const PAGINATION_PARAMS = new Set(["page", "cursor", "after", "before"]);
/**
 * Never requested. GET links should not change state, but these end the session by design (sign
 * out, and sign out at the identity provider): following one would sign the crawler out and every
 * later check would test the sign-in page instead of the role's pages.
 */
export const SESSION_ENDING_PATHS = new Set(["/logout", "/auth/oidc/logout"]);

export type FoundLink = { url: string; download: boolean };

/** A route's shape: numeric path segments become :id, query values and pagination are dropped. */
export function routeShape(url: URL): string {
  const path = url.pathname
    .split("/")
    .map((segment) => (/^\d+$/.test(segment) ? ":id" : segment))
    .join("/");
  const keys = [...new Set(url.searchParams.keys())].filter((key) => !PAGINATION_PARAMS.has(key)).sort();
  return keys.length > 0 ? `${path}?${keys.join("&")}` : path;
}

export function isPaginated(url: URL): boolean {
  return [...url.searchParams.keys()].some((key) => PAGINATION_PARAMS.has(key));
}

/** The page's `<a href>` targets, resolved by the browser itself (base URL, relative paths). */
export async function linksOn(page: Page): Promise<FoundLink[]> {
  const anchors = await page.locator("a[href]").evaluateAll((elements) =>
    elements.map((element) => {
      const anchor = element as HTMLAnchorElement;
      return { raw: anchor.getAttribute("href") ?? "", href: anchor.href, download: anchor.hasAttribute("download") };
    }),
  );
  const origin = new URL(page.url()).origin;
  const links: FoundLink[] = [];
  for (const anchor of anchors) {
    if (anchor.raw.startsWith("#")) continue; // a place on this same page
    let url: URL;
    try {
      url = new URL(anchor.href);
    } catch {
      links.push({ url: anchor.href, download: anchor.download }); // reported as unusable by the caller
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue; // mailto:, tel:
    if (url.origin !== origin) continue; // another site's page is not ours to check
    url.hash = "";
    links.push({ url: url.href, download: anchor.download });
  }
  return links;
}

/** Display form of a same-site URL: path and query. */
export function short(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}
