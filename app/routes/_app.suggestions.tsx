import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { SuggestionsSection } from "~/components/suggestions-section";
import { DismissSuggestionSchema } from "~/domain/customers/customer-schemas";
import { dismissSuggestion, listSuggestions } from "~/domain/gestures/suggestions.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { domainErrorReply, throwAsResponse } from "~/utils/errors.server";
import { DEFAULT_PAGE_SIZE, pageFromUrl } from "~/utils/pagination";
import { safeRedirect } from "~/utils/safe-redirect";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Suggestions · Empathy Fund" }];

// The whole suggestions queue of the user's branch (the home page shows its top), and the
// dismiss action that both pages post to.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "customers:view");
  const page = pageFromUrl(new URL(request.url));
  try {
    const { rows } = await listSuggestions(db, user, now());
    const start = (page - 1) * DEFAULT_PAGE_SIZE;
    return json({ page, total: rows.length, rows: rows.slice(start, start + DEFAULT_PAGE_SIZE), hasNext: rows.length > start + DEFAULT_PAGE_SIZE });
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "customers:view");
  const formData = await request.formData();
  const redirectTo = safeRedirect(formData.get("redirectTo"), "/suggestions");
  formData.delete("redirectTo");
  const submission = parseWithZod(formData, { schema: DismissSuggestionSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    await dismissSuggestion(db, user, { customerId: submission.value.customerId, reason: submission.value.reason }, now());
  } catch (error) {
    return domainErrorReply(submission, error);
  }
  return await redirectWithToast(redirectTo, { kind: "success", message: "Suggestion dismissed. It comes back only with a new signal." });
}

export default function SuggestionsPage() {
  const { page, total, rows, hasNext } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const errors = Object.values(actionData?.error ?? {}).flatMap((messages) => messages ?? []);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Suggestions</h1>
          <p>{total === 1 ? "One customer" : `${total} customers`} of your branch may need a gesture.</p>
        </div>
      </div>
      {errors.length ? (
        <p className="form-error" role="alert">
          {errors.join(" ")} Open “Dismiss” again and give a reason of at least 3 characters.
        </p>
      ) : null}
      <SuggestionsSection rows={rows} total={total} showAllLink={false} redirectTo="/suggestions" />
      <Pagination page={page} pageSize={DEFAULT_PAGE_SIZE} total={total} hasNext={hasNext} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
