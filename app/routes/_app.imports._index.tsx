import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect, unstable_composeUploadHandlers, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { TableWrap } from "~/components/table-wrap";
import { readCsv, type CsvFile } from "~/domain/customers/csv-read.server";
import { listImports, stageImport } from "~/domain/customers/crm-import.server";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { CUSTOMER_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, SIGNAL_COLUMNS } from "~/domain/customers/import-limits";
import { IMPORT_KIND_LABELS } from "~/domain/customers/import-templates";
import { IMPORT_KINDS, type ImportKind } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { useRootData } from "~/utils/root-data";

export const meta: MetaFunction = () => [{ title: "CRM imports · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "customers:import");
  const page = pageFromUrl(new URL(request.url));
  try {
    return json({ page, ...(await listImports(db, user, { page, pageSize: DEFAULT_PAGE_SIZE })), scope: user.branch?.name ?? null });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    throwAsResponse(error);
  }
}

type UploadErrors = { kind?: string; file?: string; form?: string; values: { kind: string } };

// The upload is streamed: the file part goes straight from the request into the CSV reader, which
// stops at the size and row limits; nothing buffers the whole body first.
export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "customers:import");
  if (!request.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    return json<UploadErrors>({ form: "Choose a CSV file to upload.", values: { kind: "" } }, { status: 400 });
  }
  let file: CsvFile | null = null;
  let fileName = "";
  const fileHandler: UploadHandler = async ({ name, filename, data }) => {
    if (name !== "file" || filename === undefined) return undefined;
    fileName = filename;
    if (!filename) {
      for await (const _chunk of data); // an empty file input: drain it
      return "";
    }
    file = await readCsv(data);
    return filename;
  };
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(request, unstable_composeUploadHandlers(fileHandler, unstable_createMemoryUploadHandler({ maxPartSize: 10_000 })));
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (!isDomainError(error)) throw error;
    return json<UploadErrors>({ file: error.message, values: { kind: "" } }, { status: 400 });
  }
  const kindValue = String(formData.get("kind") ?? "");
  const errors: UploadErrors = { values: { kind: kindValue } };
  if (!(IMPORT_KINDS as readonly string[]).includes(kindValue)) errors.kind = "Choose what the file holds: customers or signals.";
  if (!file || !fileName) errors.file = "Choose a CSV file to upload.";
  if (errors.kind || errors.file) return json(errors, { status: 400 });
  try {
    const id = await stageImport(db, user, { kind: kindValue as ImportKind, fileName, file: file! }, now());
    return redirect(`/imports/${id}`);
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (!isDomainError(error)) throw error;
    return json<UploadErrors>({ file: error.message, values: { kind: kindValue } }, { status: 400 });
  }
}

const STATUS_LABEL = { previewed: "Waiting for confirmation", committed: "Imported", discarded: "Discarded" } as const;

export default function ImportsPage() {
  const { page, rows, hasNext, scope } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  const navigation = useNavigation();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const uploading = navigation.state === "submitting";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>CRM imports</h1>
          <p>{scope ? `Customers and signals of ${scope} branch.` : "Customers and signals of every branch."}</p>
        </div>
      </div>
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload a file</h2>
        <p>
          Export a CSV from the CRM with the columns of the template. Every row is checked first: you see a preview with counts and the rows that cannot be imported, and nothing changes until you
          confirm. Importing the same file again changes nothing. Files up to {IMPORT_MAX_BYTES / 1024 / 1024} MB and {IMPORT_MAX_ROWS.toLocaleString("en-US")} rows.
        </p>
        <p>
          Templates:{" "}
          <a href="/imports/template/customers" download>
            customers template
          </a>{" "}
          ·{" "}
          <a href="/imports/template/signals" download>
            signals template
          </a>
        </p>
        {errors?.form ? (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="form" aria-describedby="upload-title">
          <div className="field">
            <label htmlFor="import-kind">The file holds</label>
            <select
              id="import-kind"
              name="kind"
              defaultValue={errors?.values.kind ?? ""}
              aria-invalid={errors?.kind ? true : undefined}
              aria-describedby={errors?.kind ? "import-kind-error" : undefined}
            >
              <option value="">Choose…</option>
              {IMPORT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {IMPORT_KIND_LABELS[k]}
                </option>
              ))}
            </select>
            {errors?.kind ? (
              <p className="field__error" id="import-kind-error">
                {errors.kind}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="import-file">CSV file</label>
            <input id="import-file" name="file" type="file" accept=".csv,text/csv" aria-invalid={errors?.file ? true : undefined} aria-describedby={errors?.file ? "import-file-error" : undefined} />
            {errors?.file ? (
              <p className="field__error" id="import-file-error">
                {errors.file}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button" aria-disabled={uploading || undefined}>
            {uploading ? "Checking the file…" : "Check the file"}
          </button>
        </Form>
        <details>
          <summary>Columns</summary>
          <p>
            <strong>Customers:</strong> <code>{CUSTOMER_COLUMNS.join(", ")}</code>. Required: crm_ref, name, branch_code, customer_since (YYYY-MM-DD). segment is retail, premier, business or private;
            birthday is MM-DD; do_not_contact is yes or no, with a reason when yes.
          </p>
          <p>
            <strong>Signals:</strong> <code>{SIGNAL_COLUMNS.join(", ")}</code>. Required: crm_ref, kind, date (YYYY-MM-DD). source is crm or survey; severity 1–3 or low, medium, high; note at most 500
            characters. signal_ref is the CRM's id of the event: give it when the CRM has one.
          </p>
        </details>
      </section>
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">Import history</h2>
        {rows.length === 0 ? (
          <p className="empty-state">No file was imported yet. Upload the CRM's export above.</p>
        ) : (
          <TableWrap label="Import history table">
            <table>
              <caption className="visually-hidden">Import history, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">File</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col" className="num">
                    Errors
                  </th>
                  <th scope="col" className="num">
                    New
                  </th>
                  <th scope="col" className="num">
                    Updated
                  </th>
                  <th scope="col" className="num">
                    Unchanged
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td>
                      <Link to={`/imports/${row.id}`}>{formatDateTime(row.createdAt, timeZone)}</Link>
                    </td>
                    <td>{row.uploaderName}</td>
                    <td>{row.fileName}</td>
                    <td>{IMPORT_KIND_LABELS[row.kind]}</td>
                    <td>
                      <Badge tone={row.status === "committed" ? "success" : row.status === "previewed" ? "warning" : "neutral"}>{STATUS_LABEL[row.status]}</Badge>
                    </td>
                    <td className="num">{row.totalRows}</td>
                    <td className="num">{row.errorRows}</td>
                    <td className="num">{row.createdCount ?? "—"}</td>
                    <td className="num">{row.updatedCount ?? "—"}</td>
                    <td className="num">{row.unchangedCount ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pagination page={page} pageSize={DEFAULT_PAGE_SIZE} hasNext={hasNext} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
