import { json } from "@remix-run/node";
import { db, sqliteOf } from "~/utils/db.server";

// Public by design: a load balancer asks whether the app and its database answer. Says nothing else.
export async function loader() {
  try {
    sqliteOf(db).prepare("select 1").get();
    return json({ status: "ok" });
  } catch {
    return json({ status: "unavailable" }, { status: 503 });
  }
}
