import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useRouteLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ToastMessage } from "~/components/toast";
import { unreadCount } from "~/domain/notifications/notifications.server";
import { useRootData } from "~/utils/root-data";
import { requireUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";

// The signed-in area. Each child route still guards itself: this check only sends visitors to
// sign-in (and lets the change-password page through for a user who must choose a new password).
// It also counts the user's unread notifications for the header badge (one indexed read).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { allowPasswordChangePending: true });
  return json({ unreadNotifications: user.mustChangePassword ? null : await unreadCount(db, user.id) });
}

// The badge should be current on every page, not only after a form post: the loader is one
// indexed count, so it runs again on each navigation.
export const shouldRevalidate = () => true;

function Shell({ children }: { children: React.ReactNode }) {
  const root = useRootData();
  const data = useRouteLoaderData<typeof loader>("routes/_app");
  if (!root?.user)
    return (
      <main id="main" className="app-main">
        {children}
      </main>
    );
  return (
    <AppShell user={root.user} organisationName={root.organisation.name} unreadNotifications={data?.unreadNotifications ?? null}>
      <ToastMessage toast={root.toast} />
      {children}
    </AppShell>
  );
}

export default function AppLayout() {
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  return (
    <Shell>
      <GeneralErrorBoundary />
    </Shell>
  );
}
