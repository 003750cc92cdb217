import { describe, expect, it } from "vitest";
import { ROLES } from "../../../db/schema";
import { navItemsFor } from "~/components/app-shell";
import { can, PERMISSIONS, ROLE_HOME, ROLE_PERMISSIONS } from "~/domain/core/permissions";

describe("permissions", () => {
  it("admins move no money and approve nothing", () => {
    for (const permission of ["gestures:approve", "gestures:approve-finance", "budgets:manage", "gestures:propose"] as const) {
      expect(can("admin", permission)).toBe(false);
    }
  });

  it("finance never sees branch customer context, only reports and money", () => {
    expect(can("finance", "customers:view")).toBe(false);
    expect(can("finance", "reports:all")).toBe(true);
    expect(can("finance", "budgets:manage")).toBe(true);
  });

  it("staff cannot approve; managers can", () => {
    expect(can("staff", "gestures:approve")).toBe(false);
    expect(can("manager", "gestures:approve")).toBe(true);
  });

  it("every permission granted is part of the vocabulary, and every role has a home it may open", () => {
    for (const role of ROLES) {
      for (const permission of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(permission);
      const home = ROLE_HOME[role];
      expect(navItemsFor(role).some((item) => item.to === home)).toBe(true);
    }
  });

  it("every role reads the published stories; only managers review them; finance and admins write none", () => {
    for (const role of ROLES) expect(can(role, "stories:read")).toBe(true);
    expect(ROLES.filter((role) => can(role, "stories:review"))).toEqual(["manager"]);
    expect(ROLES.filter((role) => can(role, "stories:write"))).toEqual(["staff", "manager"]);
  });

  it("navigation shows only what the role may open", () => {
    expect(navItemsFor("staff").map((i) => i.label)).toEqual(["My branch", "Customers", "My proposals", "Spend", "Stories"]);
    expect(navItemsFor("manager").map((i) => i.label)).toEqual(["My branch", "Customers", "My proposals", "Approvals", "Spend", "Reports", "Fairness", "Exports", "Imports", "Stories"]);
    expect(navItemsFor("finance").map((i) => i.label)).toEqual(["Approvals", "Finance", "Reports", "Budgets", "Fairness", "Patterns", "Exports", "Audit log", "Stories"]);
    expect(navItemsFor("admin").map((i) => i.label)).toEqual(["Administration", "Imports", "Erasure", "API keys", "Audit log", "Stories"]);
  });
});
