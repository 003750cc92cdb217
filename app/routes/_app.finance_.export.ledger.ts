import type { LoaderFunctionArgs } from "@remix-run/node";
import { financeExportResponse } from "~/utils/reports.server";

// Ledger entries written in a period as CSV, streamed (app/utils/reports.server.ts).
export async function loader({ request, context }: LoaderFunctionArgs) {
  return await financeExportResponse(request, context, "ledger");
}
