import { useRouteLoaderData } from "@remix-run/react";
import { can, type Permission } from "~/domain/core/permissions";
import type { loader } from "~/root";

/** The root loader's data (signed-in user, organisation, toast) from any route or boundary. */
export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

/**
 * Whether the signed-in user's role has a permission, from the same map the server's guards read,
 * so a page offers a link only when its target would open (as the navigation does).
 */
export function useCan(): (permission: Permission) => boolean {
  const role = useRootData()?.user?.role;
  return (permission) => role !== undefined && can(role, permission);
}
