import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TableWrap } from "~/components/table-wrap";
import { createApiKey, listApiKeys, revokeApiKey } from "~/domain/customers/api-keys.server";
import { API_KEY_NAME_MAX, ApiKeyFormSchema } from "~/domain/customers/customer-schemas";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "API keys · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings:manage");
  return json({ keys: await listApiKeys(db, user) });
}

type ActionData = { created?: { name: string; key: string }; error?: string; field?: "name"; values?: { name: string } };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "settings:manage");
  const formData = await request.formData();
  const parsed = ApiKeyFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return json<ActionData>({ error: issue.message, field: issue.path[0] === "name" ? "name" : undefined, values: { name: String(formData.get("name") ?? "") } }, { status: 400 });
  }
  try {
    if (parsed.data.intent === "create") {
      const { key } = await createApiKey(db, user, { name: parsed.data.name }, now());
      // Shown once, in this response only: never stored, never put in a redirect or a cookie.
      return json<ActionData>({ created: { name: parsed.data.name, key } });
    }
    await revokeApiKey(db, user, { keyId: parsed.data.keyId }, now());
    return await redirectWithToast("/api-keys", { kind: "success", message: "Key revoked. Requests with it are refused from now on." });
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (!isDomainError(error)) throw error;
    return json<ActionData>({ error: error.message }, { status: 409 });
  }
}

export default function ApiKeysPage() {
  const { keys } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() as ActionData | undefined;
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>API keys</h1>
          <p>Keys let a CRM push signals to POST /api/signals.</p>
        </div>
      </div>
      {data?.created ? (
        <section className="card banner--warning" aria-labelledby="new-key-title" role="status">
          <h2 id="new-key-title">Key “{data.created.name}” created</h2>
          <p>Copy it now into the CRM's configuration. It is shown only this once; only a fingerprint of it is kept.</p>
          <p>
            <code className="secret">{data.created.key}</code>
          </p>
        </section>
      ) : null}
      {data?.error && !data.field ? (
        <p className="form-error" role="alert">
          {data.error}
        </p>
      ) : null}
      <section className="card" aria-labelledby="create-title">
        <h2 id="create-title">Create a key</h2>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="create" />
          <div className="field">
            <label htmlFor="key-name">What the key is for</label>
            <input
              id="key-name"
              name="name"
              required
              maxLength={API_KEY_NAME_MAX}
              defaultValue={data?.values?.name ?? ""}
              aria-invalid={data?.field === "name" ? true : undefined}
              aria-describedby={data?.field === "name" ? "key-name-error" : "key-name-hint"}
            />
            <p className="field__hint" id="key-name-hint">
              For example “Salesforce nightly sync”.
            </p>
            {data?.field === "name" ? (
              <p className="field__error" id="key-name-error">
                {data.error}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button">
            Create key
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        {keys.length === 0 ? (
          <p className="empty-state">No key exists yet. Create one above for each system that pushes signals.</p>
        ) : (
          <TableWrap label="API keys table">
            <table>
              <caption className="visually-hidden">API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Starts with</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td className="mono">{key.prefix}…</td>
                    <td>
                      {formatDateTime(key.createdAt, timeZone)} by {key.createdByName}
                    </td>
                    <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt, timeZone) : "Never"}</td>
                    <td>{key.revokedAt ? <Badge>Revoked {formatDateTime(key.revokedAt, timeZone)}</Badge> : <Badge tone="success">Active</Badge>}</td>
                    <td>
                      {key.revokedAt ? null : (
                        <details>
                          <summary>Revoke</summary>
                          <Form method="post" className="form">
                            <input type="hidden" name="intent" value="revoke" />
                            <input type="hidden" name="keyId" value={key.id} />
                            <p>Requests with this key will be refused at once. This cannot be undone.</p>
                            <button type="submit" className="button button--danger">
                              Revoke “{key.name}”
                            </button>
                          </Form>
                        </details>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
