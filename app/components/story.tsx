// A story as colleagues read it: the text, then who told it, where, for which occasion and gesture.
import { Link } from "@remix-run/react";
import { Badge, type BadgeTone } from "~/components/badge";
import { STORY_STATUS_LABELS } from "~/domain/stories/story-rules";
import type { StoryStatus } from "../../db/schema";
import { formatDate } from "~/utils/format";
import { useRootData } from "~/utils/root-data";

export type StoryView = {
  id: number;
  body: string;
  status: StoryStatus;
  authorName: string;
  branchName: string;
  region: string;
  occasionLabel: string;
  typeName: string;
  publishedAt: string | Date | null;
  updatedAt: string | Date;
};

const TONES: Record<StoryStatus, BadgeTone> = { draft: "neutral", submitted: "info", returned: "warning", published: "success", declined: "danger", withdrawn: "neutral" };

export function StoryStatusBadge({ status }: { status: StoryStatus }) {
  return <Badge tone={TONES[status]}>{STORY_STATUS_LABELS[status]}</Badge>;
}

/** The credit line: "Sam Staff, North (East) · Bereavement · Flowers · 3 Dec 2026". */
export function StoryCredit({ story }: { story: StoryView }) {
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <p className="story__credit muted">
      <span className="story__author">{story.authorName}</span>, {story.branchName} ({story.region}) · {story.occasionLabel} · {story.typeName}
      {story.publishedAt ? <> · {formatDate(story.publishedAt, timeZone)}</> : null}
    </p>
  );
}

/** One story in a list; `headingLevel` keeps the page's outline (h2 on a home page, h3 in a list). */
export function StoryArticle({ story, heading: Heading = "h3", link = true }: { story: StoryView; heading?: "h2" | "h3"; link?: boolean }) {
  return (
    <article className="story" aria-labelledby={`story-${story.id}-title`}>
      <Heading id={`story-${story.id}-title`} className="story__title">
        {link ? <Link to={`/stories/${story.id}`}>Story #{story.id}: {story.typeName.toLowerCase()} for {story.occasionLabel.toLowerCase()}</Link> : <>Story #{story.id}: {story.typeName.toLowerCase()} for {story.occasionLabel.toLowerCase()}</>}
      </Heading>
      <blockquote className="story__body preserve-lines">{story.body}</blockquote>
      <StoryCredit story={story} />
    </article>
  );
}

/** The home pages' card: the newest published story, or what to expect when there is none yet. */
export function LatestStoryCard({ story }: { story: StoryView | null }) {
  return (
    <section className="card" aria-labelledby="latest-story-title">
      <div className="card__header">
        <h2 id="latest-story-title">Latest story</h2>
        <Link to="/stories">All stories</Link>
      </div>
      {story ? (
        <StoryArticle story={story} heading="h3" />
      ) : (
        <p className="empty-state">
          No story is published yet. After a customer thanks you for a gesture, tell colleagues what happened from the gesture's page; a branch manager publishes it here.
        </p>
      )}
    </section>
  );
}
