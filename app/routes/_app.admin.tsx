import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { LatestStoryCard } from "~/components/story";
import { latestPublishedStory } from "~/domain/stories/stories.server";
import { TableWrap } from "~/components/table-wrap";
import { Pagination } from "~/components/pagination";
import { ROLE_LABELS, type Role } from "~/domain/core/permissions";
import { listUsers } from "~/domain/administration/users.server";
import { ROLES } from "../../db/schema";
import { useRootData } from "~/utils/root-data";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "Administration · Empathy Fund" }];

// Home of admins: who has access, with which role and branch.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "users:manage");
  const url = new URL(request.url);
  const query = (url.searchParams.get("q") ?? "").slice(0, 100);
  const roleParam = url.searchParams.get("role") ?? "";
  const role = (ROLES as readonly string[]).includes(roleParam) ? (roleParam as Role) : undefined;
  const page = pageFromUrl(url);
  const users = await listUsers(db, { query, role, page, pageSize: DEFAULT_PAGE_SIZE });
  return json({ query, role: role ?? "", page, users, latestStory: await latestPublishedStory(db) });
}

export default function AdminHome() {
  const { query, role, page, users, latestStory } = useLoaderData<typeof loader>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Administration</h1>
          <p>Users, branches, the gesture catalogue, the policy and the settings of the organisation.</p>
        </div>
        <Link to="/admin/users/new" className="button">
          Add a user
        </Link>
      </div>
      <AdminNav current="users" />
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <Form method="get" className="filters" role="search" aria-label="Filter users">
          <div className="field">
            <label htmlFor="user-query">Name or email</label>
            <input id="user-query" name="q" type="search" defaultValue={query} maxLength={100} />
          </div>
          <div className="field">
            <label htmlFor="user-role">Role</label>
            <select id="user-role" name="role" defaultValue={role}>
              <option value="">All roles</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Filter
          </button>
        </Form>
        {users.rows.length === 0 ? (
          <p className="empty-state">No users match these filters. Clear the name or role to see everyone.</p>
        ) : (
          <TableWrap label="Users table">
            <table>
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Branch</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last signed in</th>
                </tr>
              </thead>
              <tbody>
                {users.rows.map((user) => (
                  <tr key={user.id}>
                    <td>
                      <Link to={`/admin/users/${user.id}`}>{user.name}</Link>
                    </td>
                    <td>{user.email}</td>
                    <td>{ROLE_LABELS[user.role]}</td>
                    <td>{user.branchName ?? "All branches"}</td>
                    <td>
                      {user.active ? <Badge tone="success">Active</Badge> : <Badge>Deactivated</Badge>}
                      {user.active && user.mustChangePassword ? (
                        <>
                          {" "}
                          <Badge tone="warning">New password pending</Badge>
                        </>
                      ) : null}
                    </td>
                    <td>{user.lastSignInAt ? formatDateTime(user.lastSignInAt, timeZone) : "Never"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pagination page={page} pageSize={DEFAULT_PAGE_SIZE} total={users.total} hasNext={page * DEFAULT_PAGE_SIZE < users.total} />
      </section>
      <LatestStoryCard story={latestStory} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
