import { NavLink } from "@remix-run/react";

const SECTIONS = [
  { to: "/admin", label: "Users", end: true },
  { to: "/admin/branches", label: "Branches", end: false },
  { to: "/admin/settings", label: "Organisation settings", end: false },
] as const;

/** The sub-navigation of the administration pages (all of them need the admin role). */
export function AdminNav({ current }: { current?: "users" | "branches" | "settings" }) {
  return (
    <nav className="admin-nav" aria-label="Administration">
      <ul>
        {SECTIONS.map((section) => (
          <li key={section.to}>
            <NavLink
              to={section.to}
              end={section.end}
              // Detail pages of users sit under /admin/users: mark Users as the current section there.
              aria-current={current && section.label.toLowerCase().startsWith(current) ? "page" : undefined}
            >
              {section.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
