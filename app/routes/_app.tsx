import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { AppShell } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ToastMessage } from "~/components/toast";
import { useRootData } from "~/utils/root-data";
import { requireUser } from "~/utils/auth.server";

// The signed-in area. Each child route still guards itself: this check only sends visitors to
// sign-in (and lets the change-password page through for a user who must choose a new password).
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { allowPasswordChangePending: true });
  return json(null);
}

function Shell({ children }: { children: React.ReactNode }) {
  const root = useRootData();
  if (!root?.user) return <main id="main" className="app-main">{children}</main>;
  return (
    <AppShell user={root.user} organisationName={root.organisation.name}>
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
