import { Link, useLocation } from "@remix-run/react";

/** Previous / next links that keep the other search parameters (filters) of the page. */
export function Pagination({ page, hasNext, total, pageSize }: { page: number; hasNext: boolean; total?: number; pageSize: number }) {
  const location = useLocation();
  const hrefFor = (target: number) => {
    const params = new URLSearchParams(location.search);
    if (target <= 1) params.delete("page");
    else params.set("page", String(target));
    const query = params.toString();
    return query ? `?${query}` : location.pathname;
  };
  const first = (page - 1) * pageSize + 1;
  return (
    <nav className="pagination" aria-label="Pagination">
      {page > 1 ? <Link to={hrefFor(page - 1)}>← Previous</Link> : <span />}
      <span className="muted">
        Page {page}
        {total !== undefined ? ` · ${total === 0 ? 0 : first}–${Math.min(page * pageSize, total)} of ${total}` : ""}
      </span>
      {hasNext ? <Link to={hrefFor(page + 1)}>Next →</Link> : <span />}
    </nav>
  );
}
