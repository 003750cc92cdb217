import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { authenticateApiKey } from "~/domain/customers/api-keys.server";
import { ingestSignals, takeRateLimit } from "~/domain/customers/signal-api.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";

// POST /api/signals for CRMs: `Authorization: Bearer ef_…`, a JSON body with one signal, an array,
// or { "signals": [...] }. Answers JSON, errors included.
export async function loader(_args: LoaderFunctionArgs) {
  return json({ error: "method_not_allowed", message: "Send signals with POST." }, { status: 405, headers: { Allow: "POST" } });
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "method_not_allowed", message: "Send signals with POST." }, { status: 405, headers: { Allow: "POST" } });
  const header = request.headers.get("Authorization") ?? "";
  const presented = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  const key = presented ? await authenticateApiKey(db, presented) : null;
  if (!key) {
    return json(
      { error: "unauthorized", message: "Send a valid API key as `Authorization: Bearer <key>`. An administrator creates keys on the API keys page." },
      { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="signals"' } },
    );
  }
  const at = now();
  const limit = await takeRateLimit(db, key.id, at);
  if (!limit.allowed) {
    return json(
      { error: "rate_limited", message: `Too many requests for this key. Try again in ${limit.retryAfterSeconds} seconds.` },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }
  if (!request.headers.get("Content-Type")?.includes("application/json")) {
    return json({ error: "unsupported_media_type", message: "Send the body as JSON with `Content-Type: application/json`." }, { status: 415 });
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return json({ error: "invalid_json", message: "The body is not valid JSON." }, { status: 400 });
  }
  const result = await ingestSignals(db, key, body, at);
  if (!result.ok) return json({ error: result.error, message: result.message, errors: result.errors ?? [] }, { status: result.status });
  return json({ created: result.created, unchanged: result.unchanged }, { status: result.created > 0 ? 201 : 200 });
}
