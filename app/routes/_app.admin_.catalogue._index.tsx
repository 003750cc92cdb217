import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Money } from "~/components/money";
import { TableWrap } from "~/components/table-wrap";
import { listCatalogueWithUse } from "~/domain/policy/catalogue.server";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { getPolicyDefaults } from "~/domain/policy/policy.server";
import { OCCASIONS } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";

export const meta: MetaFunction = () => [{ title: "Gesture catalogue · Administration · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "catalogue:manage");
  const types = await listCatalogueWithUse(db);
  // Occasions no active type suits: staff could not propose anything for them.
  const uncovered = OCCASIONS.filter((occasion) => !types.some((type) => type.active && type.occasions.includes(occasion)));
  return json({ types, uncovered, perGestureMax: (await getPolicyDefaults(db)).perGestureMax });
}

export default function CataloguePage() {
  const { types, uncovered, perGestureMax } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Administration</h1>
          <p>The gestures staff can propose, what they cost and the occasions each suits.</p>
        </div>
        <Link to="/admin/catalogue/new" className="button">
          Add a gesture type
        </Link>
      </div>
      <AdminNav current="catalogue" />
      <section className="card" aria-labelledby="catalogue-title">
        <h2 id="catalogue-title">Gesture catalogue</h2>
        {uncovered.length > 0 ? (
          <p className="banner banner--warning">
            No active gesture type suits {uncovered.map((occasion) => SIGNAL_KIND_LABELS[occasion].toLowerCase()).join(", ")}: staff cannot propose a gesture for{" "}
            {uncovered.length === 1 ? "that occasion" : "those occasions"} until a type suits it.
          </p>
        ) : null}
        {types.length === 0 ? (
          <p className="empty-state">The catalogue is empty. Add the first gesture type with “Add a gesture type”.</p>
        ) : (
          <TableWrap label="Gesture types table">
            <table>
              <caption className="visually-hidden">Gesture types</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Occasions</th>
                  <th scope="col" className="num">
                    Default
                  </th>
                  <th scope="col" className="num">
                    Maximum
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Used
                  </th>
                </tr>
              </thead>
              <tbody>
                {types.map((type) => (
                  <tr key={type.id}>
                    <td>
                      <Link to={`/admin/catalogue/${type.id}`}>{type.name}</Link>
                    </td>
                    <td>{type.occasions.map((occasion) => SIGNAL_KIND_LABELS[occasion]).join(", ")}</td>
                    <td className="num">
                      <Money amount={type.defaultAmount} />
                    </td>
                    <td className="num">
                      <Money amount={type.maxAmount} />
                      {type.maxAmount > perGestureMax ? (
                        <>
                          {" "}
                          <Badge tone="warning">Above the per-gesture maximum</Badge>
                        </>
                      ) : null}
                    </td>
                    <td>{type.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}</td>
                    <td className="num">{type.usedCount === 0 ? "Never" : `${type.usedCount.toLocaleString("en-US")} ${type.usedCount === 1 ? "gesture" : "gestures"}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <p className="muted">
          Amounts are in the organisation’s currency. Proposals are also capped by the per-gesture maximum of the branch’s <Link to="/admin/policy">policy</Link> (organisation default{" "}
          <Money amount={perGestureMax} />
          ).
        </p>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
