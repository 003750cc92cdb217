import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminNav } from "~/components/admin-nav";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { GestureTypeForm } from "~/components/gesture-type-form";
import { createGestureType, perGestureMaxWarning } from "~/domain/policy/catalogue-admin.server";
import { CreateGestureTypeSchema } from "~/domain/policy/catalogue-schemas";
import { getPolicyDefaults } from "~/domain/policy/policy.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply } from "~/utils/errors.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Add a gesture type · Administration · Empathy Fund" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "catalogue:manage");
  return json({ perGestureMax: (await getPolicyDefaults(db)).perGestureMax });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requirePermission(request, "catalogue:manage");
  const submission = parseWithZod(await request.formData(), { schema: CreateGestureTypeSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    const type = await createGestureType(db, actor, submission.value, now());
    const warning = await perGestureMaxWarning(db, type);
    return await redirectWithToast("/admin/catalogue", { kind: warning ? "info" : "success", message: `${type.name} added.${warning ? ` ${warning}` : ""}` });
  } catch (error) {
    return domainErrorReply(submission, error);
  }
}

export default function NewGestureTypePage() {
  const { perGestureMax } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Add a gesture type</h1>
          <p>Staff can propose it as soon as it is saved, for the occasions you choose.</p>
        </div>
        <Link to="/admin/catalogue" className="button button--secondary">
          Gesture catalogue
        </Link>
      </div>
      <AdminNav current="catalogue" />
      <section className="card" aria-labelledby="new-type-title">
        <h2 id="new-type-title">New gesture type</h2>
        <GestureTypeForm mode="create" lastResult={lastResult} perGestureMax={perGestureMax} submitLabel="Add gesture type" />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
