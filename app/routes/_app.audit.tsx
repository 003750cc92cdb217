import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FilterInput } from "~/components/filter-fields";
import { TableWrap } from "~/components/table-wrap";
import { describeAuditDetail } from "~/domain/administration/audit-detail";
import { readAuditFilter } from "~/domain/administration/audit-filter.server";
import { listAuditEvents, verifyAuditChain } from "~/domain/core/audit.server";
import { getOrganisation } from "~/domain/core/organisation.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import { DEFAULT_PAGE_SIZE } from "~/utils/pagination";

export const meta: MetaFunction = () => [{ title: "Audit log · Empathy Fund" }];

const PAGE_SIZE = DEFAULT_PAGE_SIZE * 2;

// Finance and admins read the trail; nobody can change it. Pages are keyed by event id (`before`),
// so an old page costs what the first one does. Verifying the whole chain is on request, because
// its cost grows with the log.
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "audit:view");
  const url = new URL(request.url);
  const { currency, timeZone } = await getOrganisation(db);
  const { form, filter, errors, entities, matchedPeople } = await readAuditFilter(db, url.searchParams, timeZone, now());
  const beforeParam = Number(url.searchParams.get("before"));
  const before = Number.isSafeInteger(beforeParam) && beforeParam > 0 ? beforeParam : undefined;
  const events = await listAuditEvents(db, { ...filter, before, pageSize: PAGE_SIZE });
  const verification = url.searchParams.get("verify") === "1" ? await verifyAuditChain(db) : null;
  const rows = events.rows.map((event) => ({
    id: event.id,
    at: event.at,
    actorName: event.actorName,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId,
    detail: describeAuditDetail(event.detail, currency),
  }));
  return json({ form, errors, entities, matchedPeople, rows, before: before ?? null, nextBefore: events.nextBefore, verification });
}

export default function AuditLog() {
  const { form, errors, entities, matchedPeople, rows, before, nextBefore, verification } = useLoaderData<typeof loader>();
  const location = useLocation();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const filterParams = new URLSearchParams(Object.entries(form).filter(([, value]) => value !== ""));
  const withParams = (extra: Record<string, string>) => {
    const params = new URLSearchParams(filterParams);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    const query = params.toString();
    return query ? `${location.pathname}?${query}` : location.pathname;
  };
  const filtered = filterParams.toString() !== "";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p>Every sign-in and every change, newest first. Each event is chained to the one before it by a hash.</p>
        </div>
        <div className="page-header__actions">
          <Form method="get">
            {Object.entries(form).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
            <input type="hidden" name="verify" value="1" />
            <button type="submit" className="button button--secondary">
              Verify the chain
            </button>
          </Form>
          <Form method="get" action="/audit/export" reloadDocument className="export-form">
            {Object.entries(form).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
            <div className="field--checkbox">
              <input id="audit-export-bom" type="checkbox" name="bom" value="1" />
              <label htmlFor="audit-export-bom">For Excel (adds a byte-order mark)</label>
            </div>
            <button type="submit" className="button button--secondary">
              Export {filtered ? "these events" : "all events"} (CSV)
            </button>
          </Form>
        </div>
      </div>
      {verification ? (
        <div className={`toast ${verification.ok ? "toast--success" : "toast--error"}`} role={verification.ok ? "status" : "alert"}>
          <span>{verification.ok ? `The chain is intact: all ${verification.checked} events verified.` : `The chain is broken at event ${verification.brokenAt}: ${verification.reason}.`}</span>
        </div>
      ) : null}
      <section className="card" aria-label="Events">
        <Form method="get" className="filters" role="search" aria-label="Filter events">
          <FilterInput
            type="search"
            id="audit-who"
            name="who"
            label="Who (name or e-mail starts with)"
            value={form.who}
            error={errors.who}
            hint={matchedPeople !== null && !errors.who ? `${matchedPeople === 50 ? "50 or more" : matchedPeople} ${matchedPeople === 1 ? "person" : "people"} match` : undefined}
            maxLength={100}
          />
          <FilterInput type="search" id="audit-action" name="action" label="Action starts with" value={form.action} error={errors.action} maxLength={60} placeholder="auth." />
          <div className="field">
            <label htmlFor="audit-entity">Subject</label>
            <select id="audit-entity" name="entity" defaultValue={form.entity} aria-invalid={errors.entity ? true : undefined} aria-describedby={errors.entity ? "audit-entity-error" : undefined}>
              <option value="">Any subject</option>
              {entities.map((entity) => (
                <option key={entity} value={entity}>
                  {entity.replace(/_/g, " ")}
                </option>
              ))}
            </select>
            {errors.entity ? (
              <p className="field__error" id="audit-entity-error">
                {errors.entity}
              </p>
            ) : null}
          </div>
          <FilterInput id="audit-from" name="from" label="From (date)" type="date" value={form.from} error={errors.from} />
          <FilterInput id="audit-to" name="to" label="To (date)" type="date" value={form.to} error={errors.to} />
          <button type="submit" className="button button--secondary">
            Filter
          </button>
          {filtered ? <Link to={location.pathname}>Clear filters</Link> : null}
        </Form>
        {rows.length === 0 ? (
          <p className="empty-state">{filtered ? "No events match these filters. Widen the dates or clear the filters." : "No events yet."}</p>
        ) : (
          <TableWrap label="Audit events table">
            <table>
              <caption className="visually-hidden">Audit events</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((event) => (
                  <tr key={event.id}>
                    <td className="num">{event.id}</td>
                    <td>{formatDateTime(event.at, timeZone)}</td>
                    <td>{event.actorName ?? <span className="muted">System or unknown</span>}</td>
                    <td>
                      <Badge tone={event.action.includes("failed") || event.action.includes("locked") ? "warning" : "neutral"}>{event.action}</Badge>
                    </td>
                    <td>
                      {event.entity.replace(/_/g, " ")}
                      {event.entityId ? ` ${event.entityId}` : ""}
                    </td>
                    <td>
                      {event.detail.length === 0 ? null : (
                        <dl className="detail-list">
                          {event.detail.map((item) => (
                            <div key={item.key}>
                              <dt>{item.label}</dt>
                              <dd>{item.value}</dd>
                            </div>
                          ))}
                        </dl>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <nav className="pagination" aria-label="Pagination">
          {before ? <Link to={withParams({})}>← Newest events</Link> : <span />}
          <span className="muted">{before ? `Events before #${before}` : "Newest events"}</span>
          {nextBefore ? <Link to={withParams({ before: String(nextBefore) })}>Older events →</Link> : <span />}
        </nav>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
