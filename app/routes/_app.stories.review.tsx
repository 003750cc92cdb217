import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { StoryCredit } from "~/components/story";
import { storyReviewQueue } from "~/domain/stories/stories.server";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { throwAsResponse } from "~/utils/errors.server";
import { formatDateTime } from "~/utils/format";
import { useRootData } from "~/utils/root-data";

export const meta: MetaFunction = () => [{ title: "Stories to review · Empathy Fund" }];

// The branch manager's queue: stories of their branch sent for review (not their own), oldest first.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "stories:review");
  try {
    return json({ rows: await storyReviewQueue(db, user), branchName: user.branch?.name ?? "" });
  } catch (error) {
    throwAsResponse(error);
  }
}

export default function StoryReviewPage() {
  const { rows, branchName } = useLoaderData<typeof loader>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Stories to review</h1>
          <p>Stories written at {branchName || "your branch"} and sent for review, oldest first. Open one to publish it, return it with a comment, or decline it.</p>
        </div>
        <Link to="/stories">All stories</Link>
      </div>
      <section className="card" aria-labelledby="review-queue-title">
        <h2 id="review-queue-title" className="visually-hidden">
          Waiting for review
        </h2>
        {rows.length === 0 ? (
          <p className="empty-state">No story is waiting for your review. You are told by notification and e-mail when a colleague sends one.</p>
        ) : (
          <div className="story-list">
            {rows.map((story) => (
              <article key={story.id} className="story" aria-labelledby={`review-${story.id}-title`}>
                <h3 id={`review-${story.id}-title`} className="story__title">
                  <Link to={`/stories/${story.id}`}>
                    Review story #{story.id}: {story.typeName.toLowerCase()} for {story.occasionLabel.toLowerCase()}
                  </Link>
                </h3>
                <blockquote className="story__body preserve-lines">{story.body}</blockquote>
                <StoryCredit story={story} />
                <p className="muted">Sent {formatDateTime(story.submittedAt, timeZone)}</p>
              </article>
            ))}
          </div>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
