import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors } from "~/components/forms";
import { SelectField } from "~/components/select-field";
import { UpdateUserSchema, UserStatusSchema } from "~/domain/administration/admin-schemas";
import { listActiveBranches } from "~/domain/administration/branches.server";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { ROLE_LABELS } from "~/domain/core/permissions";
import { hasSecondFactor, resetSecondFactor } from "~/domain/identity/second-factor.server";
import { deactivateUser, getUserForAdmin, reactivateUser, resetPasswordWithOneTimePassword, updateUser } from "~/domain/administration/users.server";
import { ROLES } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, notFound } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.user.name ?? "User"} · Administration · Empathy Fund` }];

function userIdFrom(params: { userId?: string }): number {
  const id = Number(params.userId);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound("This user does not exist.");
  return id;
}

async function loadUser(userId: number) {
  try {
    return await getUserForAdmin(db, userId);
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requirePermission(request, "users:manage");
  const user = await loadUser(userIdFrom(params));
  // A branch that was deactivated after the user joined it stays selectable for that user.
  const branches = await listActiveBranches(db);
  if (user.branchId && !branches.some((b) => b.id === user.branchId)) {
    branches.push({ id: user.branchId, code: "", name: `${user.branchName ?? "Current branch"} (deactivated)` });
  }
  return json({ user, branches, isSelf: user.id === actor.id, hasSecondFactor: await hasSecondFactor(db, user.id) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "users:manage");
  const userId = userIdFrom(params);
  const formData = await request.formData();
  const path = `/admin/users/${userId}`;
  if (formData.get("intent") === "update") {
    const submission = parseWithZod(formData, { schema: UpdateUserSchema });
    if (submission.status !== "success") return json(submission.reply(), { status: 400 });
    try {
      await updateUser(db, actor, { userId, ...submission.value }, now());
    } catch (caught) {
      const error = domainErrorOf(caught) ?? caught;
      return domainErrorReply(submission, error);
    }
    return await redirectWithToast(path, { kind: "success", message: "Changes saved." });
  }
  const submission = parseWithZod(formData, { schema: UserStatusSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    switch (submission.value.intent) {
      case "deactivate": {
        const user = await deactivateUser(db, actor, { userId }, now());
        return await redirectWithToast(path, { kind: "success", message: `${user.name} is deactivated and signed out everywhere.` });
      }
      case "reactivate": {
        const user = await reactivateUser(db, actor, { userId }, now());
        return await redirectWithToast(path, { kind: "success", message: `${user.name} can sign in again.` });
      }
      case "reset-second-factor": {
        await resetSecondFactor(db, actor, { userId }, now());
        return await redirectWithToast(path, { kind: "success", message: "Second factor reset. They set up a new one at their next sign-in." });
      }
      case "reset-password": {
        const { user, oneTimePassword } = await resetPasswordWithOneTimePassword(db, actor, { userId }, now());
        return json({ oneTimePassword, name: user.name }, { headers: { "Cache-Control": "no-store" } });
      }
    }
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    return domainErrorReply(submission, error);
  }
}

export default function UserPage() {
  const { user, branches, isSelf, hasSecondFactor } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  const [searchParams] = useSearchParams();
  const confirm = searchParams.get("confirm");
  const issued = actionData && "oneTimePassword" in actionData ? actionData : null;
  const reply = actionData && !("oneTimePassword" in actionData) ? actionData : undefined;
  const isUpdateReply = reply?.initialValue?.intent === "update";

  const [form, fields] = useForm({
    id: "update-user",
    lastResult: isUpdateReply ? reply : undefined,
    defaultValue: { name: user.name, role: user.role, branchId: user.branchId ? String(user.branchId) : "" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateUserSchema }),
  });
  const statusErrors = reply && !isUpdateReply ? Object.values(reply.error ?? {}).flat() : [];

  return (
    <>
      <div className="page-header">
        <div>
          <h1>{user.name}</h1>
          <p>
            {user.email} · {ROLE_LABELS[user.role]}
            {user.branchName ? ` · ${user.branchName}` : ""}
          </p>
        </div>
        <Link to="/admin" className="button button--secondary">
          All users
        </Link>
      </div>
      <AdminNav current="users" />

      {issued ? (
        <section className="card one-time-password" aria-labelledby="issued-title">
          <h2 id="issued-title">New one-time password for {issued.name}</h2>
          <p>Give it to {issued.name} in person or by phone. It is shown only now. Their old password no longer works.</p>
          <p className="one-time-password__value">
            <span className="visually-hidden">One-time password: </span>
            <code data-testid="one-time-password">{issued.oneTimePassword}</code>
          </p>
        </section>
      ) : null}

      <section className="card" aria-labelledby="status-title">
        <h2 id="status-title">Access</h2>
        <FormErrors errors={statusErrors.filter((e): e is string => typeof e === "string")} id="status-errors" />
        <dl className="facts">
          <div>
            <dt>Status</dt>
            <dd>
              {user.active ? <Badge tone="success">Active</Badge> : <Badge>Deactivated</Badge>}
              {user.active && user.mustChangePassword ? (
                <>
                  {" "}
                  <Badge tone="warning">New password pending</Badge>
                </>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>Last signed in</dt>
            <dd>{user.lastSignInAt ? formatDateTime(user.lastSignInAt, timeZone) : "Never"}</dd>
          </div>
          <div>
            <dt>Two-step sign-in</dt>
            <dd>{hasSecondFactor ? <Badge tone="success">Set up</Badge> : <Badge>Not set up</Badge>}</dd>
          </div>
          <div>
            <dt>Added</dt>
            <dd>{formatDateTime(user.createdAt, timeZone)}</dd>
          </div>
        </dl>
        {isSelf ? (
          <p className="muted">
            This is your own account. Another administrator can deactivate it; change your password on the <Link to="/account/password">Change password</Link> page.
          </p>
        ) : confirm === "deactivate" && user.active ? (
          <Form method="post" className="confirm-box">
            <p>
              <strong>Deactivate {user.name}?</strong> They are signed out on every device at once and cannot sign in until an administrator reactivates them.
            </p>
            <div className="actions">
              <button type="submit" name="intent" value="deactivate" className="button button--danger">
                Yes, deactivate {user.name}
              </button>
              <Link to="." className="button button--secondary">
                Keep active
              </Link>
            </div>
          </Form>
        ) : confirm === "reset-password" && user.active ? (
          <Form method="post" className="confirm-box">
            <p>
              <strong>Issue a new one-time password for {user.name}?</strong> Their current password stops working and they are signed out on every device. At their next sign-in they must choose a new
              password.
            </p>
            <div className="actions">
              <button type="submit" name="intent" value="reset-password" className="button button--danger">
                Yes, issue a new password
              </button>
              <Link to="." className="button button--secondary">
                Cancel
              </Link>
            </div>
          </Form>
        ) : confirm === "reset-second-factor" && hasSecondFactor ? (
          <Form method="post" className="confirm-box">
            <p>
              <strong>Reset {user.name}&apos;s second factor?</strong> Their authenticator app and recovery codes stop working and they are signed out on every device. Do this only after checking who
              is asking (a lost phone). They set up a new factor at their next password sign-in when your organisation requires one.
            </p>
            <div className="actions">
              <button type="submit" name="intent" value="reset-second-factor" className="button button--danger">
                Yes, reset the second factor
              </button>
              <Link to="." className="button button--secondary">
                Cancel
              </Link>
            </div>
          </Form>
        ) : user.active ? (
          <div className="actions">
            <Link to="?confirm=deactivate" className="button button--secondary">
              Deactivate…
            </Link>
            <Link to="?confirm=reset-password" className="button button--secondary">
              Issue a new one-time password…
            </Link>
            {hasSecondFactor ? (
              <Link to="?confirm=reset-second-factor" className="button button--secondary">
                Reset second factor…
              </Link>
            ) : null}
          </div>
        ) : (
          <Form method="post" className="actions">
            <button type="submit" name="intent" value="reactivate" className="button">
              Reactivate {user.name}
            </button>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="edit-title">
        <h2 id="edit-title">Role and branch</h2>
        <Form method="post" className="form" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="update" />
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field label="Name" inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "off" }} errors={fields.name.errors} errorId={fields.name.errorId} />
          <SelectField
            label="Role"
            selectProps={getSelectProps(fields.role)}
            options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            errors={fields.role.errors}
            errorId={fields.role.errorId}
          />
          <SelectField
            label="Branch"
            hint="Staff and branch managers belong to one branch. Leave it empty for finance and administrators."
            hintId={`${fields.branchId.id}-hint`}
            selectProps={getSelectProps(fields.branchId)}
            options={[{ value: "", label: "No branch" }, ...branches.map((b) => ({ value: String(b.id), label: b.code ? `${b.name} (${b.code})` : b.name }))]}
            errors={fields.branchId.errors}
            errorId={fields.branchId.errorId}
          />
          <div className="actions">
            <button type="submit" className="button">
              Save changes
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
