// The one permission vocabulary. Server guards (app/utils/auth.server.ts) and the UI (navigation,
// buttons) read the same map, so the UI only ever hides what the server refuses.
import type { Role } from "../../../db/schema";

export type { Role };

export const PERMISSIONS = [
  "branch:view", // see own branch home, customers and pool balance
  "customers:view",
  "gestures:propose",
  "gestures:approve", // branch manager approval (never their own proposal)
  "gestures:approve-finance", // second approval above the threshold
  "gestures:delegate", // name a delegate for one's approvals while away (managers)
  "customers:import",
  "customers:erase", // right to erasure (admin)
  "reports:branch",
  "reports:all",
  "budgets:manage", // allocate, adjust, close periods
  "exports:download",
  "audit:view",
  "users:manage",
  "branches:manage",
  "catalogue:manage",
  "policy:manage",
  "settings:manage",
  "stories:read", // read published stories (everyone signed in)
  "stories:write", // write a story of one's own gesture after a positive response
  "stories:review", // publish, return or decline the stories of one's branch (managers)
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  staff: ["branch:view", "customers:view", "gestures:propose", "stories:read", "stories:write"],
  manager: [
    "branch:view",
    "customers:view",
    "gestures:propose",
    "gestures:approve",
    "gestures:delegate",
    "customers:import",
    "reports:branch",
    "stories:read",
    "stories:write",
    "stories:review",
  ],
  finance: [
    "gestures:approve-finance",
    "reports:all",
    "budgets:manage",
    "exports:download",
    "audit:view",
    "stories:read",
  ],
  admin: [
    "customers:import",
    "customers:erase",
    "audit:view",
    "users:manage",
    "branches:manage",
    "catalogue:manage",
    "policy:manage",
    "settings:manage",
    "stories:read",
  ],
};

export const ROLE_LABELS: Record<Role, string> = {
  staff: "Staff",
  manager: "Branch manager",
  finance: "Finance",
  admin: "Administrator",
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Where each role lands after signing in. */
export const ROLE_HOME: Record<Role, string> = {
  staff: "/branch",
  manager: "/branch",
  finance: "/finance",
  admin: "/admin",
};
