import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ROLE_HOME } from "~/domain/core/permissions";
import { getUser } from "~/utils/auth.server";

// Each role lands on its own home page; visitors go to sign-in.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  throw redirect(user ? ROLE_HOME[user.role] : "/login");
}
