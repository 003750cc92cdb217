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
import { firstRow } from "~/utils/query.server";

let db: Db;
beforeEach(() => {
  db = createTestDatabase();
});
afterEach(() => closeDatabase(db));

const NOW = new Date("2026-03-02T15:00:00Z");
const LATER = new Date("2026-03-03T15:00:00Z");
const TEXT = "We sent flowers after the funeral. She came in to say the card was the kindest thing anyone had sent.";

/** Another customer of the north branch (a second gesture for the same customer and occasion would be a duplicate). */
const fresh = async (s: { north: { id: number } }) => (await createCustomer(db, { branchId: s.north.id })).id;

async function setup() {
  const s = await setupGestures(db, { now: NOW });
  const g = await positiveGesture(db, s.staff, s.customer.id, NOW);
  return { s, g };
}

const auditOf = async (storyId: number) =>
  (
    await db
      .select({ action: auditEvents.action, actorId: auditEvents.actorId, detail: auditEvents.detail })
      .from(auditEvents)
      .where(eq(auditEvents.entityId, String(storyId)))
  ).filter((row) => row.action.startsWith("story."));

describe("writing a story", () => {
  it("the proposer of a gesture the customer thanked for writes its story and sends it; the branch's managers are told", async () => {
    const { s, g } = await setup();
    const story = await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect(story.status).toBe("submitted");
    const told = (await db.select().from(notifications).where(eq(notifications.kind, "story_submitted"))).map((n) => n.userId).sort();
    expect(told).toEqual([s.manager.id, s.manager2!.id].sort());
    // The e-mail names no customer.
    for (const mail of await db.select().from(emailOutbox)) expect(mail.body).not.toContain("Whitfield");
    expect(await auditOf(story.storyId)).toEqual([{ action: "story.submitted", actorId: s.staff.id, detail: JSON.stringify({ gestureId: g.gestureId, to: "submitted" }) }]);
  });

  it("a story naming the customer is refused beside the text, and nothing is written", async () => {
    const { s, g } = await setup();
    const error = await refusal(async () => await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} Mrs WHIT FIELD was moved.`, submit: true }, LATER));
    expect(error.code).toBe("VALIDATION");
    expect(error.field).toBe("body");
    expect(await db.select().from(stories)).toEqual([]);
  });

  it("a story quoting the customer's reference, or a sensitive signal's note, is refused", async () => {
    const { s, g } = await setup();
    const crmRef = (await firstRow(db.select({ crmRef: customers.crmRef }).from(customers).where(eq(customers.id, s.customer.id)).limit(1)))!.crmRef;
    expect((await refusal(async () => await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} (${crmRef.toLowerCase()})`, submit: false }, LATER))).message).toMatch(
      /reference/,
    );
    await createSignal(db, s.customer, { kind: "bereavement", note: "Her husband died suddenly on holiday in Spain" });
    expect(
      (await refusal(async () => await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} Her husband died suddenly on holiday in Spain.`, submit: false }, LATER))).message,
    ).toMatch(/circumstances/);
  });

  it("only the proposer writes it, only after a positive response, and only once", async () => {
    const { s, g } = await setup();
    expect((await refusal(async () => await writeStory(db, actorOf(s.staff2), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER))).code).toBe("FORBIDDEN");
    expect((await refusal(async () => await writeStory(db, actorOf(s.southStaff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER))).code).toBe("NOT_FOUND");
    expect((await refusal(async () => await writeStory(db, actorOf(s.financeUser), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER))).code).toBe("NOT_FOUND");
    const neutral = await positiveGesture(db, s.staff, await fresh(s), NOW, "neutral");
    expect((await refusal(async () => await writeStory(db, actorOf(s.staff), { gestureId: neutral.gestureId, body: TEXT, submit: true }, LATER))).code).toBe("INVALID_STATE");
    const open = await propose(db, s.staff, { customerId: await fresh(s), amount: 500 }, NOW);
    expect((await refusal(async () => await writeStory(db, actorOf(s.staff), { gestureId: open.gestureId, body: TEXT, submit: true }, LATER))).code).toBe("INVALID_STATE");
    const first = await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect(await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER)).toMatchObject({ storyId: first.storyId, alreadyDone: true });
    expect((await refusal(async () => await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} Again.`, submit: true }, LATER))).code).toBe("CONFLICT");
  });
});

describe("reviewing a story", () => {
  it("a manager publishes it: everyone reads it, newest first, and the author is told", async () => {
    const { s, g } = await setup();
    const story = await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect((await storyReviewQueue(db, actorOf(s.manager))).map((r) => r.id)).toEqual([story.storyId]);
    expect(await storyReviewQueue(db, actorOf(s.southManager))).toEqual([]);
    const published = await reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "publish", comment: "" }, LATER);
    expect(published.status).toBe("published");
    expect(await latestPublishedStory(db)).toMatchObject({ id: story.storyId, authorName: "Sam Staff", branchName: s.north.name, body: TEXT });
    for (const reader of [s.southStaff, s.financeUser]) expect((await viewStory(db, actorOf(reader), story.storyId)).story.body).toBe(TEXT);
    expect((await db.select().from(notifications).where(eq(notifications.userId, s.staff.id))).map((n) => n.kind)).toContain("story_decided");
    expect((await auditOf(story.storyId)).map((a) => a.action)).toEqual(["story.submitted", "story.published"]);
  });

  it("staff, finance, a manager of another branch, and the author who is a manager cannot review", async () => {
    const { s } = await setup();
    const mine = await positiveGesture(db, s.manager, await fresh(s), NOW);
    const managerStory = await writeStory(db, actorOf(s.manager), { gestureId: mine.gestureId, body: TEXT, submit: true }, LATER);
    const g2 = await positiveGesture(db, s.staff, await fresh(s), NOW);
    const story = await writeStory(db, actorOf(s.staff), { gestureId: g2.gestureId, body: TEXT, submit: true }, LATER);
    const publish = (actor: Parameters<typeof actorOf>[0], storyId: number, version: number) => async () =>
      await reviewStory(db, actorOf(actor), { storyId, version, decision: "publish", comment: "" }, LATER);
    expect((await refusal(publish(s.staff2, story.storyId, story.version))).code).toBe("NOT_FOUND");
    expect((await refusal(publish(s.staff, story.storyId, story.version))).code).toBe("FORBIDDEN");
    expect((await refusal(publish(s.southManager, story.storyId, story.version))).code).toBe("NOT_FOUND");
    expect((await refusal(publish(s.financeUser, story.storyId, story.version))).code).toBe("NOT_FOUND");
    expect((await refusal(publish(s.manager, managerStory.storyId, managerStory.version))).message).toMatch(/Another manager/);
    // The other manager of the branch was told and reviews it.
    expect((await publish(s.manager2!, managerStory.storyId, managerStory.version)()).status).toBe("published");
  });

  it("a returned story keeps the comment; the author edits it and sends it again", async () => {
    const { s, g } = await setup();
    let story = await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    expect((await refusal(async () => await reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "return", comment: " " }, LATER))).field).toBe("comment");
    story = await reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "return", comment: "Say what the card said" }, LATER);
    expect(story.status).toBe("returned");
    expect((await viewStory(db, actorOf(s.staff), story.storyId)).review).toEqual({ comment: "Say what the card said", by: "Mona Manager" });
    // Others do not see the review's comment on a story they may see.
    story = await editStory(db, actorOf(s.staff), { storyId: story.storyId, version: story.version, body: `${TEXT} The card said: thinking of you.`, submit: true }, LATER);
    expect(story.status).toBe("submitted");
    story = await reviewStory(db, actorOf(s.manager2!), { storyId: story.storyId, version: story.version, decision: "decline", comment: "Too close to home" }, LATER);
    expect(story.status).toBe("declined");
    expect((await refusal(async () => await editStory(db, actorOf(s.staff), { storyId: story.storyId, version: story.version, body: TEXT, submit: true }, LATER))).code).toBe("INVALID_STATE");
    expect((await auditOf(story.storyId)).map((a) => a.action)).toEqual(["story.submitted", "story.returned", "story.submitted", "story.declined"]);
  });

  it("an unpublished story is seen by its author and its branch's managers only", async () => {
    const { s, g } = await setup();
    const story = await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: false }, LATER);
    expect((await viewStory(db, actorOf(s.staff), story.storyId)).can.edit).toBe(true);
    expect((await viewStory(db, actorOf(s.manager), story.storyId)).can).toMatchObject({ edit: false, review: false });
    for (const other of [s.staff2, s.southStaff, s.southManager, s.financeUser]) expect((await refusal(async () => await viewStory(db, actorOf(other), story.storyId))).code).toBe("NOT_FOUND");
    expect(await storyOfGesture(db, actorOf(s.staff), g.gestureId)).toEqual({ canWrite: false, story: { id: story.storyId, status: "draft" } });
  });
});

describe("withdrawing a story", () => {
  async function published() {
    const { s, g } = await setup();
    const story = await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: TEXT, submit: true }, LATER);
    return { s, story: await reviewStory(db, actorOf(s.manager), { storyId: story.storyId, version: story.version, decision: "publish", comment: "" }, LATER) };
  }

  it("the author withdraws a published story: it leaves the Stories page", async () => {
    const { s, story } = await published();
    expect((await withdrawStory(db, actorOf(s.staff), { storyId: story.storyId, version: story.version }, LATER)).status).toBe("withdrawn");
    expect((await listPublishedStories(db, { occasion: null, region: null, page: 1 })).rows).toEqual([]);
    expect((await auditOf(story.storyId)).at(-1)).toMatchObject({ action: "story.withdrawn", actorId: s.staff.id });
  });

  it("a manager of the branch withdraws it too; colleagues, finance and another branch's manager cannot", async () => {
    const { s, story } = await published();
    for (const other of [s.staff2, s.southManager, s.financeUser])
      expect((await refusal(async () => await withdrawStory(db, actorOf(other), { storyId: story.storyId, version: story.version }, LATER))).code).toBe("FORBIDDEN");
    expect((await withdrawStory(db, actorOf(s.manager2!), { storyId: story.storyId, version: story.version }, LATER)).status).toBe("withdrawn");
    expect((await db.select().from(notifications).where(eq(notifications.userId, s.staff.id))).filter((n) => n.kind === "story_decided")).toHaveLength(2);
  });

  it("the published list filters by occasion and region and pages newest first", async () => {
    const { s } = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await positiveGesture(db, s.staff, await fresh(s), NOW);
      const w = await writeStory(db, actorOf(s.staff), { gestureId: g.gestureId, body: `${TEXT} ${i}`, submit: true }, LATER);
      ids.push((await reviewStory(db, actorOf(s.manager), { storyId: w.storyId, version: w.version, decision: "publish", comment: "" }, new Date(LATER.getTime() + i * 1000))).storyId);
    }
    const first = await listPublishedStories(db, { occasion: null, region: null, page: 1, pageSize: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.hasNext).toBe(true);
    expect((await listPublishedStories(db, { occasion: null, region: null, page: 2, pageSize: 2 })).rows.map((r) => r.id)).toEqual([ids[0]]);
    expect((await listPublishedStories(db, { occasion: "birthday", region: null, page: 1 })).rows).toEqual([]);
    expect((await listPublishedStories(db, { occasion: "bereavement", region: s.north.region, page: 1 })).rows).toHaveLength(3);
    expect((await listPublishedStories(db, { occasion: null, region: "Nowhere", page: 1 })).rows).toEqual([]);
  });
});
