import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { Badge } from "~/components/badge";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors } from "~/components/forms";
import { GestureTypeForm } from "~/components/gesture-type-form";
import { Money } from "~/components/money";
import { deleteGestureType, perGestureMaxWarning, setGestureTypeActive, updateGestureType } from "~/domain/policy/catalogue-admin.server";
import { GestureTypeStatusSchema, UpdateGestureTypeSchema } from "~/domain/policy/catalogue-schemas";
import { findGestureType, gestureTypeUseCount } from "~/domain/policy/catalogue.server";
import { isDomainError, domainErrorOf } from "~/domain/core/errors";
import { moneyInputText } from "~/domain/core/money";
import { getPolicyDefaults } from "~/domain/policy/policy.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, notFound } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.type.name ?? "Gesture type"} · Administration · Empathy Fund` }];

function typeIdFrom(params: { typeId?: string }): number {
  const id = Number(params.typeId);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound("This gesture type does not exist.");
  return id;
}

async function loadType(typeId: number) {
  const type = await findGestureType(db, typeId);
  if (!type) throw notFound("This gesture type does not exist.");
  return type;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "catalogue:manage");
  const type = await loadType(typeIdFrom(params));
  return json({ type, usedCount: await gestureTypeUseCount(db, type.id), perGestureMax: (await getPolicyDefaults(db)).perGestureMax });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "catalogue:manage");
  const typeId = typeIdFrom(params);
  const formData = await request.formData();
  const path = `/admin/catalogue/${typeId}`;
  if (formData.get("intent") === "update") {
    const submission = parseWithZod(formData, { schema: UpdateGestureTypeSchema });
    if (submission.status !== "success") return json(submission.reply(), { status: 400 });
    try {
      const type = await updateGestureType(db, actor, { typeId, ...submission.value }, now());
      const warning = await perGestureMaxWarning(db, type);
      return await redirectWithToast(path, { kind: warning ? "info" : "success", message: `${type.name} saved.${warning ? ` ${warning}` : ""}` });
    } catch (caught) {
      const error = domainErrorOf(caught) ?? caught;
      if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
      return domainErrorReply(submission, error);
    }
  }
  const submission = parseWithZod(formData, { schema: GestureTypeStatusSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    switch (submission.value.intent) {
      case "deactivate": {
        const type = await setGestureTypeActive(db, actor, { typeId, active: false }, now());
        return await redirectWithToast(path, { kind: "success", message: `${type.name} is deactivated: staff can no longer choose it.` });
      }
      case "reactivate": {
        const type = await setGestureTypeActive(db, actor, { typeId, active: true }, now());
        return await redirectWithToast(path, { kind: "success", message: `${type.name} is active again.` });
      }
      case "delete": {
        const type = await deleteGestureType(db, actor, { typeId }, now());
        return await redirectWithToast("/admin/catalogue", { kind: "success", message: `${type.name} is deleted from the catalogue.` });
      }
    }
  } catch (caught) {
    const error = domainErrorOf(caught) ?? caught;
    if (isDomainError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    return domainErrorReply(submission, error);
  }
}

export default function GestureTypePage() {
  const { type, usedCount, perGestureMax } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isUpdateReply = actionData?.initialValue?.intent === "update";
  const statusErrors = actionData && !isUpdateReply ? [...(actionData.error?.[""] ?? []), ...(actionData.error?.intent ?? [])] : [];
  const [searchParams] = useSearchParams();
  const confirm = searchParams.get("confirm");
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{type.name}</h1>
          <p>
            Code <span className="mono">{type.code}</span> · {type.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>} ·{" "}
            {usedCount === 0 ? "never used" : `used by ${usedCount.toLocaleString("en-US")} ${usedCount === 1 ? "gesture" : "gestures"}`}
          </p>
        </div>
        <Link to="/admin/catalogue" className="button button--secondary">
          Gesture catalogue
        </Link>
      </div>
      <AdminNav current="catalogue" />
      <section className="card" aria-labelledby="edit-type-title">
        <h2 id="edit-type-title">Details</h2>
        {type.maxAmount > perGestureMax ? (
          <p className="banner banner--warning">
            The maximum (<Money amount={type.maxAmount} />) is above the organisation’s per-gesture maximum (<Money amount={perGestureMax} />
            ): proposals stay capped at each branch’s per-gesture maximum.
          </p>
        ) : null}
        <GestureTypeForm
          mode="update"
          lastResult={isUpdateReply ? actionData : undefined}
          defaultValue={{
            name: type.name,
            description: type.description,
            defaultAmount: moneyInputText(type.defaultAmount),
            maxAmount: moneyInputText(type.maxAmount),
            occasions: type.occasions,
          }}
          perGestureMax={perGestureMax}
          submitLabel="Save changes"
        />
      </section>
      <section className="card" aria-labelledby="type-status-title">
        <h2 id="type-status-title">Status</h2>
        <FormErrors errors={statusErrors.length ? statusErrors : undefined} id="type-status-error" />
        {!type.active ? (
          <Form method="post" className="actions">
            <p className="muted">This type is inactive: staff cannot choose it. Gestures that named it keep it in their history.</p>
            <button type="submit" name="intent" value="reactivate" className="button button--secondary">
              Reactivate {type.name}
            </button>
          </Form>
        ) : confirm === "deactivate" ? (
          <Form method="post" className="confirm-box">
            <p>
              <strong>Deactivate {type.name}?</strong> Staff will no longer be able to choose it in a proposal. Gestures already proposed with it keep it. You can reactivate it later.
            </p>
            <div className="actions">
              <button type="submit" name="intent" value="deactivate" className="button button--danger">
                Yes, deactivate {type.name}
              </button>
              <Link to="." className="button button--secondary">
                Keep active
              </Link>
            </div>
          </Form>
        ) : (
          <div className="actions">
            <Link to="?confirm=deactivate" className="button button--secondary">
              Deactivate…
            </Link>
          </div>
        )}
        {usedCount === 0 ? (
          confirm === "delete" ? (
            <Form method="post" className="confirm-box">
              <p>
                <strong>Delete {type.name}?</strong> It has never been used, so it disappears from the catalogue for good. This cannot be undone.
              </p>
              <div className="actions">
                <button type="submit" name="intent" value="delete" className="button button--danger">
                  Yes, delete {type.name}
                </button>
                <Link to="." className="button button--secondary">
                  Keep it
                </Link>
              </div>
            </Form>
          ) : (
            <div className="actions status-actions">
              <p className="muted">No gesture has used this type yet, so it can still be deleted.</p>
              <Link to="?confirm=delete" className="button button--secondary">
                Delete…
              </Link>
            </div>
          )
        ) : (
          <p className="muted status-actions">
            Used by {usedCount.toLocaleString("en-US")} {usedCount === 1 ? "gesture" : "gestures"}: it stays in the catalogue for their history and can only be deactivated.
          </p>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
