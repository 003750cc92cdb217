import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money } from "~/components/money";
import { Pagination } from "~/components/pagination";
import { TableWrap } from "~/components/table-wrap";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { GESTURE_STATUS_LABELS } from "~/domain/gestures/gesture-rules";
import { listMyProposals } from "~/domain/gestures/gesture-queries.server";
import { GESTURE_STATUSES, type GestureStatus } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { useRootData } from "~/utils/root-data";

export const meta: MetaFunction = () => [{ title: "My proposals · Empathy Fund" }];

const DECISION_WORDS: Record<string, string> = { approve: "Approved", reject: "Rejected", return: "Returned" };

// The proposer's own proposals, most recently changed first, with the latest decision's comment.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "gestures:propose");
  const url = new URL(request.url);
  const statusParam = url.searchParams.get("status") ?? "";
  const status = (GESTURE_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as GestureStatus) : undefined;
  const page = pageFromUrl(url);
  try {
    const { rows, total } = await listMyProposals(db, user, { status, page, pageSize: DEFAULT_PAGE_SIZE });
    return json({ rows, total, page, status: status ?? "" });
  } catch (error) {
    throwAsResponse(error);
  }
}

export default function MyProposalsPage() {
  const { rows, total, page, status } = useLoaderData<typeof loader>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>My proposals</h1>
          <p>Every gesture you proposed, with its status and what the approvers said.</p>
        </div>
        <Link to="/gestures/new" className="button">
          Propose a gesture
        </Link>
      </div>
      <section className="card" aria-labelledby="proposals-title">
        <h2 id="proposals-title" className="visually-hidden">
          Proposals
        </h2>
        <Form method="get" className="filters" role="search" aria-label="Filter my proposals">
          <div className="field">
            <label htmlFor="proposal-status">Status</label>
            <select id="proposal-status" name="status" defaultValue={status}>
              <option value="">All statuses</option>
              {GESTURE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {GESTURE_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Filter
          </button>
        </Form>
        {rows.length === 0 ? (
          <p className="empty-state">
            {status
              ? "None of your proposals has this status. Choose All statuses to see them all."
              : "You have not proposed a gesture yet. Start from a suggestion on your branch's home page, from a customer's page, or with Propose a gesture."}
          </p>
        ) : (
          <TableWrap label="My proposals table">
            <table>
              <caption className="visually-hidden">My proposals</caption>
              <thead>
                <tr>
                  <th scope="col">Proposal</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Occasion</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Latest comment</th>
                  <th scope="col">Changed</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td>
                      <Link to={`/gestures/${row.id}`}>
                        #{row.id} {row.typeName}
                      </Link>
                    </td>
                    <td>{row.customerName}</td>
                    <td>{SIGNAL_KIND_LABELS[row.occasion]}</td>
                    <td className="num">
                      <Money amount={row.approvedAmount ?? row.amount} />
                    </td>
                    <td>
                      <GestureStatusBadge status={row.status} />
                      {row.approvedAtDiscretion ? <span className="muted"> at your discretion</span> : null}
                    </td>
                    <td>
                      {row.lastComment ? (
                        <>
                          <span className="muted">{DECISION_WORDS[row.lastDecision ?? ""] ?? ""}: </span>“{row.lastComment}”
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>{formatDateTime(row.updatedAt, timeZone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pagination page={page} pageSize={DEFAULT_PAGE_SIZE} total={total} hasNext={page * DEFAULT_PAGE_SIZE < total} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
