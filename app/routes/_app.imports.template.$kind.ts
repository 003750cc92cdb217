import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { IMPORT_TEMPLATES } from "~/domain/customers/import-templates";
import { IMPORT_KINDS, type ImportKind } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";

// GET /imports/template/customers (or signals): the CSV template, with a byte-order mark so that
// spreadsheets open it as UTF-8.
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "customers:import");
  const kind = params.kind as ImportKind;
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw json({ message: "There is no such template." }, { status: 404 });
  return new Response(`\ufeff${IMPORT_TEMPLATES[kind]}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${kind}-template.csv"`,
    },
  });
}
