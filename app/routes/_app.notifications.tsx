import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { NOTIFICATION_KIND_LABELS, NOTIFICATIONS_PAGE_SIZE, NotificationActionSchema } from "~/domain/notifications/notification-schemas";
import { listNotifications, markAllNotificationsRead, markNotificationRead } from "~/domain/notifications/notifications.server";
import { requireUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { pageFromUrl } from "~/utils/pagination";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Empathy Fund" }];

// Every signed-in user reads their own notifications; nothing here reaches anyone else's.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const page = pageFromUrl(new URL(request.url));
  return json({ page, ...(await listNotifications(db, user.id, { page })) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const back = `/notifications${url.searchParams.get("page") ? `?page=${pageFromUrl(url)}` : ""}`;
  const parsed = NotificationActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: parsed.error.issues[0]?.message ?? "Reload the page and try again." }, { status: 400 });
  try {
    if (parsed.data.intent === "read") {
      await markNotificationRead(db, user.id, parsed.data.notificationId, now());
      return await redirectWithToast(back, { kind: "success", message: "Marked as read." });
    }
    const changed = await markAllNotificationsRead(db, user.id, { upToId: parsed.data.upToId }, now());
    return await redirectWithToast(back, {
      kind: "success",
      message: changed === 0 ? "Nothing was left unread." : `Marked ${changed} notification${changed === 1 ? "" : "s"} as read.`,
    });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (!isDomainError(error)) throw error;
    return json({ error: error.message }, { status: error.code === "NOT_FOUND" ? 404 : 409 });
  }
}

function linkText(href: string): string {
  const gesture = /^\/gestures\/(\d+)$/.exec(href);
  if (gesture) return `Open proposal #${gesture[1]}`;
  if (href === "/stories/review") return "Open the stories to review";
  if (href.startsWith("/stories")) return "Open your stories";
  if (href.startsWith("/pools/")) return "Open the budget pool";
  return href === "/approvals" ? "Open the approval queue" : "Open";
}

export default function NotificationsPage() {
  const { page, rows, hasNext, total, latestId, unread } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Notifications</h1>
          <p>{unread === 0 ? "Everything is read." : `${unread >= 100 ? "99+" : unread} unread.`} Each notification is also sent to you by e-mail.</p>
        </div>
        {unread > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="read-all" />
            <input type="hidden" name="upToId" value={latestId} />
            <button type="submit" className="button button--secondary" disabled={busy}>
              Mark all as read
            </button>
          </Form>
        ) : null}
      </div>
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <section className="card" aria-labelledby="notifications-title">
        <h2 id="notifications-title" className="visually-hidden">
          Your notifications, newest first
        </h2>
        {rows.length === 0 ? (
          <p className="empty-state">
            {page > 1 ? (
              <>
                There is nothing on this page. <Link to="/notifications">Go to the newest notifications</Link>.
              </>
            ) : (
              "No notifications yet. You will be told here when a proposal needs your decision, when one of yours is decided, and when something has waited too long."
            )}
          </p>
        ) : (
          <ul className="notification-list">
            {rows.map((row) => {
              const messageId = `notification-${row.id}-message`;
              return (
                <li key={row.id} className={row.readAt ? "notification" : "notification notification--unread"}>
                  <div className="notification__main">
                    <p className="notification__message" id={messageId}>
                      {row.message}
                    </p>
                    <p className="notification__meta">
                      {row.readAt ? null : (
                        <>
                          <Badge tone="info">Unread</Badge>{" "}
                        </>
                      )}
                      <Badge>{NOTIFICATION_KIND_LABELS[row.kind]}</Badge> · {formatDateTime(row.createdAt, timeZone)} ·{" "}
                      <Link to={row.href} aria-describedby={messageId}>
                        {linkText(row.href)}
                      </Link>
                    </p>
                  </div>
                  {row.readAt ? null : (
                    <Form method="post" className="notification__actions">
                      <input type="hidden" name="intent" value="read" />
                      <input type="hidden" name="notificationId" value={row.id} />
                      <button type="submit" className="button button--secondary" aria-describedby={messageId} disabled={busy}>
                        Mark as read
                      </button>
                    </Form>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {total > NOTIFICATIONS_PAGE_SIZE || page > 1 ? <Pagination page={page} hasNext={hasNext} total={total} pageSize={NOTIFICATIONS_PAGE_SIZE} /> : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
