import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { BranchTable } from "~/components/branch-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { listBranchesWithHeadcount } from "~/domain/administration/branches.server";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Branches · Administration · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "branches:manage");
  return json({ branches: await listBranchesWithHeadcount(db) });
}

export default function BranchesPage() {
  const { branches } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Administration</h1>
          <p>Branches of the organisation, by region.</p>
        </div>
        <Link to="/admin/branches/new" className="button">
          Add a branch
        </Link>
      </div>
      <AdminNav current="branches" />
      <section className="card" aria-labelledby="branches-title">
        <h2 id="branches-title">Branches</h2>
        {branches.length === 0 ? (
          <p className="empty-state">There are no branches yet. Add the first one with “Add a branch”, then add its staff.</p>
        ) : (
          <BranchTable branches={branches} caption="Branches" hrefFor={(id) => `/admin/branches/${id}`} />
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
