import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { can, type Permission, type Role, ROLE_HOME, ROLE_LABELS } from "~/domain/core/permissions";

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
  { to: "/gestures", label: "My proposals", permission: "gestures:propose" },
  { to: "/approvals", label: "Approvals", permission: "gestures:approve" },
  { to: "/approvals", label: "Approvals", permission: "gestures:approve-finance" },
  { to: "/spend", label: "Spend", permission: "branch:view" },
  { to: "/reports", label: "Reports", permission: "reports:branch" },
  { to: "/finance", label: "Finance", permission: "reports:all" },
  { to: "/reports", label: "Reports", permission: "reports:all" },
  { to: "/pools", label: "Budgets", permission: "budgets:manage" },
  { to: "/finance/fairness", label: "Fairness", permission: "reports:all" },
  { to: "/finance/fairness", label: "Fairness", permission: "reports:branch" },
  { to: "/finance/flags", label: "Patterns", permission: "reports:all" },
  { to: "/finance/exports", label: "Exports", permission: "exports:download" },
  { to: "/finance/exports", label: "Exports", permission: "reports:branch" },
  { to: "/admin", label: "Administration", permission: "users:manage" },
  { to: "/imports", label: "Imports", permission: "customers:import" },
  { to: "/erasure", label: "Erasure", permission: "customers:erase" },
  { to: "/api-keys", label: "API keys", permission: "settings:manage" },
  { to: "/audit", label: "Audit log", permission: "audit:view" },
  { to: "/stories", label: "Stories", permission: "stories:read" },
];

export function navItemsFor(role: Role): readonly NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}

/** Above this the badge shows "99+" (the count itself is capped where it is read). */
const BADGE_MAX = 99;

/** The header link to the notifications, with the unread count as a badge and in its accessible name. */
export function NotificationsLink({ unread, className = "app-user__link" }: { unread: number | null; className?: string }) {
  const count = unread ?? 0;
  const shown = count > BADGE_MAX ? `${BADGE_MAX}+` : String(count);
  return (
    <NavLink
      className={`${className} notifications-link`}
      to="/notifications"
      prefetch="intent"
      aria-label={count > 0 ? `Notifications, ${shown} unread` : undefined}
    >
      Notifications
      {count > 0 ? (
        <span className="notifications-link__count" aria-hidden="true">
          {shown}
        </span>
      ) : null}
    </NavLink>
  );
}

/** The main navigation's links, in the bar (tablet and wider) and in the phone's menu alike. */
function NavList({ user }: { user: ShellUser }) {
  return (
    <ul>
      {(user.mustChangePassword ? [] : navItemsFor(user.role)).map((item) => (
        <li key={item.to}>
          {/* "/finance" is not current on "/finance/flags", which has its own entry. */}
          <NavLink to={item.to} prefetch="intent" end={NAV_ITEMS.some((other) => other.to.startsWith(`${item.to}/`))}>
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

function WhoIsSignedIn({ user, organisationName }: { user: ShellUser; organisationName: string }) {
  return (
    <div className="app-user__who">
      <span>
        <strong>{user.name}</strong>
      </span>
      <span className="app-user__role">
        {ROLE_LABELS[user.role]}
        {user.branchName ? ` · ${user.branchName}` : ` · ${organisationName}`}
      </span>
    </div>
  );
}

function AccountActions() {
  return (
    <>
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
    </>
  );
}

/**
 * The header has two forms, and CSS shows one: on a tablet or wider (48rem and up) the navigation
 * bar and the account links; on a phone the brand, the notifications and a "Menu" disclosure that
 * holds the same navigation and account links. A <details> opens without JavaScript; the hidden
 * form is display:none, so neither screen readers nor the tab order meet the links twice.
 */
export function AppShell({
  user,
  organisationName,
  unreadNotifications = null,
  children,
}: {
  user: ShellUser;
  organisationName: string;
  /** Unread notifications for the header badge; null when unknown (error pages) or not shown. */
  unreadNotifications?: number | null;
  children: ReactNode;
}) {
  // A new key per navigation closes the phone's menu once a link in it has been followed (without
  // JavaScript every page load starts with it closed anyway).
  const location = useLocation();
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
          <nav className="app-nav app-nav--bar" aria-label="Main">
            <NavList user={user} />
          </nav>
          <div className="app-user app-user--bar">
            <WhoIsSignedIn user={user} organisationName={organisationName} />
            {user.mustChangePassword ? null : <NotificationsLink unread={unreadNotifications} />}
            <AccountActions />
          </div>
          <div className="app-header__phone">
            {user.mustChangePassword ? null : <NotificationsLink unread={unreadNotifications} className="app-header__link" />}
            <details className="app-menu" key={location.key}>
              <summary className="app-menu__toggle">Menu</summary>
              <div className="app-menu__panel">
                <nav className="app-nav app-nav--menu" aria-label="Main">
                  <NavList user={user} />
                </nav>
                <div className="app-menu__account">
                  <WhoIsSignedIn user={user} organisationName={organisationName} />
                  <AccountActions />
                </div>
              </div>
            </details>
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
