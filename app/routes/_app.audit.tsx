import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TableWrap } from "~/components/table-wrap";
import { Pagination } from "~/components/pagination";
import { listAuditEvents, verifyAuditChain } from "~/domain/audit.server";
import { useRootData } from "~/utils/root-data";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "Audit log · Empathy Fund" }];

const PAGE_SIZE = DEFAULT_PAGE_SIZE * 2;

// Finance and admins read the trail; nobody can change it. Verifying the whole chain is on request,
// because its cost grows with the log.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "audit:view");
  const url = new URL(request.url);
  const action = (url.searchParams.get("action") ?? "").trim().slice(0, 60);
  const page = pageFromUrl(url);
  const events = listAuditEvents(db, { action: action || undefined, page, pageSize: PAGE_SIZE });
  const verification = url.searchParams.get("verify") === "1" ? verifyAuditChain(db) : null;
  return json({ action, page, events, verification });
}

export default function AuditLog() {
  const { action, page, events, verification } = useLoaderData<typeof loader>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p>Every sign-in and every change, newest first. Each event is chained to the one before it by a hash.</p>
        </div>
        <Form method="get">
          <input type="hidden" name="verify" value="1" />
          {action ? <input type="hidden" name="action" value={action} /> : null}
          <button type="submit" className="button button--secondary">
            Verify the chain
          </button>
        </Form>
      </div>
      {verification ? (
        <div className={`toast ${verification.ok ? "toast--success" : "toast--error"}`} role={verification.ok ? "status" : "alert"}>
          <span>
            {verification.ok
              ? `The chain is intact: all ${verification.checked} events verified.`
              : `The chain is broken at event ${verification.brokenAt}: ${verification.reason}.`}
          </span>
        </div>
      ) : null}
      <section className="card" aria-label="Events">
        <Form method="get" className="filters" role="search" aria-label="Filter events">
          <div className="field">
            <label htmlFor="audit-action">Action starts with</label>
            <input id="audit-action" name="action" type="search" defaultValue={action} maxLength={60} placeholder="auth." />
          </div>
          <button type="submit" className="button button--secondary">
            Filter
          </button>
        </Form>
        {events.rows.length === 0 ? (
          <p className="empty-state">No events match. Clear the filter to see every event.</p>
        ) : (
          <TableWrap label="Audit events table">
            <table>
              <caption className="visually-hidden">Audit events</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {events.rows.map((event) => (
                  <tr key={event.id}>
                    <td className="num">{event.id}</td>
                    <td>{formatDateTime(event.at, timeZone)}</td>
                    <td>{event.actorName ?? <span className="muted">System or unknown</span>}</td>
                    <td>
                      <Badge tone={event.action.includes("failed") || event.action.includes("locked") ? "warning" : "neutral"}>{event.action}</Badge>
                    </td>
                    <td>
                      {event.entity}
                      {event.entityId ? ` ${event.entityId}` : ""}
                    </td>
                    <td className="mono">{event.detail === "{}" ? "" : event.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pagination page={page} pageSize={PAGE_SIZE} hasNext={events.hasNext} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
