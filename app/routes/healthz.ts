import { json } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { db } from "~/utils/db.server";
import { queryRow } from "~/utils/query.server";

// Public by design: a load balancer asks whether the app and its database answer. Says nothing else.
export async function loader() {
  try {
    await queryRow(db, sql`select 1`);
    return json({ status: "ok" });
  } catch {
    return json({ status: "unavailable" }, { status: 503 });
  }
}
