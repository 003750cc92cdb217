// After a positive response: the proposer's invitation to tell colleagues, or the story's state.
import { Link } from "@remix-run/react";
import { StoryStatusBadge } from "~/components/story";
import type { StoryStatus } from "../../../db/schema";

export function StoryCard({ gestureId, story }: { gestureId: number; story: { canWrite: boolean; story: { id: number; status: StoryStatus } | null } }) {
  if (!story.canWrite && !story.story) return null;
  return (
    <section className="card" aria-labelledby="story-title">
      <h2 id="story-title">Story</h2>
      {story.story ? (
        <p>
          <Link to={`/stories/${story.story.id}`}>Story #{story.story.id}</Link> <StoryStatusBadge status={story.story.status} />
        </p>
      ) : (
        <>
          <p>The customer responded well. Tell colleagues what happened, what the gesture was and what the customer said: a manager publishes it on the Stories page.</p>
          <Link to={`/stories/new?gesture=${gestureId}`} className="button">
            Write a story
          </Link>
        </>
      )}
    </section>
  );
}
