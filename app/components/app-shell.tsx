import { Form, Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { can, type Permission, type Role, ROLE_HOME, ROLE_LABELS } from "~/domain/permissions";

export type ShellUser = {
  name: string;
  email: string;
  role: Role;
  branchName: string | null;
  /** Signed in with a one-time password: every page but the change-password page is closed. */
  mustChangePassword?: boolean;
};

type NavItem = { to: string; label: string; permission: Permission };

// Each later page adds its entry here, guarded by the same permission its loader requires.
const NAV_ITEMS: readonly NavItem[] = [
  { to: "/branch", label: "My branch", permission: "branch:view" },
  { to: "/customers", label: "Customers", permission: "customers:view" },
  { to: "/finance", label: "Finance", permission: "reports:all" },
  { to: "/pools", label: "Budgets", permission: "budgets:manage" },
  { to: "/admin", label: "Administration", permission: "users:manage" },
  { to: "/imports", label: "Imports", permission: "customers:import" },
  { to: "/erasure", label: "Erasure", permission: "customers:erase" },
  { to: "/api-keys", label: "API keys", permission: "settings:manage" },
  { to: "/audit", label: "Audit log", permission: "audit:view" },
];

export function navItemsFor(role: Role): readonly NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}

export function AppShell({ user, organisationName, children }: { user: ShellUser; organisationName: string; children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <a className="app-brand" href={ROLE_HOME[user.role]}>
            Empathy Fund
          </a>
          <nav className="app-nav" aria-label="Main">
            <ul>
              {(user.mustChangePassword ? [] : navItemsFor(user.role)).map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} prefetch="intent">
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="app-user">
            <div className="app-user__who">
              <span>
                <strong>{user.name}</strong>
              </span>
              <span className="app-user__role">
                {ROLE_LABELS[user.role]}
                {user.branchName ? ` · ${user.branchName}` : ` · ${organisationName}`}
              </span>
            </div>
            <Link className="app-user__link" to="/account/password">
              Change password
            </Link>
            <Link className="app-user__link" to="/account/security">
              Two-step sign-in
            </Link>
            <Form method="post" action="/logout">
              <button type="submit" className="button button--quiet">
                Sign out
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer">Empathy Fund · {organisationName}</footer>
    </>
  );
}
