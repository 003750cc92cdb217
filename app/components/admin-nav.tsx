import { Link } from "@remix-run/react";

export type AdminSection = "users" | "branches" | "catalogue" | "policy" | "settings";

const SECTIONS: readonly { key: AdminSection; to: string; label: string }[] = [
  { key: "users", to: "/admin", label: "Users" },
  { key: "branches", to: "/admin/branches", label: "Branches" },
  { key: "catalogue", to: "/admin/catalogue", label: "Gesture catalogue" },
  { key: "policy", to: "/admin/policy", label: "Policy" },
  { key: "settings", to: "/admin/settings", label: "Organisation settings" },
];

/** The sub-navigation of the administration pages; `current` marks the section the page belongs to. */
export function AdminNav({ current }: { current: AdminSection }) {
  return (
    <nav className="admin-nav" aria-label="Administration">
      <ul>
        {SECTIONS.map((section) => (
          <li key={section.key}>
            <Link to={section.to} aria-current={section.key === current ? "page" : undefined}>
              {section.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
