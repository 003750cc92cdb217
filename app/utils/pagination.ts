export const DEFAULT_PAGE_SIZE = 25;

/** Reads `page` from a URL, clamped to a sane positive integer. */
export function pageFromUrl(url: URL, maxPage = 10_000): number {
  const raw = Number(url.searchParams.get("page") ?? "1");
  return Number.isInteger(raw) && raw >= 1 ? Math.min(raw, maxPage) : 1;
}
