import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { TableWrap } from "~/components/table-wrap";
import { SEGMENT_LABELS } from "~/domain/customers/customer-rules";
import { SEARCH_MAX } from "~/domain/customers/customer-schemas";
import { searchCustomers } from "~/domain/customers/customers.server";
import type { Segment } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "Customers · Empathy Fund" }];

// The customers of the user's branch, searched by name, surname or CRM reference (prefix).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "customers:view");
  const url = new URL(request.url);
  const query = (url.searchParams.get("q") ?? "").slice(0, SEARCH_MAX);
  const page = pageFromUrl(url);
  try {
    const result = await searchCustomers(db, user, { query, page, pageSize: DEFAULT_PAGE_SIZE });
    return json({ query, page, ...result, branchName: user.branch?.name ?? "" });
  } catch (error) {
    throwAsResponse(error);
  }
}

export default function CustomersPage() {
  const { query, page, rows, hasNext, branchName } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Customers</h1>
          <p>Customers of {branchName} branch.</p>
        </div>
      </div>
      <section className="card" aria-labelledby="customers-title">
        <h2 id="customers-title" className="visually-hidden">
          Find a customer
        </h2>
        <Form method="get" className="filters" role="search" aria-label="Find a customer">
          <div className="field">
            <label htmlFor="customer-query">Name, surname or CRM reference</label>
            <input id="customer-query" name="q" type="search" defaultValue={query} maxLength={SEARCH_MAX} autoComplete="off" />
          </div>
          <button type="submit" className="button button--secondary">
            Search
          </button>
        </Form>
        {rows.length === 0 ? (
          <p className="empty-state">
            {query
              ? `No customer of your branch has a name, surname or CRM reference starting with “${query}”. Check the spelling, or search by the start of the surname.`
              : "Your branch has no customers yet. A manager imports them from the CRM on the Imports page."}
          </p>
        ) : (
          <TableWrap label="Customers table">
            <table>
              <caption className="visually-hidden">{query ? `Customers matching ${query}` : "Customers"}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">CRM reference</th>
                  <th scope="col">Segment</th>
                  <th scope="col">Customer since</th>
                  <th scope="col">Contact</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((customer) => (
                  <tr key={customer.id}>
                    <td>
                      <Link to={`/customers/${customer.id}`}>{customer.name}</Link>
                    </td>
                    <td className="mono">{customer.crmRef}</td>
                    <td>{SEGMENT_LABELS[customer.segment as Segment]}</td>
                    <td>{customer.customerSince.slice(0, 4)}</td>
                    <td>{customer.erased ? <Badge>Erased</Badge> : customer.doNotContact ? <Badge tone="danger">Do not contact</Badge> : <Badge tone="success">OK to contact</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pagination page={page} pageSize={DEFAULT_PAGE_SIZE} hasNext={hasNext} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
