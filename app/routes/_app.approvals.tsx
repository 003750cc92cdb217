import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors } from "~/components/forms";
import { GestureStatusBadge } from "~/components/gesture-status";
import { Money } from "~/components/money";
import { Pagination } from "~/components/pagination";
import { TableWrap } from "~/components/table-wrap";
import { SEVERITY_LABELS } from "~/domain/customers/customer-rules";
import { BulkApproveSchema, parseSelection } from "~/domain/gestures/gesture-schemas";
import { reapprovalQueue } from "~/domain/gestures/fulfilment.server";
import { approvalQueue } from "~/domain/gestures/gesture-queries.server";
import { bulkApprove } from "~/domain/gestures/decisions.server";
import { can } from "~/domain/core/permissions";
import { forbidden, requireUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { useCan, useRootData } from "~/utils/root-data";

export const meta: MetaFunction = () => [{ title: "Approvals · Empathy Fund" }];

async function requireApprover(request: Request) {
  const user = await requireUser(request);
  if (!can(user.role, "gestures:approve") && !can(user.role, "gestures:approve-finance")) {
    throw forbidden("Approvals are for branch managers and finance. Your own proposals are under My proposals.");
  }
  return user;
}

// The proposals waiting for the user's decision, oldest first: branch managers (and their
// delegates) for their branch, finance for second approvals and for proposals no manager may decide.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApprover(request);
  const page = pageFromUrl(new URL(request.url));
  const queue = await approvalQueue(db, user, { page, pageSize: DEFAULT_PAGE_SIZE }, now());
  const reapprovals = await reapprovalQueue(db, user, now());
  return json({ ...queue, reapprovals, page, isFinance: user.role === "finance" });
}

// Bulk approval: each selected proposal is approved in its own transaction, and the page shows
// what succeeded and what did not, and why. A repeat of the same post approves nothing twice.
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireApprover(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: BulkApproveSchema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.reply().error ?? {}).flatMap((m) => m ?? []);
    return json({ errors: [...new Set(errors)], results: null }, { status: 400 });
  }
  const results = await bulkApprove(db, user, parseSelection(submission.value.selected), now());
  return json({ errors: null, results });
}

export default function ApprovalsPage() {
  const { rows, total, reapprovals, page, isFinance } = useLoaderData<typeof loader>();
  const may = useCan();
  const actionData = useActionData<typeof action>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const decidable = rows.filter((r) => r.canDecide);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Approvals</h1>
          <p>{total === 0 ? "Nothing waits for your decision." : total === 1 ? "One proposal waits for your decision." : `${total} proposals wait for your decision.`} Oldest first.</p>
        </div>
        {may("gestures:delegate") ? (
          <Link to="/delegation" className="button button--secondary">
            Delegate while away
          </Link>
        ) : null}
      </div>

      {actionData?.results ? (
        <section className="card" aria-labelledby="bulk-result-title" role="status">
          <h2 id="bulk-result-title">
            Bulk approval: {actionData.results.filter((r) => r.ok).length} approved, {actionData.results.filter((r) => !r.ok).length} not approved
          </h2>
          <ul className="plain-list">
            {actionData.results.map((r) => (
              <li key={r.gestureId}>
                <strong>{r.ok ? "Approved" : "Not approved"}</strong>: <Link to={`/gestures/${r.gestureId}`}>#{r.gestureId}</Link> for {r.customerName}. {r.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {reapprovals.length > 0 ? (
        <section className="card" aria-labelledby="reapproval-title">
          <h2 id="reapproval-title">Cost more than approved</h2>
          <p className="muted">Fulfilled for more than the policy's tolerance allows. Open one to approve the new amount or refuse it; nothing is spent until you do.</p>
          <TableWrap label="Gestures waiting for approval of a new amount">
            <table>
              <caption className="visually-hidden">Gestures that cost more than approved, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col" className="num">
                    Approved
                  </th>
                  <th scope="col" className="num">
                    Actual
                  </th>
                  <th scope="col" className="num">
                    Difference
                  </th>
                  <th scope="col">Fulfilled</th>
                </tr>
              </thead>
              <tbody>
                {reapprovals.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/gestures/${r.id}`}>{r.customerName}</Link>
                      {isFinance ? <span className="muted"> · {r.branchName}</span> : null}
                    </td>
                    <td className="num">
                      <Money amount={r.approved} />
                    </td>
                    <td className="num">
                      <Money amount={r.actual} />
                    </td>
                    <td className="num">
                      <Money amount={r.difference} />
                    </td>
                    <td>{r.fulfilledAt ? formatDateTime(r.fulfilledAt, timeZone) : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}

      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">Waiting for you</h2>
        <p className="muted">
          {isFinance
            ? "Second approvals at or over the threshold, and proposals no manager of the branch may decide. You see the occasion only, never the customer's notes or the justification."
            : "Proposals of your branch (and of managers who delegated to you). Open one to read the justification, then approve, reject or return it. Select several to approve them together."}
        </p>
        <FormErrors errors={actionData?.errors ?? undefined} />
        {rows.length === 0 ? (
          <p className="empty-state">{page > 1 ? "No more proposals on this page. Go back to the first page." : "Nothing waits for your decision. You will be notified when a proposal arrives."}</p>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="bulk-approve" />
            <TableWrap label="Proposals waiting for approval">
              <table>
                <caption className="visually-hidden">Proposals waiting for your approval, oldest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Select</th>
                    <th scope="col">Customer and occasion</th>
                    <th scope="col">Gesture</th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                    <th scope="col">Policy</th>
                    <th scope="col" className="num">
                      Pool available → after approval
                    </th>
                    <th scope="col">Proposed</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.id}>
                      <td>
                        {/* The label around the box is a fingertip-sized target (44×44 px). */}
                        <label className="table-choice">
                          <input
                            type="checkbox"
                            name="selected"
                            value={`${row.id}:${row.version}`}
                            id={`select-${row.id}`}
                            disabled={!row.canDecide}
                            aria-label={`Select proposal #${row.id} for ${row.customerName}`}
                          />
                        </label>
                      </td>
                      <td>
                        <Link to={`/gestures/${row.id}`}>{row.customerName}</Link>
                        <br />
                        <span className="muted">
                          {row.occasionLabel}
                          {row.signal
                            ? ` · ${row.signal.kind === row.occasionLabel ? "noted" : row.signal.kind} ${row.signal.on}, ${SEVERITY_LABELS[row.signal.severity]?.toLowerCase()} severity`
                            : ""}
                          {isFinance ? ` · ${row.branchName}` : ""}
                        </span>
                      </td>
                      <td>
                        {row.typeName}
                        <br />
                        <GestureStatusBadge status={row.status} />
                      </td>
                      <td className="num">
                        <Money amount={row.amount} />
                      </td>
                      <td>
                        {row.policyNote}
                        {row.goesToFinance ? <p className="muted">Over the second-approval threshold: finance approves after you.</p> : null}
                        {row.refusal ? <p className="muted">{row.refusal}</p> : null}
                      </td>
                      <td className="num">
                        {row.poolAvailable === null ? (
                          <span className="muted">No open period</span>
                        ) : (
                          <>
                            <Money amount={row.poolAvailable} /> →{" "}
                            {row.availableAfter === null ? (
                              <span className="muted">held at finance's approval</span>
                            ) : row.covered ? (
                              <Money amount={row.availableAfter} />
                            ) : (
                              <strong className="money--negative">not enough</strong>
                            )}
                          </>
                        )}
                      </td>
                      <td>
                        {row.proposerName}
                        <br />
                        <span className="muted">{formatDateTime(row.submittedAt, timeZone)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            {decidable.length > 0 ? (
              <div className="actions">
                <button type="submit" className="button">
                  Approve selected
                </button>
                <span className="muted">Each selected proposal is approved on its own; any that cannot be are listed with the reason.</span>
              </div>
            ) : null}
          </Form>
        )}
        <Pagination page={page} pageSize={DEFAULT_PAGE_SIZE} total={total} hasNext={page * DEFAULT_PAGE_SIZE < total} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
