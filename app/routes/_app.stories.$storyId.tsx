import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldErrors, FormErrors } from "~/components/forms";
import { StoryArticle, StoryStatusBadge } from "~/components/story";
import { StoryForm } from "~/components/story-form";
import { EditStorySchema, ReviewStorySchema, STORY_COMMENT_MAX, WithdrawStorySchema } from "~/domain/stories/story-schemas";
import { editStory, reviewStory, viewStory, withdrawStory } from "~/domain/stories/stories.server";
import { requirePermission } from "~/utils/auth.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { submitForm } from "~/utils/form-action.server";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Story #${data.story.id} · Empathy Fund` : "Story · Empathy Fund" }];

function storyIdFrom(params: { storyId?: string }) {
  const id = Number(params.storyId);
  if (!Number.isSafeInteger(id) || id < 1) throw json({ message: "This story does not exist, or it is not published yet." }, { status: 404 });
  return id;
}

// One story. Published: everyone reads it. Before that (and once withdrawn or declined) only its
// author and the managers of its branch see it. The author edits a draft or a returned story; a
// manager of the branch reviews a submitted one; the author or a manager withdraws it.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "stories:read");
  try {
    return json(await viewStory(db, user, storyIdFrom(params)));
  } catch (error) {
    throwAsResponse(error);
  }
}

const TOASTS = { published: "Published: everyone in the organisation can read it now.", returned: "Returned to the author with your comment.", declined: "Declined. The author is told." } as const;

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "stories:read");
  const storyId = storyIdFrom(params);
  // Someone who may not see the story learns nothing more from posting to it.
  try {
    await viewStory(db, user, storyId);
  } catch (error) {
    throwAsResponse(error);
  }
  const formData = await request.formData();
  const intent = formData.get("intent");
  const back = `/stories/${storyId}`;
  if (intent === "publish" || intent === "return" || intent === "decline") {
    return await submitForm(formData, ReviewStorySchema, async ({ intent: decision, version, comment }) => {
      const result = await reviewStory(db, user, { storyId, version, decision, comment }, now());
      return await redirectWithToast(result.status === "published" ? back : "/stories/review", {
        kind: result.alreadyDone ? "info" : "success",
        message: result.alreadyDone ? "You had already decided this; nothing happened twice." : TOASTS[result.status as keyof typeof TOASTS],
      });
    });
  }
  if (intent === "withdraw") {
    return await submitForm(formData, WithdrawStorySchema, async ({ version }) => {
      const result = await withdrawStory(db, user, { storyId, version }, now());
      return await redirectWithToast(back, {
        kind: result.alreadyDone ? "info" : "success",
        message: result.alreadyDone ? "It was already withdrawn." : "Withdrawn: it is no longer on the Stories page.",
      });
    });
  }
  return await submitForm(formData, EditStorySchema, async ({ intent: how, version, body }) => {
    const result = await editStory(db, user, { storyId, version, body, submit: how === "submit" }, now());
    return await redirectWithToast(back, {
      kind: result.alreadyDone ? "info" : "success",
      message: result.alreadyDone ? "This was already saved; nothing happened twice." : result.status === "submitted" ? "Sent for review: a manager of your branch reads it next." : "Draft saved.",
    });
  });
}

export default function StoryPage() {
  const { story, review, reviewedBy, can } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as SubmissionResult<string[]> | undefined;
  const lastIntent = String(lastResult?.initialValue?.intent ?? "");
  const replyFor = (...names: string[]) => (names.includes(lastIntent) ? lastResult : undefined);
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Story #{story.id}</h1>
          <p>
            <StoryStatusBadge status={story.status} /> {story.status === "published" ? null : <>Only you{can.openGesture ? " and the branch's managers" : ""} see it until it is published.</>}
          </p>
        </div>
        <div className="page-header__actions">
          {can.openGesture ? <Link to={`/gestures/${story.gestureId}`}>Open proposal #{story.gestureId}</Link> : null}
          <Link to="/stories">All stories</Link>
        </div>
      </div>

      {review ? (
        <p className={story.status === "returned" ? "banner banner--warning" : "banner banner--neutral"} role="note">
          {story.status === "returned" ? "Returned for changes" : story.status === "declined" ? "Declined" : "Reviewer's comment"}
          {review.by ? ` by ${review.by}` : ""}: “{review.comment}”
        </p>
      ) : null}

      <section className="card" aria-labelledby="story-text-title">
        <h2 id="story-text-title" className="visually-hidden">
          The story
        </h2>
        <StoryArticle story={story} heading="h3" link={false} />
        {reviewedBy && story.decidedAt ? (
          <p className="muted">
            Reviewed by {reviewedBy}, {formatDateTime(story.decidedAt, timeZone)}.
          </p>
        ) : null}
      </section>

      {can.review ? <ReviewCard version={story.version} lastResult={replyFor("publish", "return", "decline")} /> : null}

      {can.edit ? (
        <section className="card" aria-labelledby="edit-story-title">
          <h2 id="edit-story-title">{story.status === "returned" ? "Change it and send it again" : "Finish your draft"}</h2>
          <StoryForm id="edit-story" lastResult={replyFor("save", "submit")} hidden={{ version: story.version }} defaultBody={story.body} />
        </section>
      ) : null}

      {can.withdraw ? <WithdrawCard version={story.version} published={story.status === "published"} lastResult={replyFor("withdraw")} /> : null}
    </>
  );
}

function ReviewCard({ version, lastResult }: { version: number; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({ id: "review-story", lastResult, shouldValidate: "onSubmit", onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewStorySchema }) });
  return (
    <section className="card" aria-labelledby="review-story-title">
      <h2 id="review-story-title">Review</h2>
      <p>Check that it names no customer and says nothing of their circumstances beyond the occasion. Publishing shows it to everyone in the organisation, crediting the author and the branch.</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="version" value={version} />
        <div className="field">
          <label htmlFor={fields.comment.id}>Comment for the author</label>
          <textarea {...getTextareaProps(fields.comment)} rows={3} maxLength={STORY_COMMENT_MAX} />
          <p className="field__hint">Required to return it for changes; optional otherwise.</p>
          <FieldErrors errors={fields.comment.errors} id={fields.comment.errorId} />
        </div>
        <div className="actions">
          <button type="submit" name="intent" value="publish" className="button">
            Publish
          </button>
          <button type="submit" name="intent" value="return" className="button button--secondary">
            Return for changes
          </button>
          <button type="submit" name="intent" value="decline" className="button button--danger">
            Decline
          </button>
        </div>
      </Form>
    </section>
  );
}

function WithdrawCard({ version, published, lastResult }: { version: number; published: boolean; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({ id: "withdraw-story", lastResult, shouldValidate: "onSubmit", onValidate: ({ formData }) => parseWithZod(formData, { schema: WithdrawStorySchema }) });
  return (
    <section className="card" aria-labelledby="withdraw-story-title">
      <h2 id="withdraw-story-title">Withdraw</h2>
      <FormErrors errors={form.errors} id={form.errorId} />
      <details open={Boolean(fields.confirm.errors?.length || form.errors?.length)}>
        <summary>Withdraw this story</summary>
        <Form method="post" className="form" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="withdraw" />
          <input type="hidden" name="version" value={version} />
          <p>{published ? "It leaves the Stories page for good; the record of it stays in the audit log." : "It will not be published; the record of it stays in the audit log."}</p>
          <div className="field field--checkbox">
            <input
              type="checkbox"
              id={fields.confirm.id}
              name={fields.confirm.name}
              value="yes"
              aria-invalid={fields.confirm.errors?.length ? true : undefined}
              aria-describedby={fields.confirm.errors?.length ? fields.confirm.errorId : undefined}
            />
            <label htmlFor={fields.confirm.id}>Yes, withdraw story</label>
            <FieldErrors errors={fields.confirm.errors} id={fields.confirm.errorId} />
          </div>
          <button type="submit" className="button button--danger">
            Withdraw the story
          </button>
        </Form>
      </details>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
