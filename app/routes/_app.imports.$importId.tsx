import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TableWrap } from "~/components/table-wrap";
import { assertImportAccess, commitImport, discardImport, getImport } from "~/domain/customers/crm-import.server";
import { ImportDecisionSchema } from "~/domain/customers/customer-schemas";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { IMPORT_MAX_REPORTED_ERRORS } from "~/domain/customers/import-limits";
import { IMPORT_KIND_LABELS } from "~/domain/customers/import-templates";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Import preview · Empathy Fund" }];

function importIdFrom(params: { importId?: string }) {
  const id = Number(params.importId);
  if (!Number.isInteger(id) || id < 1) throw json({ message: "There is no such import." }, { status: 404 });
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "customers:import");
  try {
    return json(await getImport(db, user, importIdFrom(params)));
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "customers:import");
  const importId = importIdFrom(params);
  const formData = await request.formData();
  try {
    await assertImportAccess(db, user, importId);
    // The intent alone: a form with any other field, or the intent twice, is refused.
    const submission = parseWithZod(formData, { schema: ImportDecisionSchema });
    if (submission.status !== "success") return json({ message: "Choose to import or to discard." }, { status: 400 });
    if (submission.value.intent === "commit") {
      const counts = await commitImport(db, user, { importId }, now());
      return await redirectWithToast(`/imports/${importId}`, {
        kind: "success",
        message: `Imported: ${counts.create} new, ${counts.update} updated, ${counts.unchanged} unchanged.`,
      });
    }
    await discardImport(db, user, { importId }, now());
    return await redirectWithToast("/imports", { kind: "info", message: "Import discarded. Nothing was changed." });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (!isDomainError(error)) throw error;
    return json({ message: error.message }, { status: error.code === "NOT_FOUND" ? 404 : 409 });
  }
}

export default function ImportPreview() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const previewed = data.status === "previewed";
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to="/imports">← Imports</Link>
          </p>
          <h1>
            {IMPORT_KIND_LABELS[data.kind]} file “{data.fileName}”
          </h1>
          <p>
            Uploaded by {data.uploaderName} on {formatDateTime(data.createdAt, timeZone)} · read as {data.encoding}
          </p>
        </div>
      </div>
      {actionData && "message" in actionData ? (
        <p className="form-error" role="alert">
          {actionData.message}
        </p>
      ) : null}
      <section className="card" aria-labelledby="counts-title">
        <h2 id="counts-title">{previewed ? "Preview" : data.status === "committed" ? "Imported" : "Discarded"}</h2>
        <div className="grid counts">
          <Stat label="Rows in the file" value={data.totalRows} />
          <Stat label="Valid rows" value={data.validRows} />
          <Stat label="Rows with errors" value={data.errorRows} />
          {data.projected ? (
            <>
              <Stat label="Would be new" value={data.projected.create} />
              <Stat label="Would be updated" value={data.projected.update} />
              <Stat label="Already up to date" value={data.projected.unchanged} />
            </>
          ) : data.status === "committed" ? (
            <>
              <Stat label="New" value={data.createdCount ?? 0} />
              <Stat label="Updated" value={data.updatedCount ?? 0} />
              <Stat label="Unchanged" value={data.unchangedCount ?? 0} />
            </>
          ) : null}
        </div>
        {previewed ? (
          <>
            <p>
              {data.validRows === 0
                ? "No row can be imported. Correct the file and upload it again."
                : `Importing writes the ${data.validRows} valid row${
                    data.validRows === 1 ? "" : "s"
                  } in one step. Rows with errors are left out; correct them and upload the file again (rows already imported stay unchanged).`}
            </p>
            <div className="actions">
              {data.validRows > 0 ? (
                <Form method="post">
                  <button type="submit" name="intent" value="commit" className="button">
                    {`Import ${data.validRows} row${data.validRows === 1 ? "" : "s"}`}
                  </button>
                </Form>
              ) : null}
              <Form method="post">
                <button type="submit" name="intent" value="discard" className="button button--secondary">
                  Discard
                </button>
              </Form>
            </div>
          </>
        ) : data.committedAt ? (
          <p>Committed on {formatDateTime(data.committedAt, timeZone)}.</p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="errors-title">
        <h2 id="errors-title">Rows that cannot be imported</h2>
        {data.errors.length === 0 ? (
          <p className="empty-state">Every row is valid.</p>
        ) : (
          <>
            {data.errors.length >= IMPORT_MAX_REPORTED_ERRORS ? <p className="muted">The first {IMPORT_MAX_REPORTED_ERRORS} problems are listed.</p> : null}
            <TableWrap label="Row errors table">
              <table>
                <caption className="visually-hidden">Rows that cannot be imported</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Row
                    </th>
                    <th scope="col" className="num">
                      Ends on line
                    </th>
                    <th scope="col">Column</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {data.errors.map((error, index) => (
                    <tr key={index}>
                      <td className="num">{error.row}</td>
                      <td className="num">{error.line}</td>
                      <td className="mono">{error.field ?? "—"}</td>
                      <td>{error.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>
      {data.status !== "committed" ? null : (
        <p>
          <Badge tone="success">Done</Badge> <Link to="/imports">Back to the import history</Link>
        </p>
      )}
    </>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <div className="stat__label">{label}</div>
      <div className="stat__value">{value.toLocaleString("en-US")}</div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
