import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FilterSelect } from "~/components/filter-fields";
import { Pagination } from "~/components/pagination";
import { StoryArticle, StoryStatusBadge } from "~/components/story";
import { TableWrap } from "~/components/table-wrap";
import { can } from "~/domain/core/permissions";
import { SIGNAL_KIND_LABELS } from "~/domain/customers/customer-rules";
import { STORIES_PAGE_SIZE } from "~/domain/stories/story-schemas";
import { listPublishedStories, myStories, readStoryFilter, storiesToReview } from "~/domain/stories/stories.server";
import { OCCASIONS } from "../../db/schema";
import { requirePermission } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { pageFromUrl } from "~/utils/pagination";
import { useRootData } from "~/utils/root-data";

export const meta: MetaFunction = () => [{ title: "Stories · Empathy Fund" }];

const OCCASION_OPTIONS = OCCASIONS.map((o) => ({ value: o, label: SIGNAL_KIND_LABELS[o] }));

// Published stories, newest first, for everyone signed in (they carry no customer's name by
// construction); the author's own stories in every state; a manager's link to the review queue.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "stories:read");
  const url = new URL(request.url);
  const page = pageFromUrl(url);
  const { filter, form, errors, regions } = await readStoryFilter(db, url.searchParams);
  const { rows, hasNext } = await listPublishedStories(db, { ...filter, page });
  return json({
    rows,
    hasNext,
    page,
    form,
    errors,
    regions,
    filtered: filter.occasion !== null || filter.region !== null,
    mine: await myStories(db, user),
    canWrite: can(user.role, "stories:write"),
    toReview: can(user.role, "stories:review") ? await storiesToReview(db, user) : null,
  });
}

export default function StoriesPage() {
  const { rows, hasNext, page, form, errors, regions, filtered, mine, canWrite, toReview } = useLoaderData<typeof loader>();
  const timeZone = useRootData()?.organisation.timeZone ?? "UTC";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Stories</h1>
          <p>What gestures meant to customers, told by the colleagues who made them. Stories never name the customer.</p>
        </div>
        {toReview !== null ? (
          <Link to="/stories/review" className="button button--secondary">
            Stories to review ({toReview})
          </Link>
        ) : null}
      </div>

      <section className="card" aria-labelledby="published-title">
        <h2 id="published-title">Published stories</h2>
        <Form method="get" className="filters" role="search" aria-label="Filter the stories">
          <FilterSelect id="story-occasion" name="occasion" label="Occasion" value={form.occasion} error={errors.occasion} anyLabel="Every occasion" options={OCCASION_OPTIONS} />
          <FilterSelect id="story-region" name="region" label="Region" value={form.region} error={errors.region} anyLabel="Every region" options={regions.map((r) => ({ value: r, label: r }))} />
          <button type="submit" className="button button--secondary">
            Filter
          </button>
        </Form>
        {rows.length === 0 ? (
          <p className="empty-state">
            {page > 1 ? (
              <>
                There is nothing on this page. <Link to="/stories">Go to the newest stories</Link>.
              </>
            ) : filtered ? (
              "No published story matches these filters. Choose Every occasion and Every region to see them all."
            ) : (
              "No story is published yet. After a customer thanks you for a gesture, write its story from the gesture's page; a branch manager publishes it here."
            )}
          </p>
        ) : (
          <div className="story-list">
            {rows.map((story) => (
              <StoryArticle key={story.id} story={story} />
            ))}
          </div>
        )}
        <Pagination page={page} pageSize={STORIES_PAGE_SIZE} hasNext={hasNext} />
      </section>

      {canWrite ? (
        <section className="card" aria-labelledby="your-stories-title" id="your-stories">
          <h2 id="your-stories-title">Your stories</h2>
          {mine.length === 0 ? (
            <p className="empty-state">
              You have not written a story yet. When a customer thanks you or gives positive feedback for a gesture you proposed, open the gesture and choose Write a story.
            </p>
          ) : (
            <TableWrap label="Your stories table">
              <table>
                <caption className="visually-hidden">Your stories, most recently changed first</caption>
                <thead>
                  <tr>
                    <th scope="col">Story</th>
                    <th scope="col">Status</th>
                    <th scope="col">Changed</th>
                  </tr>
                </thead>
                <tbody>
                  {mine.map((story) => (
                    <tr key={story.id}>
                      <td>
                        <Link to={`/stories/${story.id}`}>
                          Story #{story.id}: {story.typeName.toLowerCase()} for {story.occasionLabel.toLowerCase()}
                        </Link>
                      </td>
                      <td>
                        <StoryStatusBadge status={story.status} />
                      </td>
                      <td>{formatDateTime(story.updatedAt, timeZone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
