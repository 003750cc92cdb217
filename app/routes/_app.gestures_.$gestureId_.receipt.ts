import type { LoaderFunctionArgs } from "@remix-run/node";
import { latestReceipt } from "~/domain/gestures/fulfilment.server";
import { authorizeGestureView } from "~/domain/gestures/gesture-queries.server";
import { openReceipt } from "~/domain/gestures/receipts.server";
import { requireUser } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";

// A gesture's receipt, to whoever may see the gesture (viewGesture's rules: its branch, its
// approvers, finance, who tracks every cent; never admin, never another branch). Served with the
// type it was found to be by content, never sniffed, never cached.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const gestureId = Number(params.gestureId);
  if (!Number.isSafeInteger(gestureId) || gestureId < 1) throw new Response("This receipt does not exist, or it is not yours to see.", { status: 404 });
  try {
    await authorizeGestureView(db, user, gestureId, now());
  } catch (error) {
    throwAsResponse(error);
  }
  const receipt = await latestReceipt(db, gestureId);
  const file = receipt ? await openReceipt(db, receipt.id) : null;
  if (!receipt || !file) throw new Response("This gesture has no receipt on file.", { status: 404 });
  const inline = new URL(request.url).searchParams.get("inline") === "1";
  return new Response(new Uint8Array(file), {
    headers: {
      "Content-Type": receipt.mediaType,
      "Content-Length": String(file.byteLength),
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename="${receipt.originalName.replace(/"/g, "")}"`,
      "Cache-Control": "private, no-store",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}
