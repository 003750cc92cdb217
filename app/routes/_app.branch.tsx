import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { PoolBalanceCard } from "~/components/pool-balance-card";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TableWrap } from "~/components/table-wrap";
import { LatestStoryCard } from "~/components/story";
import { latestPublishedStory } from "~/domain/stories/stories.server";
import { SuggestionsSection } from "~/components/suggestions-section";
import { getBranchWithTeam } from "~/domain/administration/branches.server";
import { listSuggestions } from "~/domain/gestures/suggestions.server";
import { branchPoolSummary, poolAccess } from "~/domain/budget/ledger.server";
import { ROLE_LABELS } from "~/domain/core/permissions";
import { useRootData } from "~/utils/root-data";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";

const HOME_SUGGESTIONS = 10;

export const meta: MetaFunction = () => [{ title: "My branch · Empathy Fund" }];

// Home of staff and managers: their branch and who works there.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "branch:view");
  if (!user.branchId) throw json({ message: "Your account is not attached to a branch. Ask an administrator to set your branch." }, { status: 403 });
  const { branch, team } = await getBranchWithTeam(db, user.branchId);
  const suggestions = (await listSuggestions(db, user, now())).rows;
  const pool = await branchPoolSummary(db, branch.id, now());
  const ledgerHref = pool && poolAccess(user, { branchId: branch.id }) ? `/pools/${pool.poolId}` : undefined;
  return json({
    branch: { name: branch.name, code: branch.code, region: branch.region },
    team,
    isManager: user.role === "manager",
    suggestions: { rows: suggestions.slice(0, HOME_SUGGESTIONS), total: suggestions.length },
    pool,
    ledgerHref,
    latestStory: await latestPublishedStory(db),
  });
}

export default function BranchHome() {
  const { branch, team, isManager, suggestions, pool, ledgerHref, latestStory } = useLoaderData<typeof loader>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{branch.name} branch</h1>
          <p>
            {branch.region} · branch code <span className="mono">{branch.code}</span>
          </p>
        </div>
      </div>
      <PoolBalanceCard pool={pool} branchName={branch.name} ledgerHref={ledgerHref} />
      <SuggestionsSection rows={suggestions.rows} total={suggestions.total} showAllLink={suggestions.total > suggestions.rows.length} redirectTo="/branch" />
      <LatestStoryCard story={latestStory} />
      <section className="card" aria-labelledby="team-title">
        <h2 id="team-title">Your team</h2>
        <p className="muted">
          {isManager
            ? "You approve the proposals of the staff listed here. Nobody approves their own: yours go to another manager or to finance."
            : "Your branch manager approves proposals above your discretion limit."}
        </p>
        {team.length === 0 ? (
          <p className="empty-state">No active colleagues are recorded for this branch. An administrator adds users.</p>
        ) : (
          <TableWrap label={`Team of ${branch.name}`}>
            <table>
              <caption className="visually-hidden">Active colleagues at {branch.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Last signed in</th>
                </tr>
              </thead>
              <tbody>
                {team.map((member) => (
                  <tr key={member.id}>
                    <td>{member.name}</td>
                    <td>
                      <Badge tone={member.role === "manager" ? "info" : "neutral"}>{ROLE_LABELS[member.role]}</Badge>
                    </td>
                    <td>{member.lastSignInAt ? formatDateTime(member.lastSignInAt, timeZone) : "Never"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
