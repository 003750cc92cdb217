// Stories: after a customer responded well to a gesture, its proposer tells colleagues what
// happened; a manager of the gesture's branch publishes it, returns it with a comment, or declines
// it; published stories are read by everyone signed in. Each step is one immediate transaction that
// re-reads the story, checks its state and the actor's right, writes an audit row (never the text)
// and tells the people concerned. The text is refused when it names the customer (story-rules.ts).
import { and, desc, eq, inArray, isNull, ne, sql, type SQL } from "drizzle-orm";
import { branches, customers, gestures, gestureTypes, SENSITIVE_SIGNAL_KINDS, signals, stories, users, type Occasion, type Role, type Story, type StoryStatus } from "../../../db/schema";
import { writeTransaction, type DbOrTx } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import { DomainError } from "../core/errors";
import { can } from "../core/permissions";
import { SIGNAL_KIND_LABELS } from "../customers/customer-rules";
import { POSITIVE_OUTCOMES } from "../reporting/spend-reports";
import { listBranchOptions } from "../reporting/report-filter.server";
import { notify } from "../notifications/notifications.server";
import { privateDetailIn, STORY_STATUS_LABELS } from "./story-rules";
import { isOccasion, STORIES_PAGE_SIZE, type StoryFilterForm } from "./story-schemas";
import { firstRow, returnedRow } from "~/utils/query.server";

export type StoryActor = { id: number; role: Role; branchId: number | null };

export type StoryResult = { storyId: number; status: StoryStatus; version: number; alreadyDone: boolean };

const result = (story: Story, alreadyDone = false): StoryResult => ({ storyId: story.id, status: story.status, version: story.version, alreadyDone });

const NOT_YOURS = "This story does not exist, or it is not published yet.";

async function loadStory(tx: DbOrTx, storyId: number): Promise<Story> {
  const story = await firstRow(tx.select().from(stories).where(eq(stories.id, storyId)).limit(1));
  if (!story) throw new DomainError("NOT_FOUND", NOT_YOURS);
  return story;
}

function stale(story: Story) {
  return new DomainError("CONFLICT", `This story changed since you opened it; it is now ${STORY_STATUS_LABELS[story.status].toLowerCase()}. Reload the page to see it; nothing was changed.`);
}

const isReviewer = (actor: StoryActor, story: Pick<Story, "branchId" | "authorId">) => can(actor.role, "stories:review") && actor.branchId === story.branchId && actor.id !== story.authorId;
const isBranchManager = (actor: StoryActor, story: Pick<Story, "branchId">) => can(actor.role, "stories:review") && actor.branchId === story.branchId;

/** Who may see a story: everyone once published; before and after that, its author and its branch's managers. */
function maySee(actor: StoryActor, story: Pick<Story, "status" | "authorId" | "branchId">): boolean {
  if (!can(actor.role, "stories:read")) return false;
  return story.status === "published" || story.authorId === actor.id || isBranchManager(actor, story);
}

/** Refuses text that names the customer of the gesture, beside the story field. */
async function checkPrivateDetails(tx: DbOrTx, customerId: number, body: string) {
  const customer = (await firstRow(
    tx.select({ name: customers.name, crmRef: customers.crmRef, deliveryAddress: customers.deliveryAddress }).from(customers).where(eq(customers.id, customerId)).limit(1),
  ))!;
  const notes = (
    await tx
      .select({ note: signals.note })
      .from(signals)
      .where(and(eq(signals.customerId, customerId), inArray(signals.kind, [...SENSITIVE_SIGNAL_KINDS]), isNull(signals.noteRedactedAt)))
  ).flatMap((row) => (row.note ? [row.note] : []));
  const problem = privateDetailIn(body, { customerName: customer.name, crmRef: customer.crmRef, deliveryAddress: customer.deliveryAddress, sensitiveNotes: notes });
  if (problem) throw new DomainError("VALIDATION", problem, { field: "body" });
}

/** The gesture a new story would tell of, if the actor may write it: theirs, closed with a positive response. */
async function gestureForStory(tx: DbOrTx, actor: StoryActor, gestureId: number) {
  const gesture = await firstRow(tx.select().from(gestures).where(eq(gestures.id, gestureId)).limit(1));
  // Someone who may not see the gesture learns nothing about it.
  if (!gesture || !can(actor.role, "stories:write") || actor.branchId !== gesture.branchId) throw new DomainError("NOT_FOUND", "This proposal does not exist, or it is not yours to tell of.");
  if (gesture.proposerId !== actor.id) throw new DomainError("FORBIDDEN", "Only the person who proposed the gesture writes its story.");
  if (gesture.status !== "closed" || !gesture.outcome || !(POSITIVE_OUTCOMES as readonly string[]).includes(gesture.outcome)) {
    throw new DomainError("INVALID_STATE", "A story is written once the customer's response is recorded, and only when they thanked us or gave positive feedback.");
  }
  return gesture;
}

async function branchManagers(tx: DbOrTx, branchId: number, exceptUserId: number): Promise<number[]> {
  return (
    await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.branchId, branchId), eq(users.role, "manager"), eq(users.active, true), ne(users.id, exceptUserId)))
  ).map((row) => row.id);
}

const nameOf = async (tx: DbOrTx, userId: number) => (await firstRow(tx.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1)))?.name ?? "Someone";

async function tellReviewers(tx: DbOrTx, story: Story, now: Date) {
  const author = await nameOf(tx, story.authorId);
  for (const managerId of await branchManagers(tx, story.branchId, story.authorId)) {
    await notify(tx, {
      userId: managerId,
      kind: "story_submitted",
      gestureId: null,
      message: `${author} sent story #${story.id} (about proposal #${story.gestureId}) for your review. Publish it, return it with a comment, or decline it.`,
      now,
    });
  }
}

async function tellAuthor(tx: DbOrTx, story: Story, actorId: number, what: string, now: Date) {
  if (story.authorId === actorId) return;
  await notify(tx, { userId: story.authorId, kind: "story_decided", gestureId: null, message: `${await nameOf(tx, actorId)} ${what}`, now });
}

// ---------------------------------------------------------------------------------------------
// Transitions

/** A new story of the actor's gesture: saved as a draft, or sent for review at once. */
export async function writeStory(db: DbOrTx, actor: StoryActor, input: { gestureId: number; body: string; submit: boolean }, now: Date): Promise<StoryResult> {
  return await writeTransaction(db, async (tx) => {
    const existing = await firstRow(tx.select().from(stories).where(eq(stories.gestureId, input.gestureId)).limit(1));
    // A double submit of the same form: the story is written once.
    if (existing && existing.authorId === actor.id && existing.body === input.body.trim()) return result(existing, true);
    const gesture = await gestureForStory(tx, actor, input.gestureId);
    if (existing) throw new DomainError("CONFLICT", "This gesture's story is already written; open it from the gesture's page.");
    const body = input.body.trim();
    await checkPrivateDetails(tx, gesture.customerId, body);
    const status: StoryStatus = input.submit ? "submitted" : "draft";
    const story = await returnedRow(
      tx
        .insert(stories)
        .values({
          gestureId: gesture.id,
          branchId: gesture.branchId,
          authorId: actor.id,
          occasion: gesture.occasion,
          status,
          body,
          createdAt: now,
          updatedAt: now,
          submittedAt: input.submit ? now : null,
        })
        .returning(),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: input.submit ? "story.submitted" : "story.drafted",
      entity: "story",
      entityId: story.id,
      detail: { gestureId: gesture.id, to: status },
      at: now,
    });
    if (input.submit) await tellReviewers(tx, story, now);
    return result(story);
  });
}

/** The author's edit of a draft or a returned story; `submit` sends it (again) for review. */
export async function editStory(db: DbOrTx, actor: StoryActor, input: { storyId: number; version: number; body: string; submit: boolean }, now: Date): Promise<StoryResult> {
  return await writeTransaction(db, async (tx) => {
    const story = await loadStory(tx, input.storyId);
    if (!maySee(actor, story)) throw new DomainError("NOT_FOUND", NOT_YOURS);
    if (story.authorId !== actor.id) throw new DomainError("FORBIDDEN", "Only the story's author changes it.");
    const body = input.body.trim();
    if (story.version !== input.version) {
      if (story.body === body && (story.status === "submitted") === input.submit) return result(story, true);
      throw stale(story);
    }
    if (story.status !== "draft" && story.status !== "returned") {
      throw new DomainError("INVALID_STATE", `This story is ${STORY_STATUS_LABELS[story.status].toLowerCase()}; it is changed only as a draft or when returned for changes.`);
    }
    const gesture = (await firstRow(tx.select({ customerId: gestures.customerId }).from(gestures).where(eq(gestures.id, story.gestureId)).limit(1)))!;
    await checkPrivateDetails(tx, gesture.customerId, body);
    const status: StoryStatus = input.submit ? "submitted" : story.status;
    const updated = await returnedRow(
      tx
        .update(stories)
        .set({ body, status, version: story.version + 1, updatedAt: now, ...(input.submit ? { submittedAt: now } : {}) })
        .where(and(eq(stories.id, story.id), eq(stories.version, story.version)))
        .returning(),
    );
    await recordAudit(tx, { actorId: actor.id, action: input.submit ? "story.submitted" : "story.edited", entity: "story", entityId: story.id, detail: { from: story.status, to: status }, at: now });
    if (input.submit) await tellReviewers(tx, updated, now);
    return result(updated);
  });
}

export type StoryDecision = "publish" | "return" | "decline";
const DECIDED: Record<StoryDecision, StoryStatus> = { publish: "published", return: "returned", decline: "declined" };

/** A manager of the story's branch (never its author) publishes, returns (with a comment) or declines a submitted story. */
export async function reviewStory(db: DbOrTx, actor: StoryActor, input: { storyId: number; version: number; decision: StoryDecision; comment: string }, now: Date): Promise<StoryResult> {
  return await writeTransaction(db, async (tx) => {
    const story = await loadStory(tx, input.storyId);
    if (!maySee(actor, story)) throw new DomainError("NOT_FOUND", NOT_YOURS);
    if (!isReviewer(actor, story)) {
      throw new DomainError("FORBIDDEN", story.authorId === actor.id ? "Another manager of the branch reviews your own story." : "Only a manager of the story's branch reviews it.");
    }
    const to = DECIDED[input.decision];
    if (story.version !== input.version) {
      if (story.status === to && story.reviewedById === actor.id) return result(story, true);
      throw stale(story);
    }
    if (story.status !== "submitted") throw new DomainError("INVALID_STATE", `This story is ${STORY_STATUS_LABELS[story.status].toLowerCase()}; only a story waiting for review is decided.`);
    const comment = input.comment.trim();
    if (input.decision === "return" && !comment) throw new DomainError("VALIDATION", "Say what the author should change.", { field: "comment" });
    const updated = await returnedRow(
      tx
        .update(stories)
        .set({ status: to, reviewComment: comment || null, reviewedById: actor.id, decidedAt: now, updatedAt: now, version: story.version + 1, ...(to === "published" ? { publishedAt: now } : {}) })
        .where(and(eq(stories.id, story.id), eq(stories.version, story.version)))
        .returning(),
    );
    await recordAudit(tx, { actorId: actor.id, action: `story.${to}`, entity: "story", entityId: story.id, detail: { from: "submitted", to, commented: comment.length > 0 }, at: now });
    const what =
      to === "published"
        ? `published your story #${story.id}: everyone in the organisation can read it now.`
        : to === "returned"
        ? `returned your story #${story.id} for changes. Open it to read the comment, change it and send it again.`
        : `declined your story #${story.id}. Open it to read why.`;
    await tellAuthor(tx, updated, actor.id, what, now);
    return result(updated);
  });
}

/** The author withdraws their story (unless declined); a manager of its branch a published one. */
export async function withdrawStory(db: DbOrTx, actor: StoryActor, input: { storyId: number; version: number }, now: Date): Promise<StoryResult> {
  return await writeTransaction(db, async (tx) => {
    const story = await loadStory(tx, input.storyId);
    if (!maySee(actor, story)) throw new DomainError("NOT_FOUND", NOT_YOURS);
    const right = withdrawRight(actor, story);
    if (story.version !== input.version) {
      if (story.status === "withdrawn" && story.withdrawnById === actor.id) return result(story, true);
      throw stale(story);
    }
    if (right) throw new DomainError(right.code, right.message);
    const updated = await returnedRow(
      tx
        .update(stories)
        .set({ status: "withdrawn", withdrawnById: actor.id, withdrawnAt: now, updatedAt: now, version: story.version + 1 })
        .where(and(eq(stories.id, story.id), eq(stories.version, story.version)))
        .returning(),
    );
    await recordAudit(tx, { actorId: actor.id, action: "story.withdrawn", entity: "story", entityId: story.id, detail: { from: story.status, to: "withdrawn" }, at: now });
    await tellAuthor(tx, updated, actor.id, `withdrew your story #${story.id}; it is no longer on the Stories page.`, now);
    return result(updated);
  });
}

/** Why the actor may not withdraw the story now (null when they may). */
function withdrawRight(actor: StoryActor, story: Story): { code: "FORBIDDEN" | "INVALID_STATE"; message: string } | null {
  const author = story.authorId === actor.id;
  if (!author && !isBranchManager(actor, story)) return { code: "FORBIDDEN", message: "Only the story's author or a manager of its branch withdraws it." };
  if (story.status === "withdrawn" || story.status === "declined") return { code: "INVALID_STATE", message: `This story is ${STORY_STATUS_LABELS[story.status].toLowerCase()} already.` };
  if (!author && story.status !== "published") return { code: "INVALID_STATE", message: "A manager withdraws a published story; a story waiting for review is declined instead." };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reading

const storyColumns = {
  id: stories.id,
  gestureId: stories.gestureId,
  status: stories.status,
  body: stories.body,
  occasion: stories.occasion,
  publishedAt: stories.publishedAt,
  submittedAt: stories.submittedAt,
  updatedAt: stories.updatedAt,
  authorId: stories.authorId,
  authorName: users.name,
  branchId: stories.branchId,
  branchName: branches.name,
  region: branches.region,
  typeName: gestureTypes.name,
};

function storyQuery(db: DbOrTx) {
  return db
    .select(storyColumns)
    .from(stories)
    .innerJoin(users, eq(users.id, stories.authorId))
    .innerJoin(branches, eq(branches.id, stories.branchId))
    .innerJoin(gestures, eq(gestures.id, stories.gestureId))
    .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId));
}

type StoryRow = Awaited<ReturnType<ReturnType<typeof storyQuery>["all"]>>[number];
export type StoryCard = StoryRow & { occasionLabel: string };
const card = (row: StoryRow): StoryCard => ({ ...row, occasionLabel: SIGNAL_KIND_LABELS[row.occasion] });

/** The Stories page's filters read from the query string: an occasion, a region (by name, as the reports). */
export async function readStoryFilter(db: DbOrTx, params: URLSearchParams) {
  const form: StoryFilterForm = { occasion: (params.get("occasion") ?? "").trim().slice(0, 40), region: (params.get("region") ?? "").trim().slice(0, 100) };
  const regions = [...new Set((await listBranchOptions(db)).map((b) => b.region))].sort((a, b) => a.localeCompare(b));
  const errors: Partial<Record<keyof StoryFilterForm, string>> = {};
  let occasion: Occasion | null = null;
  let region: string | null = null;
  if (form.occasion) {
    if (isOccasion(form.occasion)) occasion = form.occasion;
    else errors.occasion = "Choose an occasion from the list.";
  }
  if (form.region) {
    if (regions.includes(form.region)) region = form.region;
    else errors.region = "Choose a region from the list.";
  }
  return { filter: { occasion, region }, form, errors, regions };
}

/** Published stories, newest first, a page at a time (one index range; no count of the whole table). */
export async function listPublishedStories(db: DbOrTx, input: { occasion: Occasion | null; region: string | null; page: number; pageSize?: number }) {
  const pageSize = input.pageSize ?? STORIES_PAGE_SIZE;
  const where: SQL[] = [eq(stories.status, "published")];
  if (input.occasion) where.push(eq(stories.occasion, input.occasion));
  if (input.region) where.push(eq(branches.region, input.region));
  const rows = await storyQuery(db)
    .where(and(...where))
    .orderBy(desc(stories.publishedAt), desc(stories.id))
    .limit(pageSize + 1)
    .offset((input.page - 1) * pageSize);
  return { rows: rows.slice(0, pageSize).map(card), hasNext: rows.length > pageSize };
}

/** The newest published story, for every role's home page. */
export async function latestPublishedStory(db: DbOrTx): Promise<StoryCard | null> {
  return (await listPublishedStories(db, { occasion: null, region: null, page: 1, pageSize: 1 })).rows[0] ?? null;
}

/** The stories waiting for the manager's review: their branch's, not their own, oldest first. */
export async function storyReviewQueue(db: DbOrTx, actor: StoryActor): Promise<StoryCard[]> {
  if (!can(actor.role, "stories:review") || actor.branchId === null) throw new DomainError("FORBIDDEN", "Only branch managers review stories.");
  return (
    await storyQuery(db)
      .where(and(eq(stories.branchId, actor.branchId), eq(stories.status, "submitted"), ne(stories.authorId, actor.id)))
      .orderBy(stories.submittedAt, stories.id)
      .limit(200)
  ).map(card);
}

/** How many stories wait for the manager's review (for a link on the Stories page). */
export async function storiesToReview(db: DbOrTx, actor: StoryActor): Promise<number> {
  if (!can(actor.role, "stories:review") || actor.branchId === null) return 0;
  return (
    (
      await firstRow(
        db
          .select({ n: sql<number>`count(*)` })
          .from(stories)
          .where(and(eq(stories.branchId, actor.branchId), eq(stories.status, "submitted"), ne(stories.authorId, actor.id)))
          .limit(1),
      )
    )?.n ?? 0
  );
}

/** The author's own stories in every state, most recently changed first. */
export async function myStories(db: DbOrTx, actor: StoryActor, limit = 20): Promise<StoryCard[]> {
  if (!can(actor.role, "stories:write")) return [];
  return (await storyQuery(db).where(eq(stories.authorId, actor.id)).orderBy(desc(stories.updatedAt), desc(stories.id)).limit(limit)).map(card);
}

/** One story and what the actor may do with it. */
export async function viewStory(db: DbOrTx, actor: StoryActor, storyId: number) {
  const story = await loadStory(db, storyId);
  if (!maySee(actor, story)) throw new DomainError("NOT_FOUND", NOT_YOURS);
  const row = card((await firstRow(storyQuery(db).where(eq(stories.id, storyId)).limit(1)))!);
  const insider = story.authorId === actor.id || isBranchManager(actor, story);
  const reviewer = story.reviewedById ? await nameOf(db, story.reviewedById) : null;
  return {
    story: { ...row, version: story.version, decidedAt: story.decidedAt, withdrawnAt: story.withdrawnAt },
    // The review's comment and the link to the gesture are for the author and the branch's managers.
    review: insider && story.reviewComment !== null ? { comment: story.reviewComment, by: reviewer } : null,
    reviewedBy: insider ? reviewer : null,
    can: {
      edit: story.authorId === actor.id && (story.status === "draft" || story.status === "returned"),
      review: story.status === "submitted" && isReviewer(actor, story),
      withdraw: withdrawRight(actor, story) === null,
      openGesture: insider,
    },
  };
}

/** The gesture page's view of its story: whether the viewer may write one, and the story if it exists and they may see it. */
export async function storyOfGesture(db: DbOrTx, actor: StoryActor, gestureId: number) {
  const gesture = await firstRow(
    db.select({ proposerId: gestures.proposerId, branchId: gestures.branchId, status: gestures.status, outcome: gestures.outcome }).from(gestures).where(eq(gestures.id, gestureId)).limit(1),
  );
  if (!gesture) return { canWrite: false, story: null };
  const story = await firstRow(db.select().from(stories).where(eq(stories.gestureId, gestureId)).limit(1));
  const positive = gesture.status === "closed" && gesture.outcome !== null && (POSITIVE_OUTCOMES as readonly string[]).includes(gesture.outcome);
  return {
    canWrite: !story && positive && gesture.proposerId === actor.id && can(actor.role, "stories:write") && actor.branchId === gesture.branchId,
    story: story && maySee(actor, story) ? { id: story.id, status: story.status } : null,
  };
}

/** What the write form shows: the gesture in general words (the customer's name is shown only as what to leave out). */
export async function storyStart(db: DbOrTx, actor: StoryActor, gestureId: number) {
  const existing = await firstRow(db.select({ id: stories.id, authorId: stories.authorId }).from(stories).where(eq(stories.gestureId, gestureId)).limit(1));
  if (existing && existing.authorId === actor.id) return { existingStoryId: existing.id, gesture: null };
  const gesture = await gestureForStory(db, actor, gestureId);
  if (existing) throw new DomainError("CONFLICT", "This gesture's story is already written.");
  const facts = (await firstRow(
    db
      .select({ typeName: gestureTypes.name, customerName: customers.name })
      .from(gestures)
      .innerJoin(gestureTypes, eq(gestureTypes.id, gestures.typeId))
      .innerJoin(customers, eq(customers.id, gestures.customerId))
      .where(eq(gestures.id, gestureId))
      .limit(1),
  ))!;
  return {
    existingStoryId: null,
    gesture: { id: gesture.id, occasionLabel: SIGNAL_KIND_LABELS[gesture.occasion], typeName: facts.typeName, customerName: facts.customerName, outcome: gesture.outcome },
  };
}
