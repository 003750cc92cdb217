import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { StoryForm } from "~/components/story-form";
import { OUTCOME_LABELS } from "~/domain/gestures/fulfilment-rules";
import { WriteStorySchema } from "~/domain/stories/story-schemas";
import { storyStart, writeStory } from "~/domain/stories/stories.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { submitForm } from "~/utils/form-action.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Write a story · Empathy Fund" }];

function gestureIdFrom(value: FormDataEntryValue | string | null): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1) throw json({ message: "Open a gesture whose customer responded well, and choose Write a story there." }, { status: 404 });
  return id;
}

// The proposer of a gesture closed with a positive response writes its story (once).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "stories:write");
  const gestureId = gestureIdFrom(new URL(request.url).searchParams.get("gesture"));
  try {
    const start = await storyStart(db, user, gestureId);
    if (start.existingStoryId !== null) throw redirect(`/stories/${start.existingStoryId}`);
    return json({ gesture: start.gesture! });
  } catch (error) {
    if (error instanceof Response) throw error;
    throwAsResponse(error);
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "stories:write");
  const formData = await request.formData();
  // The gesture named in the URL is the one the form is for; someone who may not write its story learns nothing more.
  const gestureId = gestureIdFrom(new URL(request.url).searchParams.get("gesture") ?? formData.get("gestureId"));
  try {
    await storyStart(db, user, gestureId);
  } catch (error) {
    throwAsResponse(error);
  }
  return await submitForm(formData, WriteStorySchema, async (value) => {
    if (value.gestureId !== gestureId) return json({ message: "This form is for another gesture. Reload the page and try again." }, { status: 400 });
    const result = await writeStory(db, user, { gestureId, body: value.body, submit: value.intent === "submit" }, now());
    return await redirectWithToast(`/stories/${result.storyId}`, {
      kind: result.alreadyDone ? "info" : "success",
      message: result.alreadyDone
        ? "This story was already saved; nothing happened twice."
        : result.status === "submitted"
        ? "Story sent: a manager of your branch reviews it before it is published."
        : "Draft saved. Send it for review when it is ready.",
    });
  });
}

export default function WriteStoryPage() {
  const { gesture } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Write a story</h1>
          <p>
            About <Link to={`/gestures/${gesture.id}`}>proposal #{gesture.id}</Link>: {gesture.typeName} for {gesture.occasionLabel.toLowerCase()}. The customer's response:{" "}
            {gesture.outcome ? OUTCOME_LABELS[gesture.outcome].toLowerCase() : "recorded"}.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="story-form-title">
        <h2 id="story-form-title">Tell colleagues what happened</h2>
        <p>A manager of your branch reads it first, and publishes it, returns it to you with a comment, or declines it. Published stories credit you and your branch.</p>
        <StoryForm id="write-story" lastResult={lastResult} hidden={{ gestureId: gesture.id }} customerName={gesture.customerName} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
