import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "~/root";

/** The root loader's data (signed-in user, organisation, toast) from any route or boundary. */
export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}
