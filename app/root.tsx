import "~/utils/zod-config";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import type { ReactNode } from "react";
import { AppShell } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useNonce } from "~/components/nonce";
import { getOrganisation } from "~/domain/core/organisation.server";
import { getUser } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { useRootData } from "~/utils/root-data";
import { readToast } from "~/utils/toast.server";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.ico", sizes: "any" },
];

export const meta: MetaFunction = () => [{ title: "Empathy Fund" }];

// Public: the root only reports who is signed in (if anyone). Pages guard themselves.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const { toast, clearHeader } = await readToast(request);
  const org = await getOrganisation(db);
  return json(
    {
      user: user
        ? {
            name: user.name,
            email: user.email,
            role: user.role,
            branchName: user.branch?.name ?? null,
            mustChangePassword: user.mustChangePassword,
          }
        : null,
      organisation: { name: org.name, currency: org.currency, timeZone: org.timeZone },
      toast,
    },
    clearHeader ? { headers: { "Set-Cookie": clearHeader } } : undefined,
  );
}

function Document({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  return <Document>{children}</Document>;
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const data = useRootData();
  if (data?.user) {
    return (
      <AppShell user={data.user} organisationName={data.organisation.name}>
        <GeneralErrorBoundary />
      </AppShell>
    );
  }
  return (
    <main id="main" className="app-main">
      <GeneralErrorBoundary />
    </main>
  );
}
