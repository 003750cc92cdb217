import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, customers, emailOutbox, notifications, stories } from "../../../db/schema";
import { createCustomer, createSignal } from "../../support/factories";
import { editStory, latestPublishedStory, listPublishedStories, reviewStory, storyOfGesture, storyReviewQueue, viewStory, withdrawStory, writeStory } from "~/domain/stories/stories.server";
import type { Db } from "~/utils/db.server";
import { closeDatabase, createTestDatabase } from "../../support/database";
import { actorOf, propose, setupGestures } from "../../support/gesture-setup";
import { refusal } from "../../support/refusal";
import { positiveGesture } from "../../support/story-setup";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

const NOW = new Date("2026-03-02T15:00:00Z");
const LATER = new Date("2026-03-03T15:00:00Z");
const TEXT = "We sent flowers after the funeral. She came in to say the card was the kindest thing anyone had sent.";

/** Another customer of the north branch (a second gesture for the same customer and occasion would be a duplicate). */
const fresh = (s: { north: { id: number } }) => createCustomer(db, { branchId: s.north.id }).id;

async function setup() {
  const s = await setupGestures(db, { now: NOW });
  const g = positiveGesture(db, s.staff, s.customer.id, NOW);
  return { s, g };
}

const auditOf = (storyId: number) => db.select({ action: auditEvents.action, actorId: auditEvents.actorId, detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.entityId, String(storyId))).all().filter((row) => row.action.startsWith("story."));

describe("writing a story", () => {
  it("the proposer of a gesture the customer thanked for writes its story and sends it; the branch's managers are told", async () => {
    const { s, g } = await setup();
    const story = writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect(story.status).toBe("submitted");
    const told = db.select().from(notifications).where(eq(notifications.kind, "story_submitted")).all().map((n) => n.userId).sort();
    expect(told).toEqual([s.manager.id, s.manager2!.id].sort());
    // The e-mail names no customer.
    for (const mail of db.select().from(emailOutbox).all()) expect(mail.body).not.toContain("Whitfield");
    expect(auditOf(story.storyId)).toEqual([{ action: "story.submitted", actorId: s.staff.id, detail: JSON.stringify({ gestureId: g.gestureId, to: "submitted" }) }]);
  });

  it("a story naming the customer is refused beside the text, and nothing is written", async () => {
    const { s, g } = await setup();
    const error = refusal(() => writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} Mrs WHIT FIELD was moved.`, submit: true }, LATER));
    expect(error.code).toBe("VALIDATION");
    expect(error.field).toBe("body");
    expect(db.select().from(stories).all()).toEqual([]);
  });

  it("a story quoting the customer's reference, or a sensitive signal's note, is refused", async () => {
    const { s, g } = await setup();
    const crmRef = db.select({ crmRef: customers.crmRef }).from(customers).where(eq(customers.id, s.customer.id)).get()!.crmRef;
    expect(refusal(() => writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} (${crmRef.toLowerCase()})`, submit: false }, LATER)).message).toMatch(/reference/);
    createSignal(db, s.customer, { kind: "bereavement", note: "Her husband died suddenly on holiday in Spain" });
    expect(refusal(() => writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} Her husband died suddenly on holiday in Spain.`, submit: false }, LATER)).message).toMatch(/circumstances/);
  });

  it("only the proposer writes it, only after a positive response, and only once", async () => {
    const { s, g } = await setup();
    expect(refusal(() => writeStory(db, actorOf(s.staff2), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER)).code).toBe("FORBIDDEN");
    expect(refusal(() => writeStory(db, actorOf(s.southStaff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER)).code).toBe("NOT_FOUND");
    expect(refusal(() => writeStory(db, actorOf(s.financeUser), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER)).code).toBe("NOT_FOUND");
    const neutral = positiveGesture(db, s.staff, fresh(s), NOW, "neutral");
    expect(refusal(() => writeStory(db, actorOf(s.staff), { gestureId: neutral.gestureId, body: TEXT, submit: true }, LATER)).code).toBe("INVALID_STATE");
    const open = propose(db, s.staff, { customerId: fresh(s), amount: 500 }, NOW);
    expect(refusal(() => writeStory(db, actorOf(s.staff), { gestureId: open.gestureId, body: TEXT, submit: true }, LATER)).code).toBe("INVALID_STATE");
    const first = writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect(writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER)).toMatchObject({ storyId: first.storyId, alreadyDone: true });
    expect(refusal(() => writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} Again.`, submit: true }, LATER)).code).toBe("CONFLICT");
  });
});

describe("reviewing a story", () => {
  it("a manager publishes it: everyone reads it, newest first, and the author is told", async () => {
    const { s, g } = await setup();
    const story = writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect(storyReviewQueue(db, actorOf(s.manager)).map((r) => r.id)).toEqual([story.storyId]);
    expect(storyReviewQueue(db, actorOf(s.southManager))).toEqual([]);
    const published = reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "publish", comment: "" }, LATER);
    expect(published.status).toBe("published");
    expect(latestPublishedStory(db)).toMatchObject({ id: story.storyId, authorName: "Sam Staff", branchName: s.north.name, body: TEXT });
    for (const reader of [s.southStaff, s.financeUser]) expect(viewStory(db, actorOf(reader), story.storyId).story.body).toBe(TEXT);
    expect(db.select().from(notifications).where(eq(notifications.userId, s.staff.id)).all().map((n) => n.kind)).toContain("story_decided");
    expect(auditOf(story.storyId).map((a) => a.action)).toEqual(["story.submitted", "story.published"]);
  });

  it("staff, finance, a manager of another branch, and the author who is a manager cannot review", async () => {
    const { s } = await setup();
    const mine = positiveGesture(db, s.manager, fresh(s), NOW);
    const managerStory = writeStory(db, actorOf(s.manager), { gestureId: mine.gestureId, body: TEXT, submit: true }, LATER);
    const g2 = positiveGesture(db, s.staff, fresh(s), NOW);
    const story = writeStory(db, actorOf(s.staff), { gestureId: g2.gestureId, body: TEXT, submit: true }, LATER);
    const publish = (actor: Parameters<typeof actorOf>[0], storyId: number, version: number) => () => reviewStory(db, actorOf(actor), { storyId, version, decision: "publish", comment: "" }, LATER);
    expect(refusal(publish(s.staff2, story.storyId, story.version)).code).toBe("NOT_FOUND");
    expect(refusal(publish(s.staff, story.storyId, story.version)).code).toBe("FORBIDDEN");
    expect(refusal(publish(s.southManager, story.storyId, story.version)).code).toBe("NOT_FOUND");
    expect(refusal(publish(s.financeUser, story.storyId, story.version)).code).toBe("NOT_FOUND");
    expect(refusal(publish(s.manager, managerStory.storyId, managerStory.version)).message).toMatch(/Another manager/);
    // The other manager of the branch was told and reviews it.
    expect(publish(s.manager2!, managerStory.storyId, managerStory.version)().status).toBe("published");
  });

  it("a returned story keeps the comment; the author edits it and sends it again", async () => {
    const { s, g } = await setup();
    let story = writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect(refusal(() => reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "return", comment: " " }, LATER)).field).toBe("comment");
    story = reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "return", comment: "Say what the card said" }, LATER);
    expect(story.status).toBe("returned");
    expect(viewStory(db, actorOf(s.staff), story.storyId).review).toEqual({ comment: "Say what the card said", by: "Mona Manager" });
    // Others do not see the review's comment on a story they may see.
    story = editStory(db, actorOf(s.staff), { storyId: story.storyId, version: story.version, body: `${TEXT} The card said: thinking of you.`, submit: true }, LATER);
    expect(story.status).toBe("submitted");
    story = reviewStory(db, actorOf(s.manager2!), { storyId: story.storyId, version: story.version, decision: "decline", comment: "Too close to home" }, LATER);
    expect(story.status).toBe("declined");
    expect(refusal(() => editStory(db, actorOf(s.staff), { storyId: story.storyId, version: story.version, body: TEXT, submit: true }, LATER)).code).toBe("INVALID_STATE");
    expect(auditOf(story.storyId).map((a) => a.action)).toEqual(["story.submitted", "story.returned", "story.submitted", "story.declined"]);
  });

  it("an unpublished story is seen by its author and its branch's managers only", async () => {
    const { s, g } = await setup();
    const story = writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: false }, LATER);
    expect(viewStory(db, actorOf(s.staff), story.storyId).can.edit).toBe(true);
    expect(viewStory(db, actorOf(s.manager), story.storyId).can).toMatchObject({ edit: false, review: false });
    for (const other of [s.staff2, s.southStaff, s.southManager, s.financeUser]) expect(refusal(() => viewStory(db, actorOf(other), story.storyId)).code).toBe("NOT_FOUND");
    expect(storyOfGesture(db, actorOf(s.staff), g.gestureId)).toEqual({ canWrite: false, story: { id: story.storyId, status: "draft" } });
  });
});

describe("withdrawing a story", () => {
  async function published() {
    const { s, g } = await setup();
    const story = writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    return { s, story: reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "publish", comment: "" }, LATER) };
  }

  it("the author withdraws a published story: it leaves the Stories page", async () => {
    const { s, story } = await published();
    expect(withdrawStory(db, actorOf(s.staff), { storyId: story.storyId, version: story.version }, LATER).status).toBe("withdrawn");
    expect(listPublishedStories(db, { occasion: null, region: null, page: 1 }).rows).toEqual([]);
    expect(auditOf(story.storyId).at(-1)).toMatchObject({ action: "story.withdrawn", actorId: s.staff.id });
  });

  it("a manager of the branch withdraws it too; colleagues, finance and another branch's manager cannot", async () => {
    const { s, story } = await published();
    for (const other of [s.staff2, s.southManager, s.financeUser]) expect(refusal(() => withdrawStory(db, actorOf(other), { storyId: story.storyId, version: story.version }, LATER)).code).toBe("FORBIDDEN");
    expect(withdrawStory(db, actorOf(s.manager2!), { storyId: story.storyId, version: story.version }, LATER).status).toBe("withdrawn");
    expect(db.select().from(notifications).where(eq(notifications.userId, s.staff.id)).all().filter((n) => n.kind === "story_decided")).toHaveLength(2);
  });

  it("the published list filters by occasion and region and pages newest first", async () => {
    const { s } = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const g = positiveGesture(db, s.staff, fresh(s), NOW);
      const w = writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} ${i}`, submit: true }, LATER);
      ids.push(reviewStory(db, actorOf(s.manager), { storyId: w.storyId, version: w.version, decision: "publish", comment: "" }, new Date(LATER.getTime() + i * 1000)).storyId);
    }
    const first = listPublishedStories(db, { occasion: null, region: null, page: 1, pageSize: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.hasNext).toBe(true);
    expect(listPublishedStories(db, { occasion: null, region: null, page: 2, pageSize: 2 }).rows.map((r) => r.id)).toEqual([ids[0]]);
    expect(listPublishedStories(db, { occasion: "birthday", region: null, page: 1 }).rows).toEqual([]);
    expect(listPublishedStories(db, { occasion: "bereavement", region: s.north.region, page: 1 }).rows).toHaveLength(3);
    expect(listPublishedStories(db, { occasion: null, region: "Nowhere", page: 1 }).rows).toEqual([]);
  });
});
