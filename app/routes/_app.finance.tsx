import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BranchTable } from "~/components/branch-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { LatestStoryCard } from "~/components/story";
import { latestPublishedStory } from "~/domain/stories/stories.server";
import { listBranchesWithHeadcount } from "~/domain/administration/branches.server";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Finance · Empathy Fund" }];

/** Up to this many branches the page shows every region; above it, one region at a time (`?region=`). */
const ALL_REGIONS_UP_TO = 60;

// Home of finance: the organisation's branches by region, the frame budgets are allocated in. A bank
// of hundreds of branches is shown one region at a time (the first by default, `?region=all` for all).
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "reports:all");
  const rows = await listBranchesWithHeadcount(db);
  const regions = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = regions.get(row.region);
    if (list) list.push(row);
    else regions.set(row.region, [row]);
  }
  const names = [...regions.keys()];
  const asked = new URL(request.url).searchParams.get("region");
  const paged = rows.length > ALL_REGIONS_UP_TO;
  const shown = !paged || asked === "all" ? names : names.includes(asked ?? "") ? [asked!] : names.slice(0, 1);
  return json({
    regions: shown.map((name) => ({ name, branches: regions.get(name)! })),
    regionNav: paged ? { names: names.map((name) => ({ name, branches: regions.get(name)!.length })), current: asked === "all" ? "all" : shown[0] ?? null } : null,
    totals: { branches: rows.length, active: rows.filter((b) => b.active).length, regions: regions.size },
    latestStory: await latestPublishedStory(db),
  });
}

export default function FinanceHome() {
  const { regions, regionNav, totals, latestStory } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Finance</h1>
          <p>Branches and regions that budgets are allocated to.</p>
        </div>
        <div className="page-header__actions">
          <Link className="button" to="/reports">
            Spend reports
          </Link>
          <Link className="button button--secondary" to="/reports/outcomes">
            Return on empathy
          </Link>
        </div>
      </div>
      <div className="grid" role="list" aria-label="Totals">
        <div className="stat" role="listitem">
          <div className="stat__label">Regions</div>
          <div className="stat__value">{totals.regions}</div>
        </div>
        <div className="stat" role="listitem">
          <div className="stat__label">Active branches</div>
          <div className="stat__value">{totals.active}</div>
        </div>
        <div className="stat" role="listitem">
          <div className="stat__label">All branches</div>
          <div className="stat__value">{totals.branches}</div>
        </div>
      </div>
      <LatestStoryCard story={latestStory} />
      {regionNav ? (
        <nav className="card" aria-label="Regions">
          <h2>Regions</h2>
          <p>
            {totals.branches} branches: one region is shown at a time. Choose a region, or{" "}
            <Link to="/finance?region=all" aria-current={regionNav.current === "all" ? "page" : undefined}>
              show every region
            </Link>
            .
          </p>
          <ul className="region-nav">
            {regionNav.names.map((region) => (
              <li key={region.name}>
                <Link to={`/finance?region=${encodeURIComponent(region.name)}`} aria-current={regionNav.current === region.name ? "page" : undefined}>
                  {region.name} ({region.branches})
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {regions.length === 0 ? (
        <p className="empty-state card">No branches yet. An administrator creates branches before budgets can be allocated.</p>
      ) : (
        regions.map((region) => (
          <section key={region.name} className="card" aria-label={region.name}>
            <h2>{region.name}</h2>
            <BranchTable branches={region.branches} caption={`Branches in ${region.name}`} showRegion={false} />
          </section>
        ))
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
